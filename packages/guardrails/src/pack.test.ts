import { readFileSync } from "node:fs";
import type { Json } from "@sse-kms/construct-kit/testing";
import { join } from "node:path";
import { EncryptedBucket } from "@sse-kms/bucket-encryption";
import { EncryptionKey } from "@sse-kms/key";
import { AnnotationMetadataEntryType, Aspects, type TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Construct } from "constructs";
import { ACCOUNT, ADMIN, REGION, USER, newStack, rawBucket, rawKey, violations } from "./test-support";
import { GuardrailPack, evaluateStack, formatFinding, ruleIsRelevant } from "./pack";
import { ALL_RULES } from "./all-rules";
import { contextFromStackJson } from "./context";
import { GuardrailSuppressionError, listSuppressions, suppress } from "./suppressions";
import type { GuardrailRule, JsonObject } from "./types";

/** The rule with that id. */
function rule(id: string): GuardrailRule {
  const found = ALL_RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

/** A stack built with the shipped constructs. */
function shippedStack(options: { production?: boolean; encryption?: "kms" | "aws-managed"; preventDestroy?: boolean } = {}) {
  const { stack } = newStack("qa-customer-managed");
  const blueprint = new Construct(stack, "customer-managed");
  const key = new EncryptionKey(blueprint, "data", {
    name: "data",
    account: ACCOUNT,
    region: REGION,
    administrators: [ADMIN],
    users: [USER],
    preventDestroy: options.preventDestroy ?? options.production,
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

/** Synthesizes (aspects run) and returns `<construct path>: <message>` of every annotation of a level. */
function annotationsAfterSynth(stack: TerraformStack, level: "error" | "warning" = "error"): string[] {
  Testing.synth(stack);
  return annotationsOf(stack, level);
}

function annotationsOf(stack: TerraformStack, level: "error" | "warning" = "error"): string[] {
  const type = level === "error" ? AnnotationMetadataEntryType.ERROR : AnnotationMetadataEntryType.WARN;
  return stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === type).map((m) => `${c.node.path}: ${String(m.data)}`));
}

/** The error cdktf's own synthesizer throws for a stack with error annotations (what `app.synth()` does). */
function fullSynthError(stack: TerraformStack): Error {
  try {
    Testing.fullSynth(stack);
  } catch (e) {
    return e as Error;
  }
  throw new Error("synth did not fail");
}

describe("GuardrailPack on the shipped constructs", () => {
  test("EncryptionKey + EncryptedBucket pass every rule, in production too", () => {
    expect(annotationsAfterSynth(shippedStack().stack)).toEqual([]);
    expect(annotationsAfterSynth(shippedStack({ production: true }).stack)).toEqual([]);
  });

  test("every rule looked at something: a compliant finding from exactly the rules relevant to the stack's blocks", () => {
    const { stack } = shippedStack({ production: true });
    const ids = new Set(
      evaluateStack(stack, { production: true })
        .findings.filter((f) => f.status === "compliant")
        .map((f) => f.ruleId),
    );
    // Which rules have something to check follows from each rule's own appliesTo and needsInStack
    // (no replication, IAM or topic here: the monitoring package's tests run the pack on KeyEventAlarms).
    const types = new Set(contextFromStackJson(stack.toTerraform() as JsonObject).resources.map((r) => r.type));
    const relevant = ALL_RULES.filter((r) => ruleIsRelevant(r, types)).map((r) => r.id);
    expect(relevant.length).toBeGreaterThan(ALL_RULES.length / 2);
    expect([...ids].sort()).toEqual([...relevant].sort());
  });

  test('encryption "aws-managed" (aws/s3) fails SKB-S3-1 until suppressed with a reason', () => {
    const [error, ...more] = annotationsAfterSynth(shippedStack({ encryption: "aws-managed" }).stack);
    expect(more).toEqual([]);
    expect(error).toContain("qa-customer-managed/customer-managed/acme-qa-data/Resource: [SKB-S3-1] aws_s3_bucket.acme_qa_data:");
    expect(error).toContain("Found: kms_master_key_id is absent: S3 encrypts with the AWS managed key aws/s3");

    const { stack, bucket } = shippedStack({ encryption: "aws-managed" });
    suppress(bucket, "SKB-S3-1", "public build artefacts: no confidential data, aws/s3 is enough");
    expect(annotationsAfterSynth(stack)).toEqual([]);
  });

  test("production without prevent_destroy fails SKB-STATE-1 for the key and the bucket", () => {
    const errors = annotationsAfterSynth(shippedStack({ production: true, preventDestroy: false }).stack);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^qa-customer-managed\/customer-managed\/data\/Resource: \[SKB-STATE-1\] aws_kms_key\.data: /);
    expect(errors[1]).toMatch(/^qa-customer-managed\/customer-managed\/acme-qa-data\/Resource: \[SKB-STATE-1\] aws_s3_bucket\.acme_qa_data: /);
  });

  test("EXTERNAL key: material through a sensitive variable passes, a literal fails SKB-KMS-8", () => {
    const ok = newStack("qa-imported-material");
    const material = new TerraformVariable(ok.stack, "key_material_base64", { type: "string", sensitive: true, nullable: false });
    new EncryptionKey(ok.stack, "byok", {
      name: "byok",
      origin: "EXTERNAL",
      account: ACCOUNT,
      region: REGION,
      administrators: [ADMIN],
      keyMaterialBase64: material.stringValue,
    });
    expect(violations(ok.stack)).toEqual([]);
    const bad = newStack("qa-imported-material");
    new EncryptionKey(bad.stack, "byok", {
      name: "byok",
      origin: "EXTERNAL",
      account: ACCOUNT,
      region: REGION,
      administrators: [ADMIN],
      keyMaterialBase64: Buffer.alloc(32, 1).toString("base64"),
    });
    expect(violations(bad.stack).map((v) => v.ruleId)).toEqual(["SKB-KMS-8"]);
  });
});

describe("findings are annotations (cdk-nag style), one line each, with everything needed to act", () => {
  test("one error annotation per violation, on the construct: rule id, address, what, found, fix, how to suppress", () => {
    const { stack } = newStack("qa-raw");
    rawKey(stack, { enableKeyRotation: false, deletionWindowInDays: 5 });
    Aspects.of(stack).add(new GuardrailPack());
    const suppressHint = (id: string) =>
      `Or suppress, with a reason of at least 10 characters: suppress(<construct>, "${id}", "<why this is acceptable here>") from @sse-kms/guardrails`;
    expect(annotationsAfterSynth(stack)).toEqual([
      `qa-raw/key-data: [SKB-KMS-1] aws_kms_key.data: ${rule("SKB-KMS-1").description} Found: enable_key_rotation is false. Fix: ${rule("SKB-KMS-1").fix} ${suppressHint("SKB-KMS-1")}`,
      `qa-raw/key-data: [SKB-KMS-2] aws_kms_key.data: ${rule("SKB-KMS-2").description} Found: deletion_window_in_days is 5; every stack needs at least 7. Fix: ${rule("SKB-KMS-2").fix} ${suppressHint("SKB-KMS-2")}`,
    ]);
    for (const line of annotationsOf(stack)) expect(line).not.toMatch(/\n/);
  });

  test("cdktf's synthesizer fails a stack with error annotations, listing each one", () => {
    const { stack } = newStack("qa-raw");
    rawKey(stack, { enableKeyRotation: false, deletionWindowInDays: 5 });
    Aspects.of(stack).add(new GuardrailPack());
    const error = fullSynthError(stack);
    expect(error.message).toContain("[qa-raw/key-data] [SKB-KMS-1] aws_kms_key.data:");
    expect(error.message).toContain("[qa-raw/key-data] [SKB-KMS-2] aws_kms_key.data:");
  });

  test("the annotation text is formatFinding of the report's violation", () => {
    const { stack } = newStack("qa-raw");
    rawKey(stack, { enableKeyRotation: false });
    const report = evaluateStack(stack);
    Aspects.of(stack).add(new GuardrailPack());
    expect(annotationsAfterSynth(stack)).toEqual(report.violations.map((v) => `qa-raw/key-data: ${formatFinding(v)}`));
  });

  test("a warning-level rule (an advisory) gives a warning annotation, not an error", () => {
    const advisory: GuardrailRule = {
      id: "TEST-ADV-1",
      name: "key-has-description",
      description: "The key has no description.",
      rationale: "Operators read it.",
      fix: "Set description.",
      appliesTo: ["aws_kms_key"],
      mappings: {},
      level: "warning",
      check: (r) => (r.config.description === "nothing to see" ? { status: "non-compliant", detail: "description is a placeholder" } : "compliant"),
    };
    const { stack } = newStack("qa-raw");
    rawKey(stack, { description: "nothing to see" });
    Aspects.of(stack).add(new GuardrailPack({ rules: [...ALL_RULES, advisory] }));
    expect(annotationsAfterSynth(stack, "error")).toEqual([]);
    expect(annotationsAfterSynth(stack, "warning")).toEqual([
      expect.stringMatching(
        /^qa-raw\/key-data: \[TEST-ADV-1\] aws_kms_key\.data: The key has no description\. Found: description is a placeholder\. Fix: Set description\./,
      ),
    ]);
    expect(() => Testing.fullSynth(stack)).not.toThrow();
    expect(evaluateStack(stack, { rules: [advisory] }).advisories.map((f) => f.ruleId)).toEqual(["TEST-ADV-1"]);
  });

  test("a rule that crashes is an error finding on the block it crashed on; the other rules still run", () => {
    const broken: GuardrailRule = {
      id: "TEST-BROKEN-1",
      name: "broken",
      description: "Broken.",
      rationale: "-",
      fix: "-",
      appliesTo: ["aws_kms_key"],
      mappings: {},
      check: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'Statement')");
      },
    };
    const { stack } = newStack("qa-raw");
    rawKey(stack, { enableKeyRotation: false });
    Aspects.of(stack).add(new GuardrailPack({ rules: [broken, ...ALL_RULES] }));
    expect(annotationsAfterSynth(stack)).toEqual([
      "qa-raw/key-data: [TEST-BROKEN-1] aws_kms_key.data: the rule crashed: TypeError: Cannot read properties of undefined (reading 'Statement'). The rule, not necessarily the stack, is at fault: report it to the rule's owner. " +
        'Or suppress, with a reason of at least 10 characters: suppress(<construct>, "TEST-BROKEN-1", "<why this is acceptable here>") from @sse-kms/guardrails',
      expect.stringContaining("qa-raw/key-data: [SKB-KMS-1] aws_kms_key.data:"),
    ]);
    const crashed = evaluateStack(stack, { rules: [broken] }).violations;
    expect(crashed).toEqual([expect.objectContaining({ ruleId: "TEST-BROKEN-1", status: "non-compliant", level: "error", crashed: true })]);
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
    expect(annotationsAfterSynth(stack)).toEqual([]);
    Aspects.of(bad).add(new GuardrailPack());
    expect(annotationsAfterSynth(stack)).toEqual([expect.stringContaining("qa-raw/bad/key-other: [SKB-KMS-1] aws_kms_key.other:")]);
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

  test("a second synth evaluates again (no stale result, no duplicate annotations or evaluation hooks)", () => {
    const { stack } = newStack("qa-raw");
    const key = rawKey(stack, {}, "data");
    Aspects.of(stack).add(new GuardrailPack());
    expect(annotationsAfterSynth(stack)).toEqual([]);
    key.enableKeyRotation = false;
    expect(annotationsAfterSynth(stack)).toEqual([expect.stringContaining("qa-raw/key-data: [SKB-KMS-1] aws_kms_key.data:")]);
    expect(annotationsAfterSynth(stack)).toHaveLength(1);
    const hooks = stack.node
      .findAll()
      .flatMap((c) => Aspects.of(c).all)
      .filter((a) => a.constructor.name === "DeferredEvaluation");
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
    expect(() => suppress(bucket, "SKB-S3-1", undefined as unknown as string)).toThrow(
      /acme-qa-data: the suppression of SKB-S3-1 needs a reason .* \(got null\)/,
    );
    expect(() => suppress(bucket, "s3 encryption", "a perfectly long reason")).toThrow(/must name a rule id such as "SKB-S3-1"/);
  });

  test("a suppression naming a rule the pack does not have fails synth (typos do not waive anything)", () => {
    const { stack, bucket } = shippedStack({ encryption: "aws-managed" });
    suppress(bucket, "SKB-S3-11", "public build artefacts, aws/s3 is enough");
    const errors = annotationsAfterSynth(stack);
    expect(errors).toContainEqual(expect.stringContaining("acme-qa-data: suppression names unknown guardrail rule SKB-S3-11"));
    expect(errors).toContainEqual(expect.stringContaining("[SKB-S3-1] aws_s3_bucket.acme_qa_data:")); // and it waives nothing
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

describe("the synthesizer resolves the stack itself", () => {
  test("toTerraform is not patched: the written output equals a fresh resolution, with recorded suppressions", () => {
    const written = (stack: TerraformStack) => JSON.parse(readFileSync(join(Testing.fullSynth(stack), "stacks", stack.node.id, "cdk.tf.json"), "utf8")) as Json;
    const plain = shippedStack().stack;
    expect(written(plain).resource.aws_kms_key.data.enable_key_rotation).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(plain, "toTerraform")).toBe(false);

    const { stack, bucket } = shippedStack({ encryption: "aws-managed" });
    suppress(bucket, "SKB-S3-1", "low-compliance scratch bucket: aws/s3 is acceptable here");
    expect(listSuppressions(written(stack) as JsonObject).map((s) => s.ruleId)).toEqual(["SKB-S3-1"]);
    expect(Object.prototype.hasOwnProperty.call(stack, "toTerraform")).toBe(false);
  });
});
