/**
 * The real-Terraform tier: every shipped stack (whatever apps/*\/environment.json exist) goes
 * through the Terraform CLI offline: init from a local hashicorp/aws mirror, validate, plan with
 * fake credentials and a local backend (override files in a temporary copy), show -json fed to the
 * plan matchers; cross-account replication stacks also run `terraform test` with mocked providers.
 * A rename of a key is planned against a prior state, with and without a moved block.
 * Where no terraform binary or no mirror is found, it prints one `skipped: ...` line per stack.
 */
import "@sse-kms/testing/jest-setup";
import { type EnvironmentConfig, parseEnvironment } from "@sse-kms/config";
import { moveFrom } from "@sse-kms/guardrails";
import {
  type CombinedPlanRun,
  type StepResult,
  type TerraformPlan,
  TerraformSession,
  actionOf,
  describeFailure,
  findChanges,
  findTerraform,
  priorStateFromConfig,
  terraformAvailability,
} from "@sse-kms/testing";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Testing } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvironmentStack } from "@sse-kms/stack";
import { EnvironmentSchema, buildEnvironment, createApp, findRepoRoot } from "@sse-kms/blueprint-catalog";
import {
  type TierResult,
  adoptionTestFile,
  configuredReferences,
  configuredResource,
  importBlocks,
  MIRROR_COMMAND,
  runTier,
  summarize,
  tierLine,
  withoutImports,
} from "@sse-kms/testing/terraform";

// A generous ceiling for a loaded machine (the plans run in beforeAll); not a timing assertion.
jest.setTimeout(900_000);

const root = findRepoRoot(__dirname);
// The bytes `npm run synth` writes (the same app, into a temporary outdir), cdktf's metadata included.
const outdir = mkdtempSync(join(tmpdir(), "sse-kms-tier-synth-"));
const app = createApp(root, { outdir });
app.synth();
const stacks = app.node.children
  .filter((c): c is EnvironmentStack => c instanceof EnvironmentStack)
  .map((s) => ({ name: s.node.id, blueprint: s.blueprint, json: readFileSync(join(outdir, "stacks", s.node.id, "cdk.tf.json"), "utf8") }));
rmSync(outdir, { recursive: true, force: true });
const availability = terraformAvailability();

