import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EncryptedBucket } from "@sse-kms/bucket-encryption";
import { EncryptionKey } from "@sse-kms/key";
import { AnnotationMetadataEntryType, Aspects, type TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Construct } from "constructs";
import {
  ACCOUNT,
  ADMIN,
  REGION,
  USER,
  newStack,
  rawBucket,
  rawKey,
  violations,
} from "./test-support";
import { GuardrailPack, GuardrailViolationError, evaluateStack, formatViolations } from "./pack";
import { ALL_RULES } from "./rules";
import { GuardrailSuppressionError, listSuppressions, suppress } from "./suppressions";
import type { JsonObject } from "./types";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A stack built with the shipped constructs. */
function shippedStack(options: { production?: boolean; encryption?: "kms" | "aws-managed"; preventDestroy?: boolean } = {}) {
  const { stack } = newStack("qa-customer-managed");
  const blueprint = new Construct(stack, "customer-managed");
  const key = new EncryptionKey(blueprint, "data", {
    name: "data", account: ACCOUNT, region: REGION, administrators: [ADMIN], users: [USER], preventDestroy: options.preventDestroy ?? options.production,
  });
  const bucket = new EncryptedBucket(blueprint, "acme-qa-data", {
    bucketName: "acme-qa-data",
    region: REGION,
    encryption: options.encryption ?? "kms",
    encryptionKey: options.encryption === "aws-managed" ? undefined : key,
    preventDestroy: options.preventDestroy ?? options.production,
  });
  Aspects.of(stack).add(new GuardrailPack({ production: options.production ?? false }));
  return { stack, key, bucket };
}

function synthError(stack: TerraformStack): Error {
  try {
    Testing.synth(stack);
  } catch (e) {
    return e as Error;
  }
  throw new Error("synth did not fail");
}

describe("GuardrailPack on the shipped constructs", () => {
  test("EncryptionKey + EncryptedBucket pass every rule, in production too", () => {
    expect(() => Testing.synth(shippedStack().stack)).not.toThrow();
    expect(() => Testing.synth(shippedStack({ production: true }).stack)).not.toThrow();
  });

  test("every rule looked at something: a full report has a compliant finding per rule that applies", () => {
    const { stack } = shippedStack({ production: true });
    const ids = new Set(evaluateStack(stack, { production: true }).findings.filter((f) => f.status === "compliant").map((f) => f.ruleId));
    // S3-5 (no replication here) and IAM-1 (no IAM here) have nothing to look at.
    expect([...ids].sort()).toEqual(ALL_RULES.map((r) => r.id).filter((id) => id !== "SKB-S3-5" && id !== "SKB-IAM-1").sort());
  });

  test('encryption "aws-managed" (aws/s3) fails SKB-S3-1 until suppressed with a reason', () => {
    const error = synthError(shippedStack({ encryption: "aws-managed" }).stack);
    expect(error).toBeInstanceOf(GuardrailViolationError);
    expect(error.message).toContain("[SKB-S3-1] qa-customer-managed/customer-managed/acme-qa-data/Resource (aws_s3_bucket.acme_qa_data)");
    expect(error.message).toContain("Found: kms_master_key_id is absent: S3 encrypts with the AWS managed key aws/s3");

    const { stack, bucket } = shippedStack({ encryption: "aws-managed" });
    suppress(bucket, "SKB-S3-1", "public build artefacts: no confidential data, aws/s3 is enough");
    expect(() => Testing.synth(stack)).not.toThrow();
  });

  test("production without prevent_destroy fails SKB-STATE-1 for the key and the bucket", () => {
    const error = synthError(shippedStack({ production: true, preventDestroy: false }).stack);
    expect(error.message).toMatch(/^Guardrails: 2 violations in stack qa-customer-managed/);
    expect(error.message).toContain("[SKB-STATE-1] qa-customer-managed/customer-managed/data/Resource (aws_kms_key.data)");
    expect(error.message).toContain("[SKB-STATE-1] qa-customer-managed/customer-managed/acme-qa-data/Resource (aws_s3_bucket.acme_qa_data)");
  });

  test("EXTERNAL key: material through a sensitive variable passes, a literal fails SKB-KMS-8", () => {
    const ok = newStack("qa-imported-material");
    const material = new TerraformVariable(ok.stack, "key_material_base64", { type: "string", sensitive: true, nullable: false });
    new EncryptionKey(ok.stack, "byok", { name: "byok", origin: "EXTERNAL", account: ACCOUNT, region: REGION, administrators: [ADMIN], keyMaterialBase64: material.stringValue });
    expect(violations(ok.stack)).toEqual([]);
    const bad = newStack("qa-imported-material");
    new EncryptionKey(bad.stack, "byok", { name: "byok", origin: "EXTERNAL", account: ACCOUNT, region: REGION, administrators: [ADMIN], keyMaterialBase64: Buffer.alloc(32, 1).toString("base64") });
    expect(violations(bad.stack).map((v) => v.ruleId)).toEqual(["SKB-KMS-8"]);
  });
});

