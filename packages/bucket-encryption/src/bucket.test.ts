import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { type Json, newTestStack as newStack, synthJson } from "@sse-kms/construct-kit/testing";
import { AWS_PROVIDER_VERSION_CONTEXT } from "@sse-kms/config";
import { ConstructPropError } from "@sse-kms/construct-kit";
import { EncryptionKey } from "@sse-kms/key";
import type { PolicyStatement } from "@sse-kms/policy";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { EncryptedBucket, type EncryptedBucketProps, type IBucketKey } from "./bucket";

const ACCOUNT = "123456789012";
const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const BUCKET = "prod-data-bucket";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const APP = `arn:aws:iam::${ACCOUNT}:role/app`;

const BUCKET_RESOURCE_TYPES = [
  "aws_s3_bucket",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning",
];

/** A stand-in key that records the buckets it was scoped to and the grants it was asked for. */
class FakeKey implements IBucketKey {
  readonly scopedTo: string[] = [];
  readonly grants: Parameters<IBucketKey["grantBucketAccess"]>[0][] = [];
  constructor(
    readonly keyArn = KEY_ARN,
    readonly region = "eu-west-1",
    readonly account = ACCOUNT,
  ) {}
  scopeUseToBucket(bucketArn: string): void {
    this.scopedTo.push(bucketArn);
  }
  grantBucketAccess(access: Parameters<IBucketKey["grantBucketAccess"]>[0]): void {
    this.grants.push(access);
  }
}

const synth = synthJson;

function build(props: Partial<EncryptedBucketProps> = {}, key: IBucketKey = new FakeKey()) {
  const stack = newStack();
  const bucket = new EncryptedBucket(stack, "Bucket", { bucketName: BUCKET, region: "eu-west-1", encryptionKey: key, ...props });
  return { stack, bucket, json: synth(stack) };
}

function bucketPolicy(json: Json, name = "prod_data_bucket"): { Version: string; Statement: PolicyStatement[] } {
  return JSON.parse(json.resource.aws_s3_bucket_policy[name].policy);
}

const sids = (p: { Statement: PolicyStatement[] }) => p.Statement.map((s) => s.Sid);

