import { bucketObjectsArn } from "./arn";
import type { PolicyStatement } from "./document";

export const SSE_HEADER = "s3:x-amz-server-side-encryption";
export const SSE_KMS_KEY_HEADER = "s3:x-amz-server-side-encryption-aws-kms-key-id";
/** The condition key of the SSE-C algorithm header (`x-amz-server-side-encryption-customer-algorithm`). */
export const SSE_C_HEADER = "s3:x-amz-server-side-encryption-customer-algorithm";

/** Deny every request that does not use TLS (aws:SecureTransport = false). */
export function denyInsecureTransportStatement(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, bucketObjectsArn(bucketArn)],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/**
 * Deny a PutObject that names an encryption other than aws:kms (AES256, aws:kms:dsse).
 * A request without the header is not matched (`Null: false` requires the header to be present):
 * it gets the bucket's default encryption, which is SSE-KMS with this bucket's key.
 */
export function denyWrongEncryptionHeaderStatement(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyEncryptionOtherThanKms",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: bucketObjectsArn(bucketArn),
    Condition: { StringNotEquals: { [SSE_HEADER]: "aws:kms" }, Null: { [SSE_HEADER]: "false" } },
  };
}

/**
 * Deny a PutObject that carries SSE-C headers (a customer-provided key): such objects would not be
 * encrypted with the bucket's KMS key. Holds on every provider version; hashicorp/aws 6.22.0 and
 * later also block SSE-C in the bucket's encryption configuration (`blocked_encryption_types`).
 */
export function denySseCStatement(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenySseC",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: bucketObjectsArn(bucketArn),
    Condition: { Null: { [SSE_C_HEADER]: "false" } },
  };
}

/**
 * Deny a PutObject that names a KMS key other than the bucket's (compared as the key ARN, the
 * form S3 evaluates). Requests that name no key use the bucket default.
 */
export function denyOtherKmsKeyStatement(bucketArn: string, keyArn: string): PolicyStatement {
  return {
    Sid: "DenyOtherKmsKey",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: bucketObjectsArn(bucketArn),
    Condition: { StringNotEquals: { [SSE_KMS_KEY_HEADER]: keyArn }, Null: { [SSE_KMS_KEY_HEADER]: "false" } },
  };
}

/**
 * Strict mode (opt-in): deny a PutObject without an explicit `x-amz-server-side-encryption` header.
 * Trade-off: uploads that rely on default encryption (`aws s3 cp` without `--sse aws:kms`, most
 * SDK defaults) then fail with AccessDenied.
 */
export function requireEncryptionHeaderStatement(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyMissingEncryptionHeader",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: bucketObjectsArn(bucketArn),
    Condition: { Null: { [SSE_HEADER]: "true" } },
  };
}

/** Options of {@link bucketEnforcementStatements}. */
export interface BucketEnforcementOptions {
  readonly bucketArn: string;
  /** The bucket's KMS key ARN; omit for `aws/s3` (AWS managed key) buckets. */
  readonly keyArn?: string;
  /** Strict mode: see {@link requireEncryptionHeaderStatement}. @default false */
  readonly requireEncryptionHeader?: boolean;
}

/** The canonical enforcement statements of an encrypted bucket, in order. */
export function bucketEnforcementStatements(o: BucketEnforcementOptions): PolicyStatement[] {
  const out = [denyInsecureTransportStatement(o.bucketArn), denyWrongEncryptionHeaderStatement(o.bucketArn), denySseCStatement(o.bucketArn)];
  if (o.keyArn !== undefined) out.push(denyOtherKmsKeyStatement(o.bucketArn, o.keyArn));
  if (o.requireEncryptionHeader) out.push(requireEncryptionHeaderStatement(o.bucketArn));
  return out;
}
