/**
 * SKB-S3-2: public access is fully blocked: an aws_s3_bucket_public_access_block for the bucket with
 * all four flags true (block_public_acls, block_public_policy, ignore_public_acls,
 * restrict_public_buckets).
 *
 * Maps to checkov CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56 (one per flag) and CKV2_AWS_6
 * ("Ensure that S3 bucket has a Public Access block"); cdk-nag AwsSolutions-S2 /
 * NIST.800.53.R5-S3BucketLevelPublicAccessProhibited.
 */
import { fail, failAll, show } from "../json";
import { attachedTo } from "../s3";
import type { GuardrailRule } from "../types";

const FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;

export const s3PublicAccessBlock: GuardrailRule = {
  id: "SKB-S3-2",
  name: "s3-public-access-block",
  description: "The bucket's public access is not fully blocked (all four S3 Block Public Access settings).",
  rationale:
    "Encryption at rest does not help against a public bucket: S3 decrypts for anyone the bucket policy or an ACL lets in. Block Public Access is the account-independent backstop against a policy or ACL mistake.",
  fix: "Add aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true (EncryptedBucket does).",
  appliesTo: ["aws_s3_bucket"],
  mappings: {
    checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6"],
    cdkNag: ["AwsSolutions-S2", "NIST.800.53.R5-S3BucketLevelPublicAccessProhibited"],
  },
  check(bucket, ctx) {
    const blocks = attachedTo(ctx, "aws_s3_bucket_public_access_block", bucket);
    if (blocks.length === 0) return fail("no aws_s3_bucket_public_access_block for this bucket");
    return failAll(blocks.flatMap((b) => FLAGS.filter((f) => b.config[f] !== true).map((f) => `${b.address}: ${f} is ${show(b.config[f])}`)));
  },
};