describe("EncryptedBucket resources", () => {
  const { json } = build();
  const r = json.resource;

  it("creates the bucket and its five configuration resources, all under the pinned name", () => {
    expect(Object.keys(r).sort()).toEqual(BUCKET_RESOURCE_TYPES);
    for (const type of BUCKET_RESOURCE_TYPES) expect(Object.keys(r[type])).toEqual(["prod_data_bucket"]);
  });

  it("the bucket has its name, force_destroy false, no lifecycle and no tags", () => {
    expect(r.aws_s3_bucket.prod_data_bucket).toEqual({ bucket: BUCKET, force_destroy: false });
  });

  it("encrypts by default with SSE-KMS under the key's ARN, a Bucket Key, and SSE-C blocked", () => {
    const sse = r.aws_s3_bucket_server_side_encryption_configuration.prod_data_bucket;
    expect(sse.bucket).toBe("${aws_s3_bucket.prod_data_bucket.id}");
    expect(sse.rule).toEqual([
      {
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY_ARN },
        bucket_key_enabled: true,
        blocked_encryption_types: ["SSE-C"],
      },
    ]);
  });

  it("blocks all public access", () => {
    expect(r.aws_s3_bucket_public_access_block.prod_data_bucket).toEqual({
      bucket: "${aws_s3_bucket.prod_data_bucket.id}",
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("disables ACLs (BucketOwnerEnforced)", () => {
    expect(r.aws_s3_bucket_ownership_controls.prod_data_bucket).toEqual({
      bucket: "${aws_s3_bucket.prod_data_bucket.id}",
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });

  it("enables versioning", () => {
    expect(r.aws_s3_bucket_versioning.prod_data_bucket).toEqual({
      bucket: "${aws_s3_bucket.prod_data_bucket.id}",
      versioning_configuration: { status: "Enabled" },
    });
  });

  it("attaches the bucket policy after the public access block", () => {
    const policy = r.aws_s3_bucket_policy.prod_data_bucket;
    expect(policy.bucket).toBe("${aws_s3_bucket.prod_data_bucket.id}");
    expect(policy.depends_on).toEqual(["aws_s3_bucket_public_access_block.prod_data_bucket"]);
  });
});

describe("EncryptedBucket options", () => {
  it("versioned false leaves out the versioning resource", () => {
    const { json, bucket } = build({ versioned: false });
    expect(json.resource).not.toHaveProperty("aws_s3_bucket_versioning");
    expect(bucket.versioning).toBeUndefined();
    expect(Object.keys(json.resource)).toHaveLength(5);
  });

  it("bucketKeyEnabled false is written explicitly", () => {
    const { json } = build({ bucketKeyEnabled: false });
    expect(json.resource.aws_s3_bucket_server_side_encryption_configuration.prod_data_bucket.rule[0].bucket_key_enabled).toBe(false);
  });

  it("preventDestroy puts prevent_destroy on the bucket", () => {
    const { json } = build({ preventDestroy: true });
    expect(json.resource.aws_s3_bucket.prod_data_bucket.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("forceDestroy and tags pass through", () => {
    const { json } = build({ forceDestroy: true, tags: { team: "platform" } });
    expect(json.resource.aws_s3_bucket.prod_data_bucket).toMatchObject({ force_destroy: true, tags: { team: "platform" } });
  });

  it("exposes the literal bucket ARN and objects ARN, partition-aware", () => {
    expect(build().bucket.bucketArn).toBe(BUCKET_ARN);
    expect(build().bucket.objectsArn).toBe(`${BUCKET_ARN}/*`);
    const stack = newStack("cn-north-1");
    const cn = new EncryptedBucket(stack, "B", { bucketName: BUCKET, region: "cn-north-1", encryptionKey: new FakeKey(KEY_ARN, "cn-north-1") });
    expect(cn.bucketArn).toBe(`arn:aws-cn:s3:::${BUCKET}`);
  });
});

describe("pinned address", () => {
  it("derives one name from the bucket name for every resource", () => {
    const { json } = build({ bucketName: "my.data-bucket.2025" });
    for (const type of BUCKET_RESOURCE_TYPES) expect(Object.keys(json.resource[type])).toEqual(["my_data_bucket_2025"]);
  });

  it("honours an explicit terraformName for every resource", () => {
    const { json } = build({ terraformName: "legacy" });
    for (const type of BUCKET_RESOURCE_TYPES) expect(Object.keys(json.resource[type])).toEqual(["legacy"]);
    expect(json.resource.aws_s3_bucket_policy.legacy.depends_on).toEqual(["aws_s3_bucket_public_access_block.legacy"]);
  });

  it("does not change when the construct moves deeper into the tree", () => {
    const flat = build().json;
    const stack = newStack();
    new EncryptedBucket(new Construct(new Construct(stack, "Team"), "Blueprint"), "DataBucket", {
      bucketName: BUCKET,
      region: "eu-west-1",
      encryptionKey: new FakeKey(),
    });
    expect(synth(stack).resource).toEqual(flat.resource);
  });

  it("refuses two buckets that map to one address instead of silently dropping one", () => {
    const stack = newStack();
    new EncryptedBucket(stack, "A", { bucketName: "my-data", region: "eu-west-1", encryptionKey: new FakeKey() });
    expect(() => new EncryptedBucket(stack, "B", { bucketName: "my.data", region: "eu-west-1", encryptionKey: new FakeKey() })).toThrow(
      /^test\/B: bucketName must give a Terraform address of its own: aws_s3_bucket\.my_data is already used by test\/A \(got "my\.data"\)\. Fix: /,
    );
  });

  it("two buckets with distinct names live side by side", () => {
    const stack = newStack();
    new EncryptedBucket(stack, "A", { bucketName: "bucket-a", region: "eu-west-1", encryptionKey: new FakeKey() });
    new EncryptedBucket(stack, "B", { bucketName: "bucket-b", region: "eu-west-1", encryptionKey: new FakeKey() });
    const r = synth(stack).resource;
    for (const type of BUCKET_RESOURCE_TYPES) expect(Object.keys(r[type]).sort()).toEqual(["bucket_a", "bucket_b"]);
  });
});

describe("bucket policy", () => {
  it("denies plain HTTP, other encryption headers and other KMS keys, in that order", () => {
    const policy = bucketPolicy(build().json);
    expect(policy.Version).toBe("2012-10-17");
    expect(sids(policy)).toEqual(["DenyInsecureTransport", "DenyEncryptionOtherThanKms", "DenySseC", "DenyOtherKmsKey"]);
    expect(policy.Statement[0]).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(policy.Statement[1]).toEqual({
      Sid: "DenyEncryptionOtherThanKms",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${BUCKET_ARN}/*`,
      Condition: {
        Null: { "s3:x-amz-server-side-encryption": "false" },
        StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      },
    });
    expect(policy.Statement[3]).toEqual({
      Sid: "DenyOtherKmsKey",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${BUCKET_ARN}/*`,
      Condition: {
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN },
      },
    });
  });

  it("strict mode adds the missing-header deny last", () => {
    const policy = bucketPolicy(build({ requireEncryptionHeader: true }).json);
    expect(sids(policy)).toEqual(["DenyInsecureTransport", "DenyEncryptionOtherThanKms", "DenySseC", "DenyOtherKmsKey", "DenyMissingEncryptionHeader"]);
    expect(policy.Statement[4]).toEqual({
      Sid: "DenyMissingEncryptionHeader",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${BUCKET_ARN}/*`,
      Condition: { Null: { "s3:x-amz-server-side-encryption": "true" } },
    });
  });

  it("requireEncryptionHeader false is the default", () => {
    expect(sids(bucketPolicy(build({ requireEncryptionHeader: false }).json))).not.toContain("DenyMissingEncryptionHeader");
  });

  it("addToResourcePolicy appends statements, rendered canonically at synth", () => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, "Bucket", { bucketName: BUCKET, region: "eu-west-1", encryptionKey: new FakeKey() });
    bucket.addToResourcePolicy({
      Sid: "AllowReplication",
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::210987654321:role/replication"] },
      Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateObject"],
      Resource: bucket.objectsArn,
    });
    const policy = bucketPolicy(synth(stack));
    expect(sids(policy)).toEqual(["DenyInsecureTransport", "DenyEncryptionOtherThanKms", "DenySseC", "DenyOtherKmsKey", "AllowReplication"]);
    expect(policy.Statement[4]).toEqual({
      Sid: "AllowReplication",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::210987654321:role/replication" },
      Action: ["s3:ReplicateDelete", "s3:ReplicateObject"],
      Resource: `${BUCKET_ARN}/*`,
    });
  });

  it("a duplicate Sid from addToResourcePolicy fails the synth", () => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, "Bucket", { bucketName: BUCKET, region: "eu-west-1", encryptionKey: new FakeKey() });
    bucket.addToResourcePolicy({ Sid: "DenyOtherKmsKey", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: bucket.objectsArn });
    expect(() => Testing.synth(stack)).toThrow(/duplicate policy statement Sid "DenyOtherKmsKey"/);
  });

  it("policyDocument() matches what is rendered", () => {
    const { bucket, json } = build({ requireEncryptionHeader: true });
    expect(sids(bucketPolicy(json))).toEqual(bucket.policyDocument().Statement.map((s) => s.Sid));
  });
});

describe("aws-managed mode", () => {
  const { json } = build({ encryption: "aws-managed", encryptionKey: undefined });

  it("uses SSE-KMS without naming a key (aws/s3), still with a Bucket Key and SSE-C blocked", () => {
    const rule = json.resource.aws_s3_bucket_server_side_encryption_configuration.prod_data_bucket.rule[0];
    expect(rule.apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "aws:kms" });
    expect(rule.bucket_key_enabled).toBe(true);
    expect(rule.blocked_encryption_types).toEqual(["SSE-C"]);
  });

  it("has no DenyOtherKmsKey statement, but keeps the other denies", () => {
    const policy = bucketPolicy(json);
    expect(sids(policy)).toEqual(["DenyInsecureTransport", "DenyEncryptionOtherThanKms", "DenySseC"]);
    expect(JSON.stringify(policy)).not.toContain("aws-kms-key-id");
  });

  it("keeps strict mode available", () => {
    const strict = bucketPolicy(build({ encryption: "aws-managed", requireEncryptionHeader: true, encryptionKey: undefined }).json);
    expect(sids(strict)).toEqual(["DenyInsecureTransport", "DenyEncryptionOtherThanKms", "DenySseC", "DenyMissingEncryptionHeader"]);
  });
});

describe("key scoping", () => {
  it("scopes the key to the bucket once, in kms mode", () => {
    const key = new FakeKey();
    build({}, key);
    expect(key.scopedTo).toEqual([BUCKET_ARN]);
  });

  describe("with a real EncryptionKey", () => {
    function withRealKey(props: Partial<EncryptedBucketProps> = {}) {
      const stack = newStack();
      const key = new EncryptionKey(stack, "Key", { name: "prod-data", account: ACCOUNT, region: "eu-west-1", users: [APP] });
      const bucket = new EncryptedBucket(stack, "Bucket", { bucketName: BUCKET, region: "eu-west-1", encryptionKey: key, ...props });
      new TerraformOutput(stack, "key_arn", { value: key.keyArn });
      return { stack, key, bucket, json: synth(stack) };
    }

    it("references the key's ARN in the SSE rule and the bucket policy", () => {
      const { json } = withRealKey();
      expect(
        json.resource.aws_s3_bucket_server_side_encryption_configuration.prod_data_bucket.rule[0].apply_server_side_encryption_by_default.kms_master_key_id,
      ).toBe("${aws_kms_key.prod_data.arn}");
      const deny = bucketPolicy(json).Statement.find((s) => s.Sid === "DenyOtherKmsKey");
      expect(deny?.Condition?.StringNotEquals?.["s3:x-amz-server-side-encryption-aws-kms-key-id"]).toBe("${aws_kms_key.prod_data.arn}");
    });

    it("adds the bucket's encryption context to the key users' statement", () => {
      const { json } = withRealKey();
      const keyPolicy = JSON.parse(json.resource.aws_kms_key.prod_data.policy);
      const use = keyPolicy.Statement.find((s: PolicyStatement) => s.Sid === "KeyUseViaS3");
      expect(use.Condition.StringLike).toEqual({ "kms:EncryptionContext:aws:s3:arn": [BUCKET_ARN, `${BUCKET_ARN}/*`] });
      expect(use.Condition.StringEquals).toEqual({ "kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.eu-west-1.amazonaws.com" });
    });

    it("scopes the key to every bucket that uses it", () => {
      const stack = newStack();
      const key = new EncryptionKey(stack, "Key", { name: "shared", account: ACCOUNT, region: "eu-west-1", users: [APP] });
      new EncryptedBucket(stack, "B1", { bucketName: "bucket-b", region: "eu-west-1", encryptionKey: key });
      new EncryptedBucket(stack, "B2", { bucketName: "bucket-a", region: "eu-west-1", encryptionKey: key });
      const keyPolicy = JSON.parse(synth(stack).resource.aws_kms_key.shared.policy);
      const use = keyPolicy.Statement.find((s: PolicyStatement) => s.Sid === "KeyUseViaS3");
      expect(use.Condition.StringLike["kms:EncryptionContext:aws:s3:arn"]).toEqual([
        "arn:aws:s3:::bucket-a",
        "arn:aws:s3:::bucket-a/*",
        "arn:aws:s3:::bucket-b",
        "arn:aws:s3:::bucket-b/*",
      ]);
    });
  });
});

describe("validation errors", () => {
  function errorOf(props: Partial<EncryptedBucketProps>, scope?: (stack: TerraformStack) => Construct): ConstructPropError {
    const stack = newStack();
    try {
      new EncryptedBucket(scope ? scope(stack) : stack, "Bucket", {
        bucketName: BUCKET,
        region: "eu-west-1",
        encryptionKey: new FakeKey(),
        ...props,
      } as EncryptedBucketProps);
    } catch (e) {
      expect(e).toBeInstanceOf(ConstructPropError);
      return e as ConstructPropError;
    }
    throw new Error("expected a ConstructPropError, got none");
  }

  function expectError(err: ConstructPropError, prop: string, rule: string, got: string, path = "test/Bucket") {
    expect(err.constructPath).toBe(path);
    expect(err.prop).toBe(prop);
    expect(err.message.startsWith(`${path}: ${prop} `)).toBe(true);
    expect(err.message).toContain(rule);
    expect(err.message).toContain(`(got ${got}). Fix: `);
    expect(err.message).toMatch(/Fix: \S.{5,}$/);
  }

  it.each([
    ["My-Bucket", "may contain only lowercase letters, digits, '.' and '-'"],
    ["ab", "must be 3 to 63 characters long"],
    ["a".repeat(64), "must be 3 to 63 characters long"],
    ["-bucket", "must begin and end with a lowercase letter or digit"],
    ["my..bucket", "must not contain two adjacent periods"],
    ["192.168.1.1", "must not be formatted as an IP address"],
    ["xn--bucket", "must not start with a reserved prefix"],
    ["bucket-s3alias", "must not end with a reserved suffix"],
  ])("bucket name %p", (bucketName, rule) => {
    expectError(errorOf({ bucketName }), "bucketName", rule, JSON.stringify(bucketName));
  });

  it("a key in another region", () => {
    expectError(
      errorOf({ encryptionKey: new FakeKey(KEY_ARN, "us-east-1") }),
      "encryptionKey",
      "must be in the bucket's region eu-west-1: S3 SSE-KMS needs key and bucket in one region",
      '"us-east-1"',
    );
  });

  it("a real EncryptionKey in another region", () => {
    const stack = newStack();
    const key = new EncryptionKey(stack, "Key", { name: "k", account: ACCOUNT, region: "eu-central-1" });
    expect(() => new EncryptedBucket(stack, "Bucket", { bucketName: BUCKET, region: "eu-west-1", encryptionKey: key })).toThrow(
      'test/Bucket: encryptionKey must be in the bucket\'s region eu-west-1: S3 SSE-KMS needs key and bucket in one region (got "eu-central-1"). Fix: ',
    );
  });

  it("encryption kms without a key", () => {
    expectError(errorOf({ encryptionKey: undefined }), "encryptionKey", "is required with encryption kms", "nothing");
    expectError(errorOf({ encryption: "kms", encryptionKey: undefined }), "encryptionKey", "is required with encryption kms", "nothing");
  });

  it("a key given with encryption aws-managed", () => {
    expectError(errorOf({ encryption: "aws-managed" }), "encryptionKey", "must not be set with encryption aws-managed", '"(key)"');
  });

  it("an unknown encryption mode", () => {
    expectError(errorOf({ encryption: "AES256" as never }), "encryption", "must be kms or aws-managed", '"AES256"');
  });

  it("an unknown region", () => {
    expectError(errorOf({ region: "eu-west-9", encryption: "aws-managed", encryptionKey: undefined }), "region", "must be a known AWS region", '"eu-west-9"');
  });

  it("names the full construct path of a nested bucket", () => {
    const err = errorOf({ bucketName: "Bad" }, (stack) => new Construct(new Construct(stack, "prod"), "data"));
    expectError(err, "bucketName", "lowercase", '"Bad"', "test/prod/data/Bucket");
  });

  it("does not scope the key when validation fails", () => {
    const key = new FakeKey(KEY_ARN, "us-east-1");
    errorOf({ encryptionKey: key });
    expect(key.scopedTo).toEqual([]);
  });
});

describe("the pinned hashicorp/aws version (awsProviderVersion, read from the construct tree)", () => {
  const ruleAt = (version: string | undefined) => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "test");
    if (version !== undefined) stack.node.setContext(AWS_PROVIDER_VERSION_CONTEXT, version);
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    new EncryptedBucket(stack, "Bucket", { bucketName: BUCKET, region: "eu-west-1", encryptionKey: new FakeKey() });
    const json = synth(stack);
    return { rule: json.resource.aws_s3_bucket_server_side_encryption_configuration.prod_data_bucket.rule[0] as Json, policy: bucketPolicy(json) };
  };

  it.each([
    ["the 6.25.0 default (no version set)", undefined, true],
    ["6.22.0, the first version that knows blocked_encryption_types", "6.22.0", true],
    ["6.21.0", "6.21.0", false],
    ["5.100.0", "5.100.0", false],
  ])("%s: blocked_encryption_types written only where known; the bucket policy denies SSE-C on every version", (_label, version, known) => {
    const { rule, policy } = ruleAt(version);
    if (known) expect(rule.blocked_encryption_types).toEqual(["SSE-C"]);
    else expect(rule).not.toHaveProperty("blocked_encryption_types");
    expect(rule).toMatchObject({ bucket_key_enabled: true, apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY_ARN } });
    expect(policy.Statement.find((s) => s.Sid === "DenySseC")).toEqual({
      Sid: "DenySseC",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `${BUCKET_ARN}/*`,
      Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
    });
  });

  it("an unsupported version in the tree is an error naming the field, the value and the fix", () => {
    expect(() => ruleAt("4.67.0")).toThrow(
      /awsProviderVersion must be an exact version, 5\.100\.0 or later 5\.x, or 6\.x \(got "4\.67\.0"\)\. Fix: set "awsProviderVersion"/,
    );
  });
});

describe("adopt (import an existing bucket)", () => {
  const importsOf = (json: Json): Array<Record<string, string>> => (json as { import?: Array<Record<string, string>> }).import ?? [];

  it("is off by default: no import blocks", () => {
    const { json, bucket } = build();
    expect(json).not.toHaveProperty("import");
    expect(bucket.adopted).toBe(false);
  });

  it("adopt true imports only what every bucket has (the bucket, its default encryption, its versioning state) and still declares the rest", () => {
    const { json, bucket } = build({ adopt: true });
    expect(bucket.adopted).toBe(true);
    expect(importsOf(json)).toEqual([
      { to: "aws_s3_bucket.prod_data_bucket", id: BUCKET },
      { to: "aws_s3_bucket_server_side_encryption_configuration.prod_data_bucket", id: BUCKET },
      { to: "aws_s3_bucket_versioning.prod_data_bucket", id: BUCKET },
    ]);
    // No import block for what a legacy bucket may lack: its import would fail the first apply.
    for (const type of ["aws_s3_bucket_policy", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_public_access_block"])
      expect(importsOf(json).map((i) => i.to)).not.toContain(`${type}.prod_data_bucket`);
    // The configuration is unchanged: the policy, ownership controls and public access block are created.
    expect(json.resource).toEqual(build().json.resource);
  });

  it("an adoption object imports the optional configurations it lists, and those only", () => {
    const { json } = build({ adopt: { existing: ["policy", "publicAccessBlock"] } });
    expect(importsOf(json).map((i) => i.to.split(".")[0])).toEqual([
      "aws_s3_bucket",
      "aws_s3_bucket_server_side_encryption_configuration",
      "aws_s3_bucket_versioning",
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_policy",
    ]);
    const all = build({ adopt: { existing: ["policy", "ownershipControls", "publicAccessBlock"] } });
    const managed = Object.entries(all.json.resource).flatMap(([type, byName]) => Object.keys(byName as object).map((n) => `${type}.${n}`));
    expect(
      importsOf(all.json)
        .map((i) => i.to)
        .sort(),
    ).toEqual(managed.sort());
  });

  it("keeps the existing tags under the bucket's own tags (those win on a clash)", () => {
    const { json } = build({ adopt: { tags: { owner: "data team", environment: "old" } }, tags: { environment: "prod" } });
    expect(json.resource.aws_s3_bucket.prod_data_bucket.tags).toEqual({ owner: "data team", environment: "prod" });
    expect(build({ adopt: true }).json.resource.aws_s3_bucket.prod_data_bucket).not.toHaveProperty("tags");
  });

  it("merges the kept policy statements after the enforcement statements", () => {
    const kept = { Sid: "AllowAuditRead", Effect: "Allow" as const, Principal: { AWS: APP }, Action: "s3:GetObject", Resource: `${BUCKET_ARN}/*` };
    const { json } = build({ adopt: { existing: ["policy"], keepPolicyStatements: [kept] } });
    const policy = bucketPolicy(json);
    expect(sids(policy)).toEqual([...sids(bucketPolicy(build().json)), "AllowAuditRead"]);
    expect(policy.Statement.at(-1)).toEqual(kept);
  });

  it("refuses a kept statement whose Sid is one of the enforcement statements', naming the field and the fix", () => {
    const kept = { Sid: "DenyInsecureTransport", Effect: "Deny" as const, Principal: "*" as const, Action: "s3:*", Resource: BUCKET_ARN };
    expect(() => build({ adopt: { keepPolicyStatements: [kept] } })).toThrow(
      /adopt\.keepPolicyStatements.*DenyInsecureTransport.*rename the kept statement's Sid/s,
    );
  });

  it("without versioning there is nothing to import for it", () => {
    const { json } = build({ adopt: true, versioned: false });
    expect(importsOf(json).map((i) => i.to)).not.toContain("aws_s3_bucket_versioning.prod_data_bucket");
    expect(importsOf(json)).toHaveLength(2);
  });

  it("follows an explicit terraformName and keeps prevent_destroy", () => {
    const { json } = build({ adopt: true, terraformName: "legacy", preventDestroy: true });
    expect(importsOf(json).map((i) => i.to)).toContain("aws_s3_bucket.legacy");
    expect(json.resource.aws_s3_bucket.legacy.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("names the provider of a bucket written through an aliased provider", () => {
    const stack = newStack();
    const other = new AwsProvider(stack, "destination", { region: "eu-west-1", alias: "destination" });
    new EncryptedBucket(stack, "B", { bucketName: BUCKET, region: "eu-west-1", encryptionKey: new FakeKey(), provider: other, adopt: true });
    const imports = importsOf(synth(stack));
    expect(imports).toHaveLength(3);
    for (const i of imports) expect(i).toEqual({ to: expect.stringMatching(/\.prod_data_bucket$/), id: BUCKET, provider: "aws.destination" });
  });

  it("only the adopted bucket of two gets import blocks", () => {
    const stack = newStack();
    new EncryptedBucket(stack, "A", { bucketName: "bucket-a", region: "eu-west-1", encryptionKey: new FakeKey(), adopt: true });
    new EncryptedBucket(stack, "B", { bucketName: "bucket-b", region: "eu-west-1", encryptionKey: new FakeKey() });
    const imports = importsOf(synth(stack));
    expect(new Set(imports.map((i) => i.id))).toEqual(new Set(["bucket-a"]));
    expect(imports.every((i) => i.to.endsWith(".bucket_a"))).toBe(true);
  });
});

describe("per-bucket readers and writers", () => {
  const READER = `arn:aws:iam::${ACCOUNT}:role/reader`;
  const WRITER = `arn:aws:iam::${ACCOUNT}:role/writer`;

  test("are granted on the key for this bucket only: statements with the bucket's encryption context", () => {
    const stack = newStack();
    const key = new EncryptionKey(stack, "Key", { name: "data", account: ACCOUNT, region: "eu-west-1" });
    new EncryptedBucket(stack, "A", { bucketName: "bucket-a-1", region: "eu-west-1", encryptionKey: key, readers: [READER], writers: [WRITER] });
    new EncryptedBucket(stack, "B", { bucketName: "bucket-b-1", region: "eu-west-1", encryptionKey: key });
    const policy = JSON.parse(synthJson(stack).resource.aws_kms_key.data.policy) as { Statement: PolicyStatement[] };
    const read = policy.Statement.find((s) => s.Sid === "ReadViaS3BucketA1")!;
    const write = policy.Statement.find((s) => s.Sid === "WriteViaS3BucketA1")!;
    expect(read.Principal).toEqual({ AWS: READER });
    expect(read.Action).toBe("kms:Decrypt");
    expect(write.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    for (const s of [read, write]) {
      expect(s.Condition?.StringLike).toEqual({ "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::bucket-a-1", "arn:aws:s3:::bucket-a-1/*"] });
    }
    expect(policy.Statement.filter((s) => /ViaS3BucketB/.test(s.Sid ?? ""))).toEqual([]);
  });

  test("are refused with the AWS managed key (no key policy of yours)", () => {
    const stack = newStack();
    expect(() => new EncryptedBucket(stack, "A", { bucketName: "bucket-a-1", region: "eu-west-1", encryption: "aws-managed", readers: [READER] })).toThrow(
      /readers.*needs encryption kms: the AWS managed key aws\/s3 has no key policy of yours/,
    );
  });

  test("are handed to whatever key the bucket has (every IBucketKey takes grants), once, with the bucket's ARN", () => {
    const key = new FakeKey();
    new EncryptedBucket(newStack(), "A", { bucketName: "bucket-a-1", region: "eu-west-1", encryptionKey: key, writers: [WRITER] });
    expect(key.grants).toEqual([{ bucketArn: "arn:aws:s3:::bucket-a-1", readers: [], writers: [WRITER] }]);
    const none = new FakeKey();
    new EncryptedBucket(newStack(), "B", { bucketName: "bucket-b-1", region: "eu-west-1", encryptionKey: none });
    expect(none.grants).toEqual([]);
  });

  test("a key administrator or a principal of another account is refused by the key", () => {
    const stack = newStack();
    const key = new EncryptionKey(stack, "Key", { name: "data", account: ACCOUNT, region: "eu-west-1", administrators: [READER] });
    expect(() => new EncryptedBucket(stack, "A", { bucketName: "bucket-a-1", region: "eu-west-1", encryptionKey: key, readers: [READER] })).toThrow(
      /separation of duties/,
    );
    expect(
      () =>
        new EncryptedBucket(stack, "B", { bucketName: "bucket-b-1", region: "eu-west-1", encryptionKey: key, writers: ["arn:aws:iam::999999999999:role/w"] }),
    ).toThrow(/must hold IAM role or user ARNs of the key's account 123456789012/);
  });
});