/** The literal key ARNs the buckets of a stack without key resources encrypt with (key.existingKeyArn); [] when the stack creates its keys. */
function existingKeyArnsOf(text: string): string[] {
  const resource =
    (
      JSON.parse(text) as {
        resource?: Record<string, Record<string, { rule?: { apply_server_side_encryption_by_default?: { kms_master_key_id?: string } }[] }>>;
      }
    ).resource ?? {};
  if (resource.aws_kms_key || resource.aws_kms_external_key) return [];
  return Object.values(resource.aws_s3_bucket_server_side_encryption_configuration ?? {})
    .map((c) => c.rule?.[0]?.apply_server_side_encryption_by_default?.kms_master_key_id)
    .filter((id): id is string => typeof id === "string" && /^arn:[^:]+:kms:[^:]+:\d{12}:key\//.test(id));
}

/** `rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id` of a planned encryption configuration. */
function plannedKmsMasterKeyId(after: unknown): unknown {
  return (after as { rule?: { apply_server_side_encryption_by_default?: { kms_master_key_id?: unknown }[] }[] }).rule?.[0]
    ?.apply_server_side_encryption_by_default?.[0]?.kms_master_key_id;
}
const say = (line: string): void => void process.stdout.write(`${line}\n`);

if (!availability.available && findTerraform() !== undefined) {
  // Terraform is here but no mirror: every stack would go unplanned. A failure with the command, not a skip.
  test("terraform is on PATH but no provider mirror holds hashicorp/aws: run npm run providers:mirror", () => {
    throw new Error(`real terraform: ${availability.reason}: run \`${MIRROR_COMMAND}\` (with network, once) to mirror every pinned version`);
  });
} else if (!availability.available) {
  test("the tier is skipped, one visible line per stack", () => {
    for (const s of stacks) say(`skipped: real terraform for ${s.name}: ${availability.reason}`);
    say(`real-terraform tier: 0 stacks ran, ${stacks.length} skipped`);
    expect(stacks.length).toBeGreaterThan(0);
  });
} else {
  const session = new TerraformSession(availability.terraform, availability.mirror);
  let results: Map<string, TierResult>;
  let renameRun: CombinedPlanRun | undefined;
  // The rename proof, planned in the same run as the shipped stacks: two copies of a configuration
  // whose key was renamed from `data` to `renamed` (one with a moved block), each against a state
  // holding the key as the previous configuration declares it (-refresh=false).
  const without = "rename-without-move";
  const withMove = "rename-with-move";

  // What the provider stores for the key attributes the configuration leaves to their defaults;
  // the first two force replacement when they differ from the state.
  const KEY_DEFAULTS = {
    aws_kms_key: { customer_master_key_spec: "SYMMETRIC_DEFAULT", key_usage: "ENCRYPT_DECRYPT", is_enabled: true, bypass_policy_lockout_safety_check: false },
  };

  beforeAll(async () => {
    const previous = synthFixture("data");
    const rename = [
      { name: without, json: synthFixture("renamed"), priorState: priorStateFromConfig(previous, ["aws_kms_key.data"], `module.${without}`, KEY_DEFAULTS) },
      {
        name: withMove,
        json: synthFixture("renamed", "aws_kms_key.data"),
        priorState: priorStateFromConfig(previous, ["aws_kms_key.data"], `module.${withMove}`, KEY_DEFAULTS),
      },
    ];
    const list = await runTier(
      session,
      stacks.map((s) => ({ name: s.name, json: s.json, replication: s.blueprint === "cross-account-replication" })),
      rename,
    );
    results = new Map(list.map((r) => [r.name, r]));
    for (const r of list) say(tierLine(r));
    const missing = list.filter((r) => "missing" in r).length;
    say(
      `real-terraform tier: ${list.length - missing} stacks ran, 0 skipped${missing > 0 ? `, ${missing} FAILED (the mirror lacks their pinned version: npm run providers:mirror)` : ""}`,
    );
    renameRun = list.find((r): r is Extract<TierResult, { run: unknown }> => "run" in r && r.run.stacks.includes(without))?.run;
  });

  afterAll(() => session.dispose());

  const ran = (name: string) => {
    const r = results.get(name);
    if (r === undefined || "missing" in r) return undefined;
    if (!r.run.ok) throw new Error(describeFailure(r.run));
    return r;
  };

  describe.each(stacks.map((s) => [s.name, s] as const))("real terraform: %s", (name, stack) => {
    test("validate and an offline plan of the synthesized stack succeed", () => {
      const r = results.get(name)!;
      if ("missing" in r) throw new Error(tierLine(r)); // the mirror lacks the pinned version: a failure, with the command
      expect(r.run.ok ? "ok" : describeFailure(r.run)).toBe("ok");
    });

    test("the real plan creates everything and destroys or replaces no key and no bucket", () => {
      const r = ran(name);
      if (!r) return;
      const plan = r.plan!;
      expect(plan).toPlanNoDestroy();
      expect(plan.resource_changes.length).toBeGreaterThan(0);
      expect(plan.resource_changes.map((rc) => `${rc.address}: ${actionOf(rc)}`).filter((a) => !a.endsWith(": create"))).toEqual([]);
    });

    test("keys: a deletion window; AWS_KMS keys enabled, rotating, symmetric encrypt/decrypt", () => {
      const r = ran(name);
      if (!r) return;
      const keys = findChanges(r.plan!, { type: ["aws_kms_key", "aws_kms_external_key"] });
      // A stack on an existing key (key.existingKeyArn) creates none: then every bucket names that literal key ARN.
      const existing = existingKeyArnsOf(stack.json);
      if (existing.length === 0) expect(keys.length).toBeGreaterThan(0);
      else {
        expect(keys.map((k) => k.address)).toEqual([]);
        for (const c of findChanges(r.plan!, { type: "aws_s3_bucket_server_side_encryption_configuration" }))
          expect(existing).toContain(plannedKmsMasterKeyId(c.change.after));
      }
      for (const k of keys) {
        const after = k.change.after as Record<string, unknown>;
        expect({ address: k.address, window: typeof after.deletion_window_in_days }).toEqual({ address: k.address, window: "number" });
        if (k.type === "aws_kms_key") {
          expect(r.plan).toHavePlannedValue(k.address, "is_enabled", true);
          expect(r.plan).toHavePlannedValue(k.address, "enable_key_rotation", true);
          expect(r.plan).toHavePlannedValue(k.address, "customer_master_key_spec", "SYMMETRIC_DEFAULT");
          expect(r.plan).toHavePlannedValue(k.address, "key_usage", "ENCRYPT_DECRYPT");
        }
      }
    });

    test("buckets: SSE-KMS with a Bucket Key, public access blocked", () => {
      const r = ran(name);
      if (!r) return;
      const plan = r.plan!;
      const sse = findChanges(plan, { type: "aws_s3_bucket_server_side_encryption_configuration" });
      expect(sse.length).toBeGreaterThan(0);
      for (const c of sse) {
        expect(plan).toHavePlannedValue(c.address, "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm", "aws:kms");
        expect(plan).toHavePlannedValue(c.address, "rule[0].bucket_key_enabled", true);
      }
      for (const c of findChanges(plan, { type: "aws_s3_bucket_public_access_block" })) {
        for (const a of ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"])
          expect(plan).toHavePlannedValue(c.address, a, true);
      }
    });

    if (importBlocks(stack.json).length > 0) {
      test("adoption, real Terraform with a mocked provider: every import block plans an import (not a create), nothing else is imported or destroyed", () => {
        const r = ran(name);
        if (!r) return;
        const a = r.adoption;
        expect(a === undefined ? "no adoption run" : a.step.ok ? "ok" : `${a.step.stdout.slice(-4000)}\n${a.step.stderr}`).toBe("ok");
        const plan = a!.plan!;
        expect(plan).toBeDefined();
        expect(plan).toPlanNoDestroy();
        const imports = importBlocks(stack.json);
        const seen = imports.map((i) => {
          const rc = plan.resource_changes.find((c) => c.address === i.to);
          return { to: i.to, importing: rc?.change.importing?.id, action: rc ? actionOf(rc) : "absent" };
        });
        expect(seen).toEqual(imports.map((i) => ({ to: i.to, importing: i.id, action: expect.stringMatching(/^(no-op|update)$/) })));
        expect(
          plan.resource_changes
            .filter((c) => c.change.importing !== undefined)
            .map((c) => c.address)
            .sort(),
        ).toEqual(imports.map((i) => i.to).sort());
        expect(summarize(plan)).toMatch(new RegExp(`^${imports.length} to import, `));
      });
    }

    if (stack.blueprint === "cross-account-replication") {
      test("replication: depends on the source versioning and the role policy; terraform test (mocked providers) passes", () => {
        const r = ran(name);
        if (!r) return;
        const plan = r.plan!;
        const [rep] = findChanges(plan, { type: "aws_s3_bucket_replication_configuration" });
        const config = configuredResource(plan, rep!.address);
        expect(config?.depends_on).toEqual(expect.arrayContaining([`aws_s3_bucket_versioning.${rep!.name}`, "aws_iam_role_policy.replication"]));
        expect(configuredReferences(config)).toEqual(expect.arrayContaining([`aws_s3_bucket.${rep!.name}`]));
        const test: StepResult | undefined = r.test;
        expect(test && (test.ok ? "ok" : `${test.stdout}\n${test.stderr}`)).toBe("ok");
      });
    }
  });

  /** A non-production fixture environment on the newest aws version the mirror holds. */
  function fixture(keyName: string, awsProviderVersion?: string): EnvironmentConfig {
    if (!availability.available) throw new Error("unreachable");
    return parseEnvironment(EnvironmentSchema, {
      name: "tier",
      account: "123456789012",
      region: "eu-west-1",
      awsProviderVersion: awsProviderVersion ?? availability.mirror.awsVersions[availability.mirror.awsVersions.length - 1],
      backend: { type: "local" },
      blueprints: {
        "customer-managed": {
          key: {
            name: keyName,
            alias: "alias/tier-data",
            administrators: ["arn:aws:iam::123456789012:role/admin"],
            users: ["arn:aws:iam::123456789012:role/app"],
          },
          buckets: [{ name: "acme-tier-data-123456789012" }],
        },
      },
    });
  }
  function synthFixture(keyName: string, moveFromAddress?: string, awsProviderVersion?: string): string {
    const app = Testing.app({ stackTraces: false });
    const [stack] = buildEnvironment(app, fixture(keyName, awsProviderVersion));
    if (moveFromAddress)
      moveFrom(
        stack!.node.findAll().find((c): c is KmsKey => c instanceof KmsKey)!,
        moveFromAddress,
      );
    return Testing.synth(stack!);
  }

  test("a stack pinning a hashicorp/aws version the mirror lacks fails with a line naming both and the mirror command (never a skip)", async () => {
    const lacking = ["6.25.0", "6.0.0", "6.1.0"].find((v) => !availability.mirror.awsVersions.includes(v))!;
    const [r] = await runTier(session, [{ name: "tier-customer-managed", json: synthFixture("data", undefined, lacking) }]);
    expect(tierLine(r!)).toBe(
      `FAILED: real terraform for tier-customer-managed: the stack pins hashicorp/aws ${lacking}; the mirror ${availability.mirror.path} holds ${availability.mirror.awsVersions.join(", ")}: run \`npm run providers:mirror\` (with network, once; it mirrors every pinned version)`,
    );
  });

  test("rename safety, real Terraform: renaming a key plans its destroy without a moved block, none with it", () => {
    expect(renameRun === undefined ? "the rename was not planned (the fixture's aws version is in no combined run)" : "ok").toBe("ok");
    const run = renameRun!;
    expect(run.ok ? "ok" : describeFailure(run)).toBe("ok");
    const lines = (module: string) =>
      (run.planText ?? "")
        .split("\n")
        .filter((l) => l.includes(`# module.${module}.aws_kms_key.`) || l.includes(`# (moved from module.${module}.`))
        .map((l) => l.trim());
    say(`real terraform: rename aws_kms_key.data -> aws_kms_key.renamed without a moved block:\n  ${lines(without).join("\n  ")}`);
    say(`real terraform: the same rename with moved { from = aws_kms_key.data, to = aws_kms_key.renamed }:\n  ${lines(withMove).join("\n  ")}`);

    const plainRename = run.plans.get(without)!;
    expect(plainRename).not.toPlanNoDestroy();
    expect(
      findChanges(plainRename, { type: "aws_kms_key" })
        .map((rc) => `${rc.address}: ${actionOf(rc)}`)
        .sort(),
    ).toEqual(["aws_kms_key.data: delete", "aws_kms_key.renamed: create"]);
    const moved = run.plans.get(withMove)!;
    expect(moved).toPlanNoDestroy();
    expect(findChanges(moved, { type: "aws_kms_key" }).map((rc) => [rc.address, rc.previous_address, actionOf(rc)])).toEqual([
      ["aws_kms_key.renamed", "aws_kms_key.data", expect.stringMatching(/^(no-op|update)$/)],
    ]);
  });
}

describe("adoption helpers (no Terraform needed)", () => {
  // A fixture (not a shipped environment, which a fork may change): one adopted bucket beside a new one.
  const app = Testing.app({ stackTraces: false });
  const [fixtureStack] = buildEnvironment(
    app,
    parseEnvironment(EnvironmentSchema, {
      name: "adopt",
      account: "123456789012",
      region: "eu-west-1",
      awsProviderVersion: "5.100.0",
      backend: { type: "local" },
      blueprints: {
        "customer-managed": {
          key: { name: "data", alias: "alias/adopt-data", administrators: ["arn:aws:iam::123456789012:role/admin"] },
          buckets: [
            { name: "acme-adopt-existing-123456789012", adopt: true },
            { name: "acme-adopt-legacy-123456789012", adopt: { existing: ["publicAccessBlock"], tags: { owner: "data team" } } },
            { name: "acme-adopt-new-123456789012" },
          ],
        },
      },
    }),
  );
  const adopting = { name: fixtureStack!.node.id, json: Testing.synth(fixtureStack!) };

  test("an adopted bucket's stack imports those buckets (and what they have) only", () => {
    expect(new Set(importBlocks(adopting.json).map((i) => i.id))).toEqual(new Set(["acme-adopt-existing-123456789012", "acme-adopt-legacy-123456789012"]));
    const typesOf = (id: string) =>
      importBlocks(adopting.json)
        .filter((i) => i.id === id)
        .map((i) => i.to.split(".")[0]);
    // adopt true: what every bucket has; no import of a policy, ownership controls or public access block.
    expect(typesOf("acme-adopt-existing-123456789012")).toEqual([
      "aws_s3_bucket",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_versioning",
    ]);
    // An adoption object adds what it lists.
    expect(typesOf("acme-adopt-legacy-123456789012")).toEqual([
      "aws_s3_bucket",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_versioning",
      "aws_s3_bucket_public_access_block",
    ]);
  });

  test("withoutImports removes only the import blocks", () => {
    const json = JSON.parse(adopting.json) as Record<string, unknown>;
    const stripped = JSON.parse(withoutImports(adopting.json)) as Record<string, unknown>;
    expect(stripped).not.toHaveProperty("import");
    expect(stripped).toEqual(Object.fromEntries(Object.entries(json).filter(([k]) => k !== "import")));
  });

  test("adoptionTestFile overrides every import target in a plan-only run", () => {
    const file = adoptionTestFile(adopting.json);
    for (const i of importBlocks(adopting.json)) expect(file).toContain(`    target = ${i.to}\n    values = {\n      id = ${JSON.stringify(i.id)}\n`);
    expect(file).toContain("command = plan");
    expect(file).toContain("override_during = plan");
    expect(file).toContain("    target = aws_kms_key.data\n"); // the key ARN the SSE rule and the policy reference
    expect(file).not.toContain("command = apply");
  });

  test("summarize counts imports apart from creates", () => {
    const plan = {
      resource_changes: [
        { address: "aws_s3_bucket.a", change: { actions: ["no-op"], importing: { id: "a" } } },
        { address: "aws_s3_bucket_policy.a", change: { actions: ["update"], importing: { id: "a" } } },
        { address: "aws_kms_key.k", change: { actions: ["create"] } },
      ],
    } as unknown as TerraformPlan;
    expect(summarize(plan)).toBe("2 to import, 1 to create, 1 to update, 0 to destroy");
    expect(summarize({ resource_changes: [{ address: "x.y", change: { actions: ["create"] } }] } as unknown as TerraformPlan)).toBe(
      "1 to create, 0 to update, 0 to destroy",
    );
  });
});
