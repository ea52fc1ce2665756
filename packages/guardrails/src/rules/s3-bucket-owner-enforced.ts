/**
 * SKB-S3-3: ACLs are disabled: aws_s3_bucket_ownership_controls with object_ownership
 * "BucketOwnerEnforced", and no aws_s3_bucket_acl (or inline acl other than "private").
 *
 * Maps to checkov CKV2_AWS_65 ("Ensure access control lists for S3 buckets are disabled"); AWS
 * Config s3-bucket-acl-prohibited.
 */
import { blocks, fail, failAll, show } from "../json";
import { attachedTo } from "../s3";
import type { GuardrailRule } from "../types";

export const s3BucketOwnerEnforced: GuardrailRule = {
  id: "SKB-S3-3",
  name: "s3-bucket-owner-enforced",
  description: "The bucket does not enforce bucket-owner object ownership (ACLs are still in effect).",
  rationale:
    "With ACLs, objects written by another account (replication, cross-account writers) can stay owned by the writer, outside the bucket policy, and an ACL can grant access the policy never shows. BucketOwnerEnforced makes the bucket policy the single source of access.",
  fix: 'Add aws_s3_bucket_ownership_controls with rule.object_ownership = "BucketOwnerEnforced" (EncryptedBucket does) and remove aws_s3_bucket_acl resources.',
  appliesTo: ["aws_s3_bucket"],
  mappings: { checkov: ["CKV2_AWS_65"], other: ["AWS Config s3-bucket-acl-prohibited"] },
  check(bucket, ctx) {
    const problems: string[] = [];
    const controls = attachedTo(ctx, "aws_s3_bucket_ownership_controls", bucket);
    if (controls.length === 0) return fail("no aws_s3_bucket_ownership_controls for this bucket: check the object ownership default of the account");
    for (const c of controls) {
      const ownership = blocks(c.config.rule).map((r) => r.object_ownership);
      if (!ownership.includes("BucketOwnerEnforced")) problems.push(`${c.address}: object_ownership is ${show(ownership[0])}`);
    }
    for (const acl of attachedTo(ctx, "aws_s3_bucket_acl", bucket)) problems.push(`${acl.address} sets an ACL`);
    const inline = bucket.config.acl;
    if (inline !== undefined && inline !== "private") problems.push(`acl is ${show(inline)}`);
    return failAll(problems);
  },
};
