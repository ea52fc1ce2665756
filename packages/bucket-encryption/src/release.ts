import { forget, terraformName } from "@sse-kms/construct-kit";
import type { IConstruct } from "constructs";

/**
 * Every resource type {@link EncryptedBucket} creates for a bucket, each at `<type>.<pinned name>`
 * (the bucket's `terraformName`, derived from the bucket name by default). A test synthesizes an
 * EncryptedBucket and compares, so this list cannot drift from the construct.
 */
export const ENCRYPTED_BUCKET_RESOURCE_TYPES = [
  "aws_s3_bucket",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_policy",
] as const;

/** The addresses an {@link EncryptedBucket} named `bucketName` has (or had) in its stack. */
export function encryptedBucketAddresses(bucketName: string, explicitTerraformName?: string): string[] {
  const name = explicitTerraformName ?? terraformName(bucketName);
  return ENCRYPTED_BUCKET_RESOURCE_TYPES.map((type) => `${type}.${name}`);
}

/**
 * Releases a bucket this stack created with {@link EncryptedBucket} and no longer configures: a
 * `removed` block with `lifecycle.destroy = false` for each of its resources, so the next apply drops
 * them from the stack's state and leaves the bucket, its objects and its configuration in S3 as they
 * are. This is the first half of moving a bucket to another stack (the second is `adopt` there,
 * which imports it); without it, the bucket's absence from the configuration would make the next
 * apply delete its policy, public access block and default-encryption configuration and try to
 * delete the bucket (README "Move a bucket to another stack").
 *
 * Only what EncryptedBucket creates is released; a resource another construct made for the bucket
 * (e.g. a replication configuration) is not, and the plan shows its destroy.
 * @returns the forgotten addresses
 */
export function releaseBucket(scope: IConstruct, bucketName: string, explicitTerraformName?: string): string[] {
  const addresses = encryptedBucketAddresses(bucketName, explicitTerraformName);
  for (const address of addresses) forget(scope, address);
  return addresses;
}
