import { AdoptSchema, BucketListSchema, KeySettingsSchema } from "@sse-kms/config";
import { type Json, newTestStack as newStack, synthJson as synth } from "@sse-kms/construct-kit/testing";
import { EncryptionKey } from "@sse-kms/key";
import type { PolicyStatement } from "@sse-kms/policy";
import { addKeyWithBuckets, bucketFromSettings, keyPropsFromSettings } from "./key-with-buckets";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/key-admin`;
const READER = `arn:aws:iam::${ACCOUNT}:role/reader`;
const BUCKET = "qa-data-123456789012";

const key = KeySettingsSchema.parse({ name: "data", alias: "alias/qa-data", previousNames: ["old-data"], administrators: [ADMIN], rotationPeriodInDays: 180 });
const buckets = BucketListSchema.parse([{ name: BUCKET, readers: [READER] }, { name: "qa-logs-123456789012", versioning: false }]);
const importsOf = (json: Json): Array<Record<string, string>> => (json as { import?: Array<Record<string, string>> }).import ?? [];
const movesOf = (json: Json): Array<Record<string, string>> => (json as { moved?: Array<Record<string, string>> }).moved ?? [];

describe("keyPropsFromSettings", () => {
  it("maps a validated key block to EncryptionKey props, previous names to moved-from Terraform names", () => {
    expect(keyPropsFromSettings(key)).toEqual({
      name: "data",
      movedFrom: ["old_data"],
      description: undefined,
      keySpec: "SYMMETRIC_DEFAULT",
      rotationPeriodInDays: 180,
      deletionWindowInDays: 30,
      multiRegion: false,
      administrators: [ADMIN],
      users: [],
      rootManagement: true,
      allowRootFullAccess: false,
    });
  });
});

describe("bucketFromSettings", () => {
  const encryptionKey = () => new EncryptionKey(newStack(), "Key", { name: "data", account: ACCOUNT, region: REGION });

  it("passes adopt through", () => {
    const k = encryptionKey();
    const b = bucketFromSettings(
      k.node.scope!,
      { name: BUCKET, versioning: true, requireEncryptionHeader: false, forceDestroy: false, adopt: true },
      { region: REGION, encryptionKey: k },
    );
    expect(b.adopted).toBe(true);
    expect(importsOf(synth(b.node.scope as never))).toHaveLength(3);
  });

  it("passes an adoption object through (parsed by the environment schema)", () => {
    const k = encryptionKey();
    const adopt = AdoptSchema.parse({ existing: ["ownershipControls"], tags: { owner: "data team" } });
    const b = bucketFromSettings(
      k.node.scope!,
      { name: BUCKET, versioning: true, requireEncryptionHeader: false, forceDestroy: false, adopt },
      { region: REGION, encryptionKey: k },
    );
    expect(b.adoption).toEqual({ existing: ["ownershipControls"], tags: { owner: "data team" }, keepPolicyStatements: [] });
    const json = synth(b.node.scope as never);
    expect(importsOf(json).map((i) => i.to.split(".")[0])).toContain("aws_s3_bucket_ownership_controls");
    expect(json.resource.aws_s3_bucket.qa_data_123456789012.tags).toEqual({ owner: "data team" });
  });

  it("uses the bucket name as construct id unless told otherwise", () => {
    const k = encryptionKey();
    const scope = k.node.scope!;
    expect(bucketFromSettings(scope, buckets[0]!, { region: REGION, encryptionKey: k }).node.path).toBe(`test/${BUCKET}`);
    expect(bucketFromSettings(scope, buckets[1]!, { region: REGION, encryptionKey: k }, "Logs").node.path).toBe("test/Logs");
  });
});

describe("addKeyWithBuckets", () => {
  it("builds the key, the alias and every bucket straight into the scope (no tree level of its own), with the block's settings", () => {
    const stack = newStack();
    const set = addKeyWithBuckets(stack, { account: ACCOUNT, region: REGION, key, buckets, preventDestroy: true });
    expect([set.key.node.path, set.alias.node.path, ...set.buckets.map((b) => b.node.path)]).toEqual([
      "test/data",
      "test/Alias",
      `test/${BUCKET}`,
      "test/qa-logs-123456789012",
    ]);
    const json = synth(stack);
    const k = json.resource.aws_kms_key.data;
    expect(k.rotation_period_in_days).toBe(180);
    expect(k.lifecycle).toEqual({ prevent_destroy: true });
    expect(json.resource.aws_kms_alias.qa_data).toMatchObject({ name: "alias/qa-data", target_key_id: "${aws_kms_key.data.id}" });
    expect(json.resource.aws_s3_bucket_versioning).toHaveProperty("qa_data_123456789012");
    expect(json.resource.aws_s3_bucket_versioning).not.toHaveProperty("qa_logs_123456789012");
    // Previous names move the key; the alias's address derives from the alias name, so it stays.
    expect(movesOf(json)).toEqual([{ from: "aws_kms_key.old_data", to: "aws_kms_key.data" }]);
    // The bucket's readers reach the key policy, for that bucket only.
    const statements = (JSON.parse(k.policy) as { Statement: PolicyStatement[] }).Statement;
    expect(statements.find((s) => s.Sid === "ReadViaS3QaData123456789012")?.Principal).toEqual({ AWS: READER });
    expect(json.output).toBeUndefined();
  });

  it("pins key and alias to terraformNameOf, moves both from the previous names, and takes construct ids and key props", () => {
    const stack = newStack();
    const set = addKeyWithBuckets(stack, {
      account: ACCOUNT,
      region: REGION,
      key,
      buckets: [buckets[1]!],
      keyProps: { origin: "EXTERNAL", description: "imported", rotationPeriodInDays: undefined },
      terraformNameOf: (name) => `source_${name.replace(/-/g, "_")}`,
      ids: { key: "SourceKey", alias: "SourceAlias", bucket: () => "SourceBucket" },
    });
    expect([set.key.node.path, set.alias.node.path, set.buckets[0]!.node.path]).toEqual(["test/SourceKey", "test/SourceAlias", "test/SourceBucket"]);
    const json = synth(stack);
    expect(json.resource.aws_kms_external_key.source_data.description).toBe("imported");
    expect(Object.keys(json.resource.aws_kms_alias)).toEqual(["source_data"]);
    expect(movesOf(json)).toEqual([
      { from: "aws_kms_external_key.source_old_data", to: "aws_kms_external_key.source_data" },
      { from: "aws_kms_alias.source_old_data", to: "aws_kms_alias.source_data" },
    ]);
  });

  it("writes the outputs under the key name, key_id only with its description", () => {
    const outputsOf = (outputs: { keyArn: string; keyId?: string }) => {
      const stack = newStack();
      addKeyWithBuckets(stack, { account: ACCOUNT, region: REGION, key, buckets, outputs });
      return synth(stack).output as Json;
    };
    expect(outputsOf({ keyArn: "ARN of the key" })).toEqual({
      data_key_arn: { value: "${aws_kms_key.data.arn}", description: "ARN of the key" },
      data_alias: { value: "alias/qa-data", description: "Alias of the key" },
      data_bucket_names: { value: [BUCKET, "qa-logs-123456789012"], description: "Buckets encrypted with the key" },
    });
    expect(outputsOf({ keyArn: "ARN", keyId: "Key id" }).data_key_id).toEqual({ value: "${aws_kms_key.data.id}", description: "Key id" });
  });
});
