import {
  type CombinedPlanRun,
  type JsonObject,
  type StepResult,
  type TerraformPlan,
  type TerraformSession,
  isJsonObject,
  pinnedAwsVersion,
} from "@sse-kms/testing";

/**
 * What the real-Terraform tier checks and prints, shared by its jest suite and the bench
 * (`tools/bench/terraform-tier.mjs`). The session itself lives in `@sse-kms/testing`.
 */

/** A synthesized stack the tier runs. */
export interface TierStack {
  readonly name: string;
  /** The synthesized `cdk.tf.json`. */
  readonly json: string;
  /** A cross-account replication stack: also runs `terraform test` with mocked providers. @default false */
  readonly replication?: boolean;
}

/** One stack's outcome: planned (in a combined run, with its part of the plan), or skipped with a reason. */
export type TierResult =
  | { readonly name: string; readonly skipped: string }
  | { readonly name: string; readonly run: CombinedPlanRun; readonly plan?: TerraformPlan; readonly test?: StepResult };

/** Override file of a `terraform test` copy (never of the synthesized output). */
export const TEST_TEARDOWN_OVERRIDE = "zz_sse_kms_test_teardown_override.tf.json";

/**
 * `terraform test` destroys what its mocked apply created; `prevent_destroy` (production stacks)
 * makes that teardown fail. In the test's own copy only, this override lifts it.
 */
export function teardownOverride(stackJson: string): string {
  const doc = JSON.parse(stackJson) as { resource?: Record<string, Record<string, { lifecycle?: { prevent_destroy?: boolean } }>> };
  const resource: Record<string, Record<string, unknown>> = {};
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const [name, c] of Object.entries(byName)) if (c.lifecycle?.prevent_destroy) (resource[type] ??= {})[name] = { lifecycle: { prevent_destroy: false } };
  }
  return `${JSON.stringify(Object.keys(resource).length > 0 ? { resource } : {}, null, 2)}\n`;
}

/** The line `npm test` prints for a stack (`.ci/run` counts them). */
export function tierLine(result: TierResult): string {
  if ("skipped" in result) return `skipped: real terraform for ${result.name}: ${result.skipped}`;
  const { run, plan, test } = result;
  const step = (command: string): StepResult | undefined => run.steps.find((s) => s.command.startsWith(`terraform ${command}`));
  const verdict = (s: StepResult | undefined): string => (s === undefined ? "not run" : s.ok ? "ok" : "FAILED");
  const counts = plan ? ` (${summarize(plan)})` : "";
  const testText = test === undefined ? "" : `, terraform test ${verdict(test)} (${test.seconds.toFixed(1)} s)`;
  const shared = `${run.stacks.length} stack${run.stacks.length === 1 ? "" : "s"} in one run, ${run.steps.reduce((t, s) => t + s.seconds, 0).toFixed(1)} s`;
  return `real terraform: ${result.name}: validate ${verdict(step("validate"))}, plan ${verdict(step("plan"))}${counts}${testText} [hashicorp/aws ${result.run.name.replace(/^aws-/, "")}; ${shared}]`;
}

/** `N to create, N to update, N to destroy` (replacements count in both create and destroy, as Terraform counts). */
export function summarize(plan: TerraformPlan): string {
  let create = 0;
  let update = 0;
  let destroy = 0;
  for (const rc of plan.resource_changes) {
    const a: readonly string[] = rc.change.actions;
    if (a.includes("create")) create++;
    if (a.includes("delete")) destroy++;
    if (a[0] === "update") update++;
  }
  return `${create} to create, ${update} to update, ${destroy} to destroy`;
}

/** The configured resource at `address` from the plan's `configuration` block (depends_on, expressions). */
export function configuredResource(plan: TerraformPlan, address: string): JsonObject | undefined {
  const root = isJsonObject(plan.configuration) && isJsonObject(plan.configuration.root_module) ? plan.configuration.root_module : undefined;
  const resources = root && Array.isArray(root.resources) ? root.resources : [];
  return resources.find((r): r is JsonObject => isJsonObject(r) && r.address === address);
}

