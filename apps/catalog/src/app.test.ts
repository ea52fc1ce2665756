/**
 * createApp uses cdktf's own hooks: construct validations run (only the `cloud` backend's
 * `terraform version` check is left out), and guardrail findings are annotations that one synth
 * lists for every stack.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { type EnvironmentConfigInput, parseEnvironment } from "@sse-kms/config";
import { GuardrailPack, type GuardrailRule } from "@sse-kms/guardrails";
import { policyDocument, renderPolicy, rootManagementStatement } from "@sse-kms/policy";
import { Aspects, type TerraformStack } from "cdktf";
import { buildSync } from "esbuild";
import { type BlueprintApp, SynthError, annotationsOf, createApp, synthAndReport } from "./app";
import { EnvironmentSchema } from "./catalog";

const input = (name: string, account: string, extra: Partial<EnvironmentConfigInput> = {}): EnvironmentConfigInput => ({
  name,
  account,
  region: "eu-west-1",
  blueprints: {
    "customer-managed": {
      key: { name: "data", alias: `alias/${name}-data`, administrators: [`arn:aws:iam::${account}:role/admin`], users: [`arn:aws:iam::${account}:role/app`] },
      buckets: [{ name: `acme-${name}-data-${account}` }],
    },
  },
  ...extra,
});

let outdir: string;
beforeEach(() => {
  outdir = mkdtempSync(join(tmpdir(), "sse-kms-app-"));
});
afterEach(() => rmSync(outdir, { recursive: true, force: true }));

function app(...envs: EnvironmentConfigInput[]): BlueprintApp {
  return createApp(outdir, { outdir, environments: envs.map((e) => parseEnvironment(EnvironmentSchema, e, e.name)) });
}

function stackOf(a: BlueprintApp, name: string): TerraformStack {
  const stack = a.stacks.find((s) => s.node.id === name);
  if (!stack) throw new Error(`no stack ${name}`);
  return stack;
}

/** A key that violates SKB-KMS-1 only (no rotation), added behind the blueprint's back. */
function badKey(stack: TerraformStack, account: string): void {
  const policy = renderPolicy(policyDocument([rootManagementStatement({ partition: "aws", account, region: "eu-west-1" }, "AWS_KMS")]));
  new KmsKey(stack, "careless-key", { description: "no rotation", enableKeyRotation: false, deletionWindowInDays: 30, policy }).overrideLogicalId("careless");
}

function synthError(a: BlueprintApp): SynthError {
  try {
    a.synth();
  } catch (e) {
    if (e instanceof SynthError) return e;
    throw e;
  }
  throw new Error("synth did not fail");
}

/**
 * Runs the fixture (bundled with esbuild) in a child process whose PATH has no `terraform`. A child
 * process because cdktf's check calls execSync, which reads the real process environment, not the
 * one jest hands the test.
 */
