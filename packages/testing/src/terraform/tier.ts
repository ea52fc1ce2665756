import { type JsonObject, isJsonObject } from "../plan/json";
import { type TerraformPlan } from "../plan/model";
import { parsePlan } from "../plan/read";
import { stateDocument } from "./prior-state";
import { type CombinedPlanRun, type StepResult, type TerraformSession, pinnedAwsVersion } from "./session";

/**
 * What the real-Terraform tier checks and prints, shared by its jest suite
 * (tools/terraform-tier/real-terraform.test.ts) and the bench
 * (`tools/bench/terraform-tier.mjs`). The session itself is `TerraformSession` (./session.ts).
 */

/** A synthesized stack the tier runs. */
export interface TierStack {
  readonly name: string;
  /** The synthesized `cdk.tf.json`. */
  readonly json: string;
  /** A cross-account replication stack: also runs `terraform test` with mocked providers. @default false */
  readonly replication?: boolean;
  /**
   * State entries of this stack's module in the combined run (`module.<name>`, e.g. from
   * `priorStateFromConfig`): the run then plans against that state, with `-refresh=false` (nothing
   * can be read from AWS offline). @default none: the stack is planned from empty
   */
  readonly priorState?: readonly unknown[];
}

/** The command that adds every pinned hashicorp/aws version to the provider mirror (network, once, cached). */
export const MIRROR_COMMAND = "npm run providers:mirror";

/**
 * One stack's outcome: planned (in a combined run, with its part of the plan), or `missing`: terraform
 * and a mirror exist but the mirror lacks the version the stack pins. That is a failure, never a
 * skip: the message names both versions and {@link MIRROR_COMMAND}.
 */
export type TierResult =
  | { readonly name: string; readonly missing: string }
  | {
      readonly name: string;
      readonly run: CombinedPlanRun;
      readonly plan?: TerraformPlan;
      readonly test?: StepResult;
      /** A stack with import blocks (adopted buckets): its mocked `terraform test` plan ({@link adoptionTestFile}). */
      readonly adoption?: AdoptionRun;
    };

/** The adoption check of a stack with import blocks: `terraform test -json -verbose` and the plan it printed. */
export interface AdoptionRun {
  readonly step: StepResult;
  /** The run's plan (the `test_plan` message), when the test printed one. */
  readonly plan?: TerraformPlan;
}

/** One `import` block of a synthesized stack. */
export interface ImportBlock {
  readonly to: string;
  readonly id: string;
  readonly provider?: string;
}

/** The stack's top-level `import` blocks (adopted buckets), in order. */
export function importBlocks(stackJson: string): ImportBlock[] {
  const doc = JSON.parse(stackJson) as { import?: ImportBlock[] };
  return doc.import ?? [];
}

/**
 * The stack without its `import` blocks, for the combined plan: Terraform allows import blocks only in
 * the root module (the combined run calls each stack as a child module), and an offline plan cannot
 * read an existing bucket anyway. The adoption itself is checked by {@link adoptionTestFile}.
 */
export function withoutImports(stackJson: string): string {
  const { import: _imports, ...rest } = JSON.parse(stackJson) as Record<string, unknown>;
  return JSON.stringify(rest, null, 2);
}

/**
 * Mocked values of the resources whose attributes an adopted bucket's configuration references (the
 * key's ARN in the SSE rule and the bucket policy; a role's ARN), known at plan: a mock provider
 * fills an imported object's state from its configuration, and that state must be fully known.
 */
const KNOWN_AT_PLAN: Readonly<Record<string, (name: string) => Readonly<Record<string, string>>>> = {
  aws_kms_key: () => ({ arn: "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000000", key_id: "00000000-0000-4000-8000-000000000000" }),
  aws_kms_external_key: () => ({
    arn: "arn:aws:kms:us-east-1:000000000000:key/00000000-0000-4000-8000-000000000001",
    id: "00000000-0000-4000-8000-000000000001",
  }),
  aws_iam_role: (name) => ({ arn: `arn:aws:iam::000000000000:role/${name}` }),
};

/**
 * A `terraform test` file for a stack with import blocks: a plan (`command = plan`) with every AWS
 * provider mocked (`override_during = plan`, Terraform 1.11+). Terraform refuses to import from a
 * mock provider unless the imported resource has an `override_resource`, so each import target gets
 * one (the bucket name as `id` and `bucket`; the bucket's ARN), and the resources whose attributes
 * the imported configuration references get known values ({@link KNOWN_AT_PLAN}). The mock fills
 * the rest of an imported object from its configuration, so the plan cannot show what a real bucket
 * would change; it shows each target imported, not created (`terraform test -json -verbose`).
 */