/** Every address a configured attribute (at any depth) references, from the plan's `configuration`. */
export function configuredReferences(resource: JsonObject | undefined): string[] {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isJsonObject(v)) {
      if (Array.isArray(v.references)) for (const r of v.references) if (typeof r === "string") out.add(r);
      for (const [k, x] of Object.entries(v)) if (k !== "references") visit(x);
    }
  };
  visit(resource?.expressions);
  return [...out].sort();
}

const REFERENCE = /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z_]+)\}$/;

/**
 * A `terraform test` file for a cross-account replication stack, derived from its synthesized JSON:
 * both providers mocked (`mock_provider`), one `apply` run, and assertions on what only an apply
 * shows: each output that is a reference equals the referenced value, JSON-string outputs decode,
 * the replication rule's `replica_kms_key_id` is the destination key created through the other
 * provider, and every key policy written through the destination provider (and, across accounts,
 * every bucket policy) names the replication role.
 */
export function replicationTestFile(stackJson: string): string {
  const doc = JSON.parse(stackJson) as { output?: Record<string, { value: unknown }>; resource?: Record<string, Record<string, Record<string, unknown>>> };
  const asserts: Array<[string, string]> = [];
  for (const [name, o] of Object.entries(doc.output ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (typeof o.value !== "string") continue;
    const ref = REFERENCE.exec(o.value);
    if (ref) asserts.push([`output.${name} == ${ref[1]}.${ref[2]}`, `output ${name} is not ${ref[1]}.${ref[2]} after apply`]);
    else if (/^[[{]/.test(o.value)) asserts.push([`can(jsondecode(output.${name}))`, `output ${name} is not a JSON string`]);
    else asserts.push([`output.${name} == ${JSON.stringify(o.value)}`, `output ${name} changed`]);
  }
  for (const [name, c] of Object.entries(doc.resource?.aws_s3_bucket_replication_configuration ?? {})) {
    const rule = (c.rule as Array<{ destination: Array<{ encryption_configuration?: Array<{ replica_kms_key_id: string }> }> }>)[0];
    const keyId = rule?.destination[0]?.encryption_configuration?.[0]?.replica_kms_key_id;
    if (keyId === undefined) continue;
    const ref = REFERENCE.exec(keyId);
    const expected = ref ? `${ref[1]}.${ref[2]}` : JSON.stringify(keyId);
    asserts.push([
      `aws_s3_bucket_replication_configuration.${name}.rule[0].destination[0].encryption_configuration[0].replica_kms_key_id == ${expected}`,
      `the replication rule does not encrypt replicas with ${expected}`,
    ]);
  }
  // A same-account destination's bucket policy grants nothing (the role's own policy suffices):
  // only a cross-account rule (its destination names an account) needs the role there.
  const crossAccount = Object.values(doc.resource?.aws_s3_bucket_replication_configuration ?? {}).some((c) =>
    (c.rule as Array<{ destination: Array<{ account?: string }> }>).some((r) => r.destination[0]?.account !== undefined),
  );
  for (const type of crossAccount ? ["aws_kms_key", "aws_s3_bucket_policy"] : ["aws_kms_key"]) {
    for (const [name, c] of Object.entries(doc.resource?.[type] ?? {})) {
      if (c.provider !== "aws.destination") continue;
      asserts.push([
        `strcontains(${type}.${name}.policy, output.replication_role_arn)`,
        `${type}.${name} (destination provider) does not name the replication role`,
      ]);
    }
  }
  const blocks = asserts.map(([condition, message]) => `  assert {\n    condition     = ${condition}\n    error_message = ${JSON.stringify(message)}\n  }\n`);
  const roleArn = doc.output?.replication_role_arn?.value;
  if (typeof roleArn === "string" && !REFERENCE.test(roleArn)) {
    for (const name of Object.keys(doc.resource?.aws_s3_bucket_replication_configuration ?? {})) {
      asserts.push([
        `aws_s3_bucket_replication_configuration.${name}.role == output.replication_role_arn`,
        "the replication rule does not use the role the destination policies name",
      ]);
    }
  }
  // Mocked computed values must be valid ARNs (the provider validates them); the role's is the ARN
  // AWS derives from its name (the literal the stack outputs and the destination policies name).
  const arns: Record<string, string> = {
    aws_iam_role: typeof roleArn === "string" && !REFERENCE.test(roleArn) ? roleArn : "arn:aws:iam::000000000000:role/mock",
    aws_kms_key: "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000",
    aws_s3_bucket: "arn:aws:s3:::mock-bucket",
  };
  const mockResources = Object.entries(arns)
    .map(([type, arn]) => `  mock_resource ${JSON.stringify(type)} {\n    defaults = {\n      arn = ${JSON.stringify(arn)}\n    }\n  }\n`)
    .join("");
  const aliases = [...new Set((JSON.parse(stackJson) as { provider?: { aws?: Array<{ alias?: string }> } }).provider?.aws?.map((p) => p.alias) ?? [undefined])];
  const mocks = aliases.map((a) => `mock_provider "aws" {\n${a === undefined ? "" : `  alias = ${JSON.stringify(a)}\n`}${mockResources}}\n`);
  return `# Generated by the real-Terraform tier (apps/catalog/src/real-terraform.ts).\n${mocks.join("")}\nrun "apply_with_mocked_providers" {\n  command = apply\n\n${blocks.join("\n")}}\n`;
}

/**
 * The tier over `stacks`: stacks whose pinned hashicorp/aws version the mirror lacks are skipped
 * (the reason names both); the others are planned together, one combined run per pinned version
 * (`TerraformSession.planTogether`), and cross-account replication stacks also run `terraform test`
 * with mocked providers in their own copy. `alongside` stacks are planned in the same runs (fixtures
 * of other tests) but get no result.
 */
export async function runTier(session: TerraformSession, stacks: readonly TierStack[], alongside: readonly TierStack[] = []): Promise<TierResult[]> {
  const results = new Map<string, TierResult>();
  const groups = new Map<string, TierStack[]>();
  for (const s of [...stacks, ...alongside]) {
    const pinned = pinnedAwsVersion(s.json);
    if (pinned === undefined || !session.mirror.awsVersions.includes(pinned)) {
      results.set(s.name, {
        name: s.name,
        skipped: `the stack pins hashicorp/aws ${pinned ?? "(no version)"}; the mirror ${session.mirror.path} holds ${session.mirror.awsVersions.join(", ")}`,
      });
      continue;
    }
    groups.set(pinned, [...(groups.get(pinned) ?? []), s]);
  }
  const tests = new Map<string, Promise<StepResult>>();
  for (const s of stacks) {
    if (results.has(s.name) || !s.replication) continue;
    const work = session.workdir(`test-${s.name}`, s.json, {
      "tests/sse_kms.tftest.hcl": replicationTestFile(s.json),
      [TEST_TEARDOWN_OVERRIDE]: teardownOverride(s.json),
    });
    tests.set(
      s.name,
      session.init(work.dir).then((init) => (init.ok ? session.run(work.dir, ["test", "-no-color"]) : init)),
    );
  }
  await Promise.all(
    [...groups].map(async ([version, group]) => {
      const run = await session.planTogether(
        `aws-${version}`,
        group.map((s) => session.workdir(s.name, s.json)),
      );
      for (const s of group) results.set(s.name, { name: s.name, run, plan: run.plans.get(s.name) });
    }),
  );
  for (const [name, test] of tests) results.set(name, { ...(results.get(name) as Extract<TierResult, { run: unknown }>), test: await test });
  return stacks.map((s) => results.get(s.name)!);
}