describe("violations fail synth with everything needed to act", () => {
  test("one error lists every violation: path, rule id, what, why, fix, how to suppress", () => {
    const { stack } = newStack("qa-raw");
    rawKey(stack, { enableKeyRotation: false, deletionWindowInDays: 5 });
    Aspects.of(stack).add(new GuardrailPack());
    const error = synthError(stack);
    expect(error).toBeInstanceOf(GuardrailViolationError);
    expect((error as GuardrailViolationError).violations.map((v) => v.ruleId)).toEqual(["SKB-KMS-1", "SKB-KMS-2"]);
    expect(error.message).toBe(
      [
        "Guardrails: 2 violations in stack qa-raw",
        "",
        "[SKB-KMS-1] qa-raw/key-data (aws_kms_key.data)",
        "  What:  The customer-managed KMS key does not rotate its key material automatically.",
        "  Found: enable_key_rotation is false",
        `  Why:   ${ALL_RULES[0]?.rationale}`,
        `  Fix:   ${ALL_RULES[0]?.fix}`,
        '  Or suppress, with a reason of at least 10 characters: suppress(<construct>, "SKB-KMS-1", "<why this is acceptable here>") from @sse-kms/guardrails',
        "",
        "[SKB-KMS-2] qa-raw/key-data (aws_kms_key.data)",
        `  What:  ${ALL_RULES[1]?.description}`,
        "  Found: deletion_window_in_days is 5; every stack needs at least 7",
        `  Why:   ${ALL_RULES[1]?.rationale}`,
        `  Fix:   ${ALL_RULES[1]?.fix}`,
        '  Or suppress, with a reason of at least 10 characters: suppress(<construct>, "SKB-KMS-2", "<why this is acceptable here>") from @sse-kms/guardrails',
      ].join("\n"),
    );
  });

  test("formatViolations is the same text the error carries", () => {
    const { stack } = newStack("qa-raw");
    rawKey(stack, { enableKeyRotation: false });
    const report = evaluateStack(stack);
    expect(new GuardrailViolationError("qa-raw", report.violations, ALL_RULES).message).toBe(formatViolations("qa-raw", report.violations));
  });

  test("an unpinned default provider fails SKB-PROV-1", () => {
    const { stack } = newStack("qa-raw", { pinned: false });
    expect(violations(stack).map((v) => [v.ruleId, v.path])).toEqual([["SKB-PROV-1", "qa-raw/aws"]]);
  });

  test("the pack added below a stack checks that subtree only", () => {
    const { stack } = newStack("qa-raw");
    const good = new Construct(stack, "good");
    const bad = new Construct(stack, "bad");
    rawBucket(good as unknown as TerraformStack);
    rawKey(bad as unknown as TerraformStack, { enableKeyRotation: false }, "other");
    Aspects.of(good).add(new GuardrailPack());
    expect(() => Testing.synth(stack)).not.toThrow();
    Aspects.of(bad).add(new GuardrailPack());
    expect(synthError(stack).message).toContain("[SKB-KMS-1] qa-raw/bad/key-other (aws_kms_key.other)");
  });
});

describe("ordering with other aspects", () => {
  test("the pack sees what aspects on child constructs changed, and does not freeze their logical ids", () => {
    const { stack } = newStack("qa-raw");
    const holder = new Construct(stack, "holder");
    const key = rawKey(holder as unknown as TerraformStack, { enableKeyRotation: false }, "data");
    Aspects.of(stack).add(new GuardrailPack());
    // Added to a child, so cdktf invokes it after the pack has visited the stack.
    Aspects.of(holder).add({
      visit(node) {
        if (node === key) {
          key.enableKeyRotation = true;
          key.overrideLogicalId("renamed_by_aspect");
        }
      },
    });
    const json = JSON.parse(Testing.synth(stack)) as Json;
    expect(Object.keys(json.resource.aws_kms_key)).toEqual(["renamed_by_aspect"]);
  });

  test("a second synth evaluates again (no stale result, no duplicate evaluation hooks)", () => {
    const { stack } = newStack("qa-raw");
    const key = rawKey(stack, {}, "data");
    Aspects.of(stack).add(new GuardrailPack());
    expect(() => Testing.synth(stack)).not.toThrow();
    key.enableKeyRotation = false;
    expect(synthError(stack).message).toContain("[SKB-KMS-1] qa-raw/key-data (aws_kms_key.data)");
    const hooks = stack.node.findAll().flatMap((c) => Aspects.of(c).all).filter((a) => a.constructor.name === "DeferredEvaluation");
    expect(hooks).toHaveLength(1);
  });
});