export function adoptionTestFile(stackJson: string): string {
  const doc = JSON.parse(stackJson) as {
    provider?: { aws?: Array<{ alias?: string }> };
    resource?: Record<string, Record<string, { provider?: string }>>;
  };
  const imports = importBlocks(stackJson);
  const aliases = [...new Set(doc.provider?.aws?.map((p) => p.alias) ?? [undefined])];
  const override = (to: string, values: Readonly<Record<string, string>>): string => {
    const body = Object.entries(values)
      .map(([k, v]) => `      ${k} = ${JSON.stringify(v)}\n`)
      .join("");
    return `  override_resource {\n    target = ${to}\n    values = {\n${body}    }\n  }\n`;
  };
  const mocks = aliases.map((alias) => {
    const fqn = alias === undefined ? "aws" : `aws.${alias}`;
    const known = Object.entries(KNOWN_AT_PLAN).flatMap(([type, values]) =>
      Object.entries(doc.resource?.[type] ?? {})
        .filter(([, c]) => (c.provider ?? "aws") === fqn)
        .map(([name]) => override(`${type}.${name}`, values(name))),
    );
    const imported = imports
      .filter((i) => (i.provider ?? "aws") === fqn)
      .map((i) => override(i.to, { id: i.id, bucket: i.id, ...(i.to.startsWith("aws_s3_bucket.") ? { arn: `arn:aws:s3:::${i.id}` } : {}) }));
    return `mock_provider "aws" {\n${alias === undefined ? "" : `  alias = ${JSON.stringify(alias)}\n`}  override_during = plan\n${[...known, ...imported].join("")}}\n`;
  });
  return `# Generated by the real-Terraform tier (packages/testing/src/terraform/tier.ts).\n${mocks.join("")}\nrun "plan_adoption_with_mocked_providers" {\n  command = plan\n}\n`;
}

/** The plan of a `terraform test -json -verbose` run: its first `test_plan` message, read by the plan reader. */
export function testPlanOf(stdout: string, source: string): TerraformPlan | undefined {
  for (const line of stdout.split("\n")) {
    if (!line.includes('"test_plan"')) continue;
    const msg = JSON.parse(line) as { type?: string; test_plan?: { plan_format_version?: string; resource_changes?: unknown } };
    if (msg.type !== "test_plan" || msg.test_plan === undefined) continue;
    return parsePlan({ format_version: msg.test_plan.plan_format_version, resource_changes: msg.test_plan.resource_changes ?? [] }, source);
  }
  return undefined;
}

/** The line `npm test` prints for a stack (`.ci/run` counts them). */
export function tierLine(result: TierResult): string {
  if ("missing" in result) return `FAILED: real terraform for ${result.name}: ${result.missing}`;
  const { run, plan, test, adoption } = result;
  const step = (command: string): StepResult | undefined => run.steps.find((s) => s.command.startsWith(`terraform ${command}`));
  const verdict = (s: StepResult | undefined): string => (s === undefined ? "not run" : s.ok ? "ok" : "FAILED");
  const counts = plan ? ` (${summarize(plan)})` : "";
  const testText = test === undefined ? "" : `, terraform test ${verdict(test)} (${test.seconds.toFixed(1)} s)`;
  const adoptText =
    adoption === undefined
      ? ""
      : `, adoption (terraform test, mocked provider) ${verdict(adoption.step)}${adoption.plan ? ` (${summarize(adoption.plan)})` : ""}; combined plan without its import blocks`;
  const shared = `${run.stacks.length} stack${run.stacks.length === 1 ? "" : "s"} in one run, ${run.steps.reduce((t, s) => t + s.seconds, 0).toFixed(1)} s`;
  const validate = step("validate");
  const planned = validate === undefined ? `validate+plan ${verdict(step("plan"))}` : `validate ${verdict(validate)}, plan ${verdict(step("plan"))}`;
  return `real terraform: ${result.name}: ${planned}${counts}${testText}${adoptText} [hashicorp/aws ${result.run.name.replace(/^aws-/, "")}; ${shared}]`;
}

/**
 * `N to create, N to update, N to destroy` (replacements count in both create and destroy, as Terraform
 * counts), preceded by `N to import, ` when the plan imports (`change.importing`): an imported object is
 * never counted as created; an import that also updates counts in both, as Terraform counts it.
 */