function synthWithoutTerraform(variant?: string): string {
  const bundle = join(outdir, "synth.js");
  buildSync({
    entryPoints: [join(__dirname, "fixtures", "synth-without-terraform.ts")],
    bundle: true,
    platform: "node",
    outfile: bundle,
    logLevel: "silent",
  });
  const emptyBin = join(outdir, "empty-bin");
  mkdirSync(emptyBin, { recursive: true });
  const r = spawnSync(process.execPath, [bundle, join(outdir, "out"), ...(variant ? [variant] : [])], {
    env: { PATH: emptyBin, HOME: outdir },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`fixture failed: ${r.stderr}`);
  return r.stdout.trim();
}

describe("guardrail findings of every stack in one synth", () => {
  test("violations in two stacks: both are listed, neither violating stack is written, the clean one is", () => {
    const a = app(input("qa", "111111111111"), input("uat", "222222222222"), input("ok", "333333333333"));
    badKey(stackOf(a, "qa-customer-managed"), "111111111111");
    badKey(stackOf(a, "uat-customer-managed"), "222222222222");
    const error = synthError(a);
    expect(error.errors.map((e) => `${e.path} ${e.message.split(":")[0]}`)).toEqual([
      "qa-customer-managed/careless-key [SKB-KMS-1] aws_kms_key.careless",
      "uat-customer-managed/careless-key [SKB-KMS-1] aws_kms_key.careless",
    ]);
    expect(error.message.split("\n")[0]).toBe("synth failed: 2 errors in 2 stacks");
    expect(error.message).toContain("error: qa-customer-managed/careless-key: [SKB-KMS-1] aws_kms_key.careless:");
    expect(error.message).toContain("error: uat-customer-managed/careless-key: [SKB-KMS-1] aws_kms_key.careless:");
    expect(existsSync(join(outdir, "stacks", "qa-customer-managed", "cdk.tf.json"))).toBe(false);
    expect(existsSync(join(outdir, "stacks", "uat-customer-managed", "cdk.tf.json"))).toBe(false);
    expect(existsSync(join(outdir, "stacks", "ok-customer-managed", "cdk.tf.json"))).toBe(true);
  });

  test("a rule that crashes is a finding of its stack, and the other stacks are still checked", () => {
    const broken: GuardrailRule = {
      id: "TEST-BROKEN-1",
      name: "broken",
      description: "-",
      rationale: "-",
      fix: "-",
      appliesTo: ["aws_s3_bucket"],
      mappings: {},
      check: () => {
        throw new Error("boom");
      },
    };
    const a = app(input("qa", "111111111111"), input("uat", "222222222222"));
    Aspects.of(stackOf(a, "qa-customer-managed")).add(new GuardrailPack({ rules: [broken] }));
    badKey(stackOf(a, "uat-customer-managed"), "222222222222");
    const error = synthError(a);
    expect(error.errors.map((e) => `${e.path.split("/")[0]} ${e.message.split(":")[0]}`)).toEqual([
      "qa-customer-managed [TEST-BROKEN-1] aws_s3_bucket.acme_qa_data_111111111111",
      "uat-customer-managed [SKB-KMS-1] aws_kms_key.careless",
    ]);
    expect(error.errors[0]?.message).toContain("the rule crashed: Error: boom");
  });

  test("what `npm run synth` prints: one line per finding of every stack, a summary, exit code 1", () => {
    const a = app(input("qa", "111111111111"), input("uat", "222222222222"), input("ok", "333333333333"));
    badKey(stackOf(a, "qa-customer-managed"), "111111111111");
    badKey(stackOf(a, "uat-customer-managed"), "222222222222");
    const report = synthAndReport(a);
    expect(report.exitCode).toBe(1);
    expect(report.lines.map((l) => l.split(": [")[0] + (l.includes("[SKB-KMS-1]") ? " [SKB-KMS-1]" : ""))).toEqual([
      "error: qa-customer-managed/careless-key [SKB-KMS-1]",
      "error: uat-customer-managed/careless-key [SKB-KMS-1]",
      "synth failed: errors in 2 of 3 stacks (qa-customer-managed, uat-customer-managed); fix or suppress them (see the lines above)",
    ]);
    expect(report.lines[0]).toContain('suppress(<construct>, "SKB-KMS-1", "<why this is acceptable here>")');
    for (const line of report.lines) expect(line).not.toMatch(/\n|    at /);
  });

  test("warnings alone do not fail synth, and are listed", () => {
    const a = app(input("qa", "111111111111"));
    const advisory: GuardrailRule = {
      id: "TEST-ADV-1",
      name: "advisory",
      description: "Advice.",
      rationale: "-",
      fix: "Consider it.",
      appliesTo: ["aws_s3_bucket"],
      mappings: {},
      level: "warning",
      check: () => ({ status: "non-compliant", detail: "just saying" }),
    };
    Aspects.of(stackOf(a, "qa-customer-managed")).add(new GuardrailPack({ rules: [advisory] }));
    const report = synthAndReport(a);
    expect(report.exitCode).toBe(0);
    expect(report.lines).toEqual([
      expect.stringMatching(
        /^warning: qa-customer-managed\/customer-managed\/acme-qa-data-111111111111\/Resource: \[TEST-ADV-1\] aws_s3_bucket\.acme_qa_data_111111111111: Advice\. Found: just saying\. Fix: Consider it\./,
      ),
    ]);
    expect(
      annotationsOf(a)
        .filter((x) => x.message.startsWith("[TEST-ADV-1]"))
        .map((x) => x.level),
    ).toEqual(["warning"]);
  });
});

describe("construct validations run; the cloud backend's terraform version check does not", () => {
  test("a validation added with node.addValidation fails synth, naming the construct", () => {
    const a = app(input("qa", "111111111111"));
    const stack = stackOf(a, "qa-customer-managed");
    stack.node.addValidation({ validate: () => ["the stack is not allowed today"] });
    expect(synthError(a).errors).toEqual([{ level: "error", path: "qa-customer-managed", message: "the stack is not allowed today" }]);
  });

  test("a stack with a cloud backend synthesizes with no terraform on PATH; cdktf's own CloudBackend would not", () => {
    expect(synthWithoutTerraform()).toBe("ok");
    expect(existsSync(join(outdir, "out", "stacks", "qa-customer-managed", "cdk.tf.json"))).toBe(true);
    // The same child process with cdktf's CloudBackend: its version check runs `terraform version` and fails.
    expect(synthWithoutTerraform("cdktf-cloud-backend")).toMatch(
      /error: plain-cloud\/backend: Could not determine version of terraform, terraform version failed/,
    );
  });
});
