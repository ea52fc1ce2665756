/** Hand-written synthesized stacks for the access layer's own tests (not exported). */
import type { IamPolicyDocument } from "@sse-kms/policy";
import type { SynthesizedJson } from "./stacks";

export const ACCOUNT = "111111111111";
export const OTHER_ACCOUNT = "222222222222";
export const REGION = "eu-west-1";
export const BUCKET = "acme-data-111111111111";
export const ADMIN = `arn:aws:iam::${ACCOUNT}:role/key-admin`;
export const USER = `arn:aws:iam::${ACCOUNT}:role/app`;

const json = (doc: IamPolicyDocument) => JSON.stringify(doc);

/** A key policy shaped like the blueprint's: root management, administrators, users via S3 with the bucket context. */
export function keyPolicy(bucketArnExpr = "${aws_s3_bucket.data.arn}"): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "KeyManagementByAccountRoot",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DescribeKey"],
        Resource: "*",
      },
      {
        Sid: "KeyAdministration",
        Effect: "Allow",
        Principal: { AWS: ADMIN },
        Action: ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DescribeKey"],
        Resource: "*",
      },
      {
        Sid: "KeyUseViaS3",
        Effect: "Allow",
        Principal: { AWS: USER },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": `s3.${REGION}.amazonaws.com` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArnExpr, `${bucketArnExpr}/*`] },
        },
      },
    ],
  };
}

/** A bucket policy shaped like the blueprint's (TLS, header, key), optionally strict. */
export function bucketPolicy(strict = false): IamPolicyDocument {
  const bucket = "${aws_s3_bucket.data.arn}";
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucket, `${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyEncryptionOtherThanKms",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${bucket}/*`,
        Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" }, Null: { "s3:x-amz-server-side-encryption": "false" } },
      },
      {
        Sid: "DenyOtherKmsKey",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${bucket}/*`,
        Condition: {
          StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "${aws_kms_key.data.arn}" },
          Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        },
      },
      ...(strict
        ? [
            {
              Sid: "DenyMissingEncryptionHeader",
              Effect: "Deny" as const,
              Principal: "*" as const,
              Action: "s3:PutObject",
              Resource: `${bucket}/*`,
              Condition: { Null: { "s3:x-amz-server-side-encryption": "true" } },
            },
          ]
        : []),
    ],
  };
}

/** Options of {@link keyStack}. */
export interface KeyStackOptions {
  readonly name?: string;
  readonly account?: string;
  readonly region?: string;
  readonly keyPolicy?: IamPolicyDocument | null;
  readonly strict?: boolean;
  readonly extraResources?: Record<string, Record<string, unknown>>;
  readonly extra?: Record<string, unknown>;
}

/** One stack: a KMS key `aws_kms_key.data`, a bucket `aws_s3_bucket.data` with SSE-KMS and a bucket policy. */
export function keyStack(o: KeyStackOptions = {}): SynthesizedJson {
  const kp = o.keyPolicy === undefined ? keyPolicy() : o.keyPolicy;
  return {
    "//": { metadata: { stackName: o.name ?? "test-stack" } },
    provider: { aws: [{ region: o.region ?? REGION, allowed_account_ids: [o.account ?? ACCOUNT] }] },
    resource: {
      aws_kms_key: { data: { key_usage: "ENCRYPT_DECRYPT", ...(kp ? { policy: json(kp) } : {}) } },
      aws_s3_bucket: { data: { bucket: BUCKET } },
      aws_s3_bucket_policy: { data: { bucket: "${aws_s3_bucket.data.id}", policy: json(bucketPolicy(o.strict)) } },
      aws_s3_bucket_server_side_encryption_configuration: {
        data: {
          bucket: "${aws_s3_bucket.data.id}",
          rule: [
            { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "${aws_kms_key.data.arn}" }, bucket_key_enabled: true },
          ],
        },
      },
      ...(o.extraResources ?? {}),
    },
    ...(o.extra ?? {}),
  };
}

/** The KMS request S3 makes for the bucket, for the given principal. */
export const viaS3 = { bucket: BUCKET } as const;