describe("suppressions", () => {
  test("need a rule id and a reason of at least 10 characters, naming the construct and rule", () => {
    const { bucket } = shippedStack({ encryption: "aws-managed" });
    expect(() => suppress(bucket, "SKB-S3-1", "too short")).toThrow(
      new GuardrailSuppressionError(
        'qa-customer-managed/customer-managed/acme-qa-data: the suppression of SKB-S3-1 needs a reason of at least 10 characters saying why the finding is acceptable (got "too short")',
      ),
    );
    expect(() => suppress(bucket, "SKB-S3-1", undefined as unknown as string)).toThrow(/acme-qa-data: the suppression of SKB-S3-1 needs a reason .* \(got null\)/);
    expect(() => suppress(bucket, "s3 encryption", "a perfectly long reason")).toThrow(/must name a rule id such as "SKB-S3-1"/);
  });

  test("a suppression naming a rule the pack does not have fails synth (typos do not waive anything)", () => {
    const { stack, bucket } = shippedStack({ encryption: "aws-managed" });
    suppress(bucket, "SKB-S3-11", "public build artefacts, aws/s3 is enough");
    expect(synthError(stack).message).toContain("acme-qa-data: suppression names unknown guardrail rule SKB-S3-11");
  });

  test("a suppression applies to the construct and everything below it, and is written into cdk.tf.json", () => {
    const { stack } = shippedStack({ encryption: "aws-managed" });
    const blueprint = stack.node.findChild("customer-managed");
    suppress(blueprint, "SKB-S3-1", "public build artefacts: no confidential data, aws/s3 is enough");
    const outdir = Testing.fullSynth(stack);
    const written = readFileSync(join(outdir, "stacks", "qa-customer-managed", "cdk.tf.json"), "utf8");
    const json = JSON.parse(written) as Json;
    expect(json.resource.aws_s3_bucket.acme_qa_data["//"].guardrails_suppressions).toEqual([
      {
        rule: "SKB-S3-1",
        reason: "public build artefacts: no confidential data, aws/s3 is enough",
        declaredAt: "qa-customer-managed/customer-managed",
        finding: "kms_master_key_id is absent: S3 encrypts with the AWS managed key aws/s3 (no key policy of yours, no cross-account use)",
      },
    ]);
    expect(listSuppressions(written)).toEqual([
      {
        address: "aws_s3_bucket.acme_qa_data",
        ruleId: "SKB-S3-1",
        reason: "public build artefacts: no confidential data, aws/s3 is enough",
        declaredAt: "qa-customer-managed/customer-managed",
        finding: "kms_master_key_id is absent: S3 encrypts with the AWS managed key aws/s3 (no key policy of yours, no cross-account use)",
      },
    ]);
  });

  test("suppressions on providers are recorded too; re-synth is idempotent", () => {
    const { stack, provider } = newStack("qa-raw", { pinned: false });
    suppress(provider, "SKB-PROV-1", "sandbox account is chosen by the caller's profile");
    Aspects.of(stack).add(new GuardrailPack());
    Testing.synth(stack);
    Testing.synth(stack);
    const json = stack.toTerraform() as JsonObject;
    expect(listSuppressions(json)).toEqual([
      expect.objectContaining({ address: "provider.aws", ruleId: "SKB-PROV-1", declaredAt: "qa-raw/aws", finding: "provider.aws has no allowed_account_ids" }),
    ]);
  });

  test("a suppression that silences nothing is reported as a warning", () => {
    const { stack, bucket } = shippedStack();
    suppress(bucket, "SKB-S3-1", "left over from the aws/s3 days, should be removed");
    Testing.synth(stack);
    const warnings = bucket.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
    expect(warnings).toEqual([
      "guardrail suppression of SKB-S3-1 silences nothing here: remove it (reason given: left over from the aws/s3 days, should be removed)",
    ]);
    expect(listSuppressions(stack.toTerraform() as JsonObject)).toEqual([]);
  });

  test("shipped stacks without suppressions carry no guardrail metadata", () => {
    const { stack } = shippedStack({ production: true });
    Testing.synth(stack);
    expect(JSON.stringify(stack.toTerraform())).not.toContain("guardrails_suppressions");
  });
});

describe("the stack is resolved once for the guardrails and the synthesizer", () => {
  test("the evaluated resolution is handed to the next toTerraform() only, and equals a fresh one", () => {
    const { stack } = shippedStack();
    const viaPack = Testing.synth(stack); // the pack evaluates, then Testing.synth calls toTerraform()
    expect(Object.prototype.hasOwnProperty.call(stack, "toTerraform")).toBe(false); // one-shot, consumed
    const fresh = JSON.stringify(stack.toTerraform());
    expect(JSON.parse(viaPack)).toEqual(JSON.parse(Testing.synth(stack)));
    expect(fresh).toContain('"aws_kms_key"');
  });

  test("the synthesizer writes the reused resolution, and recorded suppressions when there are some", () => {
    const plain = shippedStack().stack;
    const written = (stack: TerraformStack) =>
      JSON.parse(readFileSync(join(Testing.fullSynth(stack), "stacks", stack.node.id, "cdk.tf.json"), "utf8")) as Json;
    expect(written(plain).resource.aws_kms_key.data.enable_key_rotation).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(plain, "toTerraform")).toBe(false);

    const { stack, bucket } = shippedStack({ encryption: "aws-managed" });
    suppress(bucket, "SKB-S3-1", "low-compliance scratch bucket: aws/s3 is acceptable here");
    expect(listSuppressions(written(stack) as JsonObject).map((s) => s.ruleId)).toEqual(["SKB-S3-1"]);
  });
});
