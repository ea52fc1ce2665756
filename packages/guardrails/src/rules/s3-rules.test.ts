import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3BucketAcl } from "@cdktf/provider-aws/lib/s3-bucket-acl";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { bucketEnforcementStatements, denyWrongEncryptionHeaderStatement } from "@sse-kms/policy";
import { findings, newStack, rawBucket, rawKey, statusOf } from "../test-support";
import { s3BucketOwnerEnforced, s3PublicAccessBlock, s3SseKmsCustomerKey, s3TlsOnly, s3VersioningForReplication } from ".";

const BUCKET = "aws_s3_bucket.acme_test_data";

describe("SKB-S3-1 s3-sse-kms-customer-key", () => {
  test("compliant: aws:kms with the stack's customer-managed key and a Bucket Key", () => {
    const { stack } = newStack();
    rawBucket(stack);
    expect(statusOf(stack, s3SseKmsCustomerKey, BUCKET)).toBe("compliant");
  });
  test("compliant: a literal customer key ARN", () => {
    const { stack } = newStack();
    const { bucket } = rawBucket(stack, { without: ["encryption"] });
    new S3BucketServerSideEncryptionConfigurationA(stack, "sse", {
      bucket: bucket.bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          },
          bucketKeyEnabled: true,
        },
      ],
    });
    expect(statusOf(stack, s3SseKmsCustomerKey, BUCKET)).toBe("compliant");
  });
  test("non-compliant: no encryption configuration (SSE-S3 default)", () => {
    const { stack } = newStack();
    rawBucket(stack, { without: ["encryption"] });
    expect(findings(stack, s3SseKmsCustomerKey)[0]?.detail).toBe(
      "no aws_s3_bucket_server_side_encryption_configuration for this bucket: S3 applies SSE-S3 (AES256)",
    );
  });
  test("non-compliant: AES256, aws/s3 (no key id, or alias/aws/s3), no Bucket Key", () => {
    const cases: [Record<string, unknown>, boolean | undefined, string][] = [
      [{ sseAlgorithm: "AES256" }, true, 'sse_algorithm is "AES256", not "aws:kms"'],
      [{ sseAlgorithm: "aws:kms" }, true, "kms_master_key_id is absent: S3 encrypts with the AWS managed key aws/s3"],
      [{ sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" }, true, "kms_master_key_id is the AWS managed key alias/aws/s3"],
      [{ sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:eu-west-1:111111111111:key/abc" }, false, "bucket_key_enabled is false"],
    ];
    for (const [defaults, bucketKey, expected] of cases) {
      const { stack } = newStack();
      const { bucket } = rawBucket(stack, { without: ["encryption"] });
      new S3BucketServerSideEncryptionConfigurationA(stack, "sse", {
        bucket: bucket.id,
        rule: [{ applyServerSideEncryptionByDefault: defaults as never, bucketKeyEnabled: bucketKey }],
      });
      expect(findings(stack, s3SseKmsCustomerKey)[0]?.detail).toContain(expected);
    }
  });
});

describe("SKB-S3-2 s3-public-access-block", () => {
  test("compliant: all four flags", () => {
    const { stack } = newStack();
    rawBucket(stack);
    expect(statusOf(stack, s3PublicAccessBlock, BUCKET)).toBe("compliant");
  });
  test("non-compliant: missing, or one flag off", () => {
    const missing = newStack();
    rawBucket(missing.stack, { without: ["publicAccessBlock"] });
    expect(findings(missing.stack, s3PublicAccessBlock)[0]?.detail).toBe("no aws_s3_bucket_public_access_block for this bucket");
    const partial = newStack();
    const { bucket } = rawBucket(partial.stack, { without: ["publicAccessBlock"] });
    new S3BucketPublicAccessBlock(partial.stack, "pab", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
    }).overrideLogicalId("p");
    expect(findings(partial.stack, s3PublicAccessBlock)[0]?.detail).toBe("aws_s3_bucket_public_access_block.p: restrict_public_buckets is (absent)");
  });
});

describe("SKB-S3-3 s3-bucket-owner-enforced", () => {
  test("compliant: BucketOwnerEnforced, no ACL", () => {
    const { stack } = newStack();
    rawBucket(stack);
    expect(statusOf(stack, s3BucketOwnerEnforced, BUCKET)).toBe("compliant");
  });
  test("non-compliant: ObjectWriter ownership, an ACL resource, or no ownership controls", () => {
    const { stack } = newStack();
    const { bucket } = rawBucket(stack, { without: ["ownership"] });
    new S3BucketOwnershipControls(stack, "own", { bucket: bucket.id, rule: { objectOwnership: "ObjectWriter" } }).overrideLogicalId("o");
    new S3BucketAcl(stack, "acl", { bucket: bucket.id, acl: "public-read" }).overrideLogicalId("a");
    expect(findings(stack, s3BucketOwnerEnforced)[0]?.detail).toBe(
      'aws_s3_bucket_ownership_controls.o: object_ownership is "ObjectWriter"; aws_s3_bucket_acl.a sets an ACL',
    );
    const none = newStack();
    rawBucket(none.stack, { without: ["ownership"] });
    expect(statusOf(none.stack, s3BucketOwnerEnforced, BUCKET)).toBe("non-compliant");
  });
});

describe("SKB-S3-4 s3-tls-only", () => {
  test("compliant: the canonical DenyInsecureTransport (literal ARNs), or with Terraform references", () => {
    const { stack } = newStack();
    rawBucket(stack);
    expect(statusOf(stack, s3TlsOnly, BUCKET)).toBe("compliant");
    const refs = newStack();
    rawBucket(refs.stack, {
      policyStatements: [
        {
          Sid: "Tls",
          Effect: "Deny",
          Principal: { AWS: "*" },
          Action: "s3:*",
          Resource: ["${aws_s3_bucket.acme_test_data.arn}", "${aws_s3_bucket.acme_test_data.arn}/*"],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
    expect(statusOf(refs.stack, s3TlsOnly, BUCKET)).toBe("compliant");
  });
  test("non-compliant: no policy; a policy without the TLS deny; a TLS deny on objects only", () => {
    const none = newStack();
    rawBucket(none.stack, { without: ["policy"] });
    expect(findings(none.stack, s3TlsOnly)[0]?.detail).toBe("no bucket policy (aws_s3_bucket_policy) for this bucket");
    const noTls = newStack();
    rawBucket(noTls.stack, { policyStatements: [denyWrongEncryptionHeaderStatement("arn:aws:s3:::acme-test-data")] });
    expect(statusOf(noTls.stack, s3TlsOnly, BUCKET)).toBe("non-compliant");
    const objectsOnly = newStack();
    const [tls] = bucketEnforcementStatements({ bucketArn: "arn:aws:s3:::acme-test-data" });
    rawBucket(objectsOnly.stack, { policyStatements: [{ ...tls!, Resource: "arn:aws:s3:::acme-test-data/*" }] });
    expect(statusOf(objectsOnly.stack, s3TlsOnly, BUCKET)).toBe("non-compliant");
  });
});

describe("SKB-S3-5 s3-versioning-for-replication", () => {
  function replicating(sourceVersioning: "Enabled" | "Suspended" | "none", destinationVersioning: "Enabled" | "Suspended" | "none") {
    const { stack } = newStack();
    const dstProvider = new AwsProvider(stack, "dst", { alias: "destination", region: "eu-central-1", allowedAccountIds: ["222222222222"] });
    const srcKey = rawKey(stack);
    const dstKey = rawKey(stack, { provider: dstProvider }, "replica");
    const opts = (v: string) => (v === "none" ? { without: ["versioning" as const] } : { versioningStatus: v });
    const src = rawBucket(stack, { name: "acme-src", key: srcKey, ...opts(sourceVersioning) });
    const dst = rawBucket(stack, { name: "acme-dst", key: dstKey, ...opts(destinationVersioning) });
    dst.bucket.provider = dstProvider;
    new S3BucketReplicationConfigurationA(stack, "rep", {
      bucket: src.bucket.id,
      role: "arn:aws:iam::111111111111:role/replication",
      rule: [
        {
          id: "all",
          status: "Enabled",
          destination: { bucket: dst.bucket.arn, account: "222222222222", encryptionConfiguration: { replicaKmsKeyId: dstKey.arn } },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        },
      ],
    });
    return stack;
  }
  test("compliant: both sides versioned; a bucket that does not replicate is not concerned", () => {
    const stack = replicating("Enabled", "Enabled");
    expect(statusOf(stack, s3VersioningForReplication, "aws_s3_bucket.acme_src")).toBe("compliant");
    expect(statusOf(stack, s3VersioningForReplication, "aws_s3_bucket.acme_dst")).toBe("compliant");
    const plain = newStack();
    rawBucket(plain.stack, { without: ["versioning"] });
    expect(statusOf(plain.stack, s3VersioningForReplication, BUCKET)).toBe("not-applicable");
  });
  test("non-compliant: an unversioned source, a suspended destination", () => {
    const stack = replicating("none", "Suspended");
    const f = findings(stack, s3VersioningForReplication);
    expect(f.find((x) => x.address === "aws_s3_bucket.acme_src")?.detail).toBe("the bucket is a replication source without aws_s3_bucket_versioning");
    expect(f.find((x) => x.address === "aws_s3_bucket.acme_dst")?.detail).toBe('the bucket is a replication destination but versioning status is "Suspended"');
  });
});
