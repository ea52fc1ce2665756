/**
 * `key.existingKeyArn`: no key, alias or key policy in the stack; the buckets encrypt with the
 * literal ARN; the hand-over (output and generated page) lists exactly the statements the key's
 * owner adds; and the access proofs run on a model of the owner's key policy WITH those statements
 * (and fail WITHOUT them), so the hand-over is shown to be sufficient and necessary.
 */
import { join } from "node:path";
import { isExistingKey } from "@sse-kms/config";
import { ALL_RULES } from "@sse-kms/guardrails";
import { EncryptionKey } from "@sse-kms/key";
import type { PolicyDocument } from "@sse-kms/policy";
import { type Json, allowAll, configOf, fixtureEnvironments, parseFixture, registerAccessMatchers, sseKmsAccessProofs, synthBlueprint } from "@sse-kms/testing";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AnnotationMetadataEntryType, TerraformStack, Testing } from "cdktf";
import { blueprint } from "./blueprint";
import { EXISTING_KEY_HANDOVER_OUTPUT, existingKeyHandover, existingKeyHandoverPath, renderExistingKeyHandover, uncheckedKeyGuardrails } from "./handover";

registerAccessMatchers();

const ACCOUNT = "111111111111";
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9`;
const OWNER_ADMIN = `arn:aws:iam::${ACCOUNT}:role/security-key-admin`;

/** The dev fixture (two buckets with readers and writers) with its key replaced by an existing one. */
function existingEnv(users = [`arn:aws:iam::${ACCOUNT}:role/app-data`]) {
  const [dev] = fixtureEnvironments(join(__dirname, "../fixtures"), blueprint).filter((e) => e.name === "dev");
  const raw = JSON.parse(JSON.stringify(dev)) as Json;
  raw.blueprints[blueprint.name].key = { existingKeyArn: KEY_ARN, users };
  return parseFixture(blueprint, raw);
}

const env = existingEnv();
const config = configOf(blueprint, env);
if (!isExistingKey(config.key)) throw new Error("expected an existing key");
const { json, text, stack } = synthBlueprint(blueprint, env);
const handover = existingKeyHandover(env, blueprint.name, config)!;

/** A model of the key owner's stack: their key (our construct), optionally with the hand-over statements added. */
function ownerStack(withHandover: boolean): string {
  const owner = new TerraformStack(Testing.app({ stackTraces: false }), "key-owner");
  new AwsProvider(owner, "aws", { region: env.region, allowedAccountIds: [env.account] });
  const key = new EncryptionKey(owner, "Key", { name: "shared", account: env.account, region: env.region, administrators: [OWNER_ADMIN] });
  if (withHandover) for (const s of handover.keyPolicyStatements) key.addToResourcePolicy(s);
  const out = JSON.parse(Testing.synth(owner)) as Json;
  out["//"] = { ...out["//"], metadata: { ...out["//"]?.metadata, stackName: "key-owner" } };
  return JSON.stringify(out);
}

describe("a customer-managed stack on an existing key", () => {
  test("creates no key, alias or key policy", () => {
    expect(json.resource.aws_kms_key).toBeUndefined();
    expect(json.resource.aws_kms_external_key).toBeUndefined();
    expect(json.resource.aws_kms_alias).toBeUndefined();
    expect(json.resource.aws_kms_key_policy).toBeUndefined();
  });

  test.each(config.buckets.map((b) => [b.name] as const))("bucket %s: default encryption and bucket policy name the existing key's ARN", (name) => {
    const id = name.replace(/-/g, "_");
    const rule = json.resource.aws_s3_bucket_server_side_encryption_configuration[id].rule[0];
    expect(rule.apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "aws:kms", kms_master_key_id: KEY_ARN });
    expect(rule.bucket_key_enabled).toBe(true);
    const policy = JSON.parse(json.resource.aws_s3_bucket_policy[id].policy) as PolicyDocument;
    expect(policy.Statement.find((s) => s.Sid === "DenyOtherKmsKey")?.Condition?.StringNotEquals).toEqual({
      "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN,
    });
  });

  test("outputs: the key ARN, the bucket names and the hand-over statements as JSON", () => {
    expect(json.output.existing_key_arn.value).toBe(KEY_ARN);
    expect(json.output.existing_key_bucket_names.value).toEqual(config.buckets.map((b) => b.name));
    expect(JSON.parse(json.output[EXISTING_KEY_HANDOVER_OUTPUT].value)).toEqual(handover.keyPolicyStatements);
  });

  test("the hand-over: key-level users for every bucket, then each bucket's readers and writers, scoped to that bucket", () => {
    expect(handover.keyPolicyStatements.map((s) => s.Sid)).toEqual([
      "KeyUseViaS3",
      "ReadViaS3AcmeDevData111111111111",
      "WriteViaS3AcmeDevData111111111111",
      "ReadViaS3AcmeDevReports111111111111",
      "WriteViaS3AcmeDevReports111111111111",
    ]);
    const read = handover.keyPolicyStatements.find((s) => s.Sid === "ReadViaS3AcmeDevReports111111111111")!;
    expect(read.Principal).toEqual({ AWS: [...config.buckets[1]!.readers].sort() });
    expect(read.Action).toBe("kms:Decrypt");
    expect(read.Condition).toEqual({
      StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
      StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::acme-dev-reports-111111111111", "arn:aws:s3:::acme-dev-reports-111111111111/*"] },
    });
    expect(JSON.stringify(handover.keyPolicyStatements)).not.toContain("${");
  });

  test("the generated page: path, statements, and every key guardrail that cannot run", () => {
    const pages = blueprint.pages!(env, config);
    expect([...pages.keys()]).toEqual([existingKeyHandoverPath("dev-customer-managed")]);
    const page = pages.get("docs/handover/dev-customer-managed.md")!;
    expect(page).toBe(renderExistingKeyHandover(handover));
    expect(page).toContain(JSON.stringify(handover.keyPolicyStatements, null, 2));
    const keyRules = ALL_RULES.filter((r) => r.appliesTo.includes("aws_kms_key")).map((r) => r.id);
    expect(keyRules).toEqual(expect.arrayContaining(["SKB-KMS-1", "SKB-KMS-7"]));
    for (const id of keyRules) expect(page).toContain(`\`${id}\``);
    expect(uncheckedKeyGuardrails().map((g) => g.id)).toEqual(keyRules);
  });

  test("a stack that creates its key has no hand-over page", () => {
    const [dev] = fixtureEnvironments(join(__dirname, "../fixtures"), blueprint).filter((e) => e.name === "dev");
    expect(blueprint.pages!(dev!, configOf(blueprint, dev!)).size).toBe(0);
  });

  test("synth records an info annotation naming the key and the guardrails it cannot check (not a silent pass), and no warning", () => {
    const annotations = (type: string) =>
      stack.node
        .findAll()
        .flatMap((c) => c.node.metadata)
        .filter((m) => m.type === type)
        .map((m) => String(m.data));
    expect(annotations(AnnotationMetadataEntryType.WARN)).toEqual([]);
    const warnings = annotations(AnnotationMetadataEntryType.INFO);
    expect(warnings).toEqual([expect.stringContaining(`dev-customer-managed: key ${KEY_ARN} is not managed by this stack: the key guardrails (SKB-KMS-1`)]);
    expect(warnings[0]).toContain("docs/handover/dev-customer-managed.md");
  });

  test("no users, readers or writers: the hand-over has no statement and says so", () => {
    const raw = JSON.parse(JSON.stringify(existingEnv([]))) as Json;
    for (const b of raw.blueprints[blueprint.name].buckets) {
      b.readers = [];
      b.writers = [];
    }
    const bare = parseFixture(blueprint, raw);
    const h = existingKeyHandover(bare, blueprint.name, configOf(blueprint, bare))!;
    expect(h.keyPolicyStatements).toEqual([]);
    expect(renderExistingKeyHandover(h)).toContain("None: the configuration names no key-level `users`");
  });
});

describe("access proofs: existing key, owner's key policy with the hand-over statements", () => {
  sseKmsAccessProofs({
    stack: [text, ownerStack(true)],
    env,
    keyAddress: "aws_kms_key.shared",
    users: config.key.users,
    administrators: [OWNER_ADMIN],
    buckets: config.buckets,
    bucketPolicyKeyArn: KEY_ARN,
  });
});

describe("access proofs: existing key WITHOUT the hand-over statements", () => {
  const stacks = [text, ownerStack(false)];
  const principals = [...config.key.users, ...config.buckets.flatMap((b) => [...b.readers, ...b.writers])];
  test.each(principals)("%s cannot use the key through S3 for any bucket of the stack", async (principal) => {
    for (const b of config.buckets) {
      for (const action of ["kms:Decrypt", "kms:GenerateDataKey"]) {
        await expect(stacks).toDeny(
          { principal, action, resource: { kmsKey: "aws_kms_key.shared" }, identityPolicies: [allowAll], viaS3: { bucket: b.name } },
          "implicit",
        );
      }
    }
  });
});