export function summarize(plan: TerraformPlan): string {
  let imported = 0;
  let create = 0;
  let update = 0;
  let destroy = 0;
  for (const rc of plan.resource_changes) {
    const a: readonly string[] = rc.change.actions;
    if (rc.change.importing !== undefined) imported++;
    if (a.includes("create")) create++;
    if (a.includes("delete")) destroy++;
    if (a[0] === "update") update++;
  }
  return `${imported > 0 ? `${imported} to import, ` : ""}${create} to create, ${update} to update, ${destroy} to destroy`;
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
 * both providers mocked (`mock_provider` with `override_during = plan`, Terraform 1.11+: the mocked
 * computed values are known at plan, so one `plan` run shows what otherwise only an apply would,
 * without an apply and its teardown), and assertions on: each output that is a reference equals
 * the referenced value, JSON-string outputs decode, the replication rule's `replica_kms_key_id` is the destination key created through the other
 * provider, and every key policy written through the destination provider (and, across accounts,
 * every bucket policy) names the replication role.
 */
export function replicationTestFile(stackJson: string): string {
  const doc = JSON.parse(stackJson) as { output?: Record<string, { value: unknown }>; resource?: Record<string, Record<string, Record<string, unknown>>> };
  const asserts: Array<[string, string]> = [];
  for (const [name, o] of Object.entries(doc.output ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (typeof o.value !== "string") continue;
    const ref = REFERENCE.exec(o.value);
    if (ref) asserts.push([`output.${name} == ${ref[1]}.${ref[2]}`, `output ${name} is not ${ref[1]}.${ref[2]}`]);
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
  const mocks = aliases.map(
    (a) => `mock_provider "aws" {\n${a === undefined ? "" : `  alias = ${JSON.stringify(a)}\n`}  override_during = plan\n${mockResources}}\n`,
  );
  return `# Generated by the real-Terraform tier (packages/testing/src/terraform/tier.ts).\n${mocks.join("")}\nrun "plan_with_mocked_providers" {\n  command = plan\n\n${blocks.join("\n")}}\n`;
}

/**
 * The tier over `stacks`: stacks whose pinned hashicorp/aws version the mirror lacks fail
 * (`missing`: the message names both and the command that mirrors it); the others are planned together, one combined run per pinned version
 * (`TerraformSession.planTogether`), and cross-account replication stacks also run `terraform test`
 * with mocked providers in their own copy. `alongside` stacks are planned in the same runs (fixtures
 * of other tests, such as a rename against a prior state) but get no result of their own: their
 * plans are in the `run.plans` of the results of their run.
 */
export async function runTier(session: TerraformSession, stacks: readonly TierStack[], alongside: readonly TierStack[] = []): Promise<TierResult[]> {
  const results = new Map<string, TierResult>();
  const groups = new Map<string, TierStack[]>();
  for (const s of [...stacks, ...alongside]) {
    const pinned = pinnedAwsVersion(s.json);
    if (pinned === undefined || !session.mirror.awsVersions.includes(pinned)) {
      results.set(s.name, {
        name: s.name,
        missing: `the stack pins hashicorp/aws ${pinned ?? "(no version)"}; the mirror ${session.mirror.path} holds ${session.mirror.awsVersions.join(", ")}: run \`${MIRROR_COMMAND}\` (with network, once; it mirrors every pinned version)`,
      });
      continue;
    }
    groups.set(pinned, [...(groups.get(pinned) ?? []), s]);
  }
  // The combined runs first: they are the longest chain, so their commands queue first.
  // `terraform plan` validates the configuration before planning, so no separate `validate` runs.
  const planned = Promise.all(
    [...groups].map(async ([version, group]) => {
      const prior = group.flatMap((s) => s.priorState ?? []);
      const run = await session.planTogether(
        `aws-${version}`,
        group.map((s) => session.workdir(s.name, importBlocks(s.json).length > 0 ? withoutImports(s.json) : s.json)),
        { validate: false, ...(prior.length > 0 ? { state: stateDocument(prior), planArgs: ["-refresh=false"] } : {}) },
      );
      for (const s of group) results.set(s.name, { name: s.name, run, plan: run.plans.get(s.name) });
    }),
  );
  const tests = new Map<string, Promise<StepResult>>();
  const adoptions = new Map<string, Promise<AdoptionRun>>();
  const runnable = stacks.filter((s) => [...groups.values()].some((g) => g.includes(s)));
  for (const s of runnable) {
    if (importBlocks(s.json).length === 0) continue;
    const work = session.workdir(`adopt-${s.name}`, s.json, { "tests/sse_kms_adopt.tftest.hcl": adoptionTestFile(s.json) });
    adoptions.set(
      s.name,
      session
        .test(work.dir, ["-json", "-verbose"])
        .then((step) => ({ step, plan: step.ok ? testPlanOf(step.stdout, `terraform test -json (${s.name})`) : undefined })),
    );
  }
  for (const s of runnable) {
    if (!s.replication) continue;
    const work = session.workdir(`test-${s.name}`, withoutImports(s.json), {
      "tests/sse_kms.tftest.hcl": replicationTestFile(s.json),
    });
    tests.set(s.name, session.test(work.dir));
  }
  await planned;
  for (const [name, test] of tests) results.set(name, { ...(results.get(name) as Extract<TierResult, { run: unknown }>), test: await test });
  for (const [name, adoption] of adoptions) results.set(name, { ...(results.get(name) as Extract<TierResult, { run: unknown }>), adoption: await adoption });
  return stacks.map((s) => results.get(s.name)!);
}
