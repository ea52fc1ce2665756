/**
 * SKB-S3-1: every bucket has default encryption SSE-KMS (`sse_algorithm = "aws:kms"`) with a
 * customer-managed key (`kms_master_key_id` referencing an aws_kms_key / aws_kms_external_key of
 * the stack, or a literal key ARN; not absent, which means the AWS managed key `aws/s3`; not
 * `alias/aws/...`; not AES256) and S3 Bucket Keys on (`bucket_key_enabled = true`).
 *
 * Maps to checkov CKV_AWS_145 ("Ensure that S3 buckets are encrypted with KMS by default") and
 * cdk-nag NIST.800.53.R5-S3DefaultEncryptionKMS / HIPAA.Security-S3DefaultEncryptionKMS. The
 * bucket-encryption package's `encryption: "aws-managed"` fails this rule by design: suppress it
 * with the reason the bucket may use aws/s3.
 */
import { blocks, fail, failAll, ok, show } from "../json";
import { wholeReference } from "@sse-kms/policy";
import { attachedTo } from "../s3";
import type { GuardrailRule, Json, RuleContext } from "../types";

const KEY_RESOURCE_TYPES = ["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key"];

/** Why a kms_master_key_id does not name a customer-managed key, or undefined when it does. */
export function customerManagedKeyProblem(value: Json | undefined, ctx: RuleContext): string | undefined {
  if (value === undefined || value === null || value === "") {
    return "kms_master_key_id is absent: S3 encrypts with the AWS managed key aws/s3 (no key policy of yours, no cross-account use)";
  }
  if (typeof value !== "string") return `kms_master_key_id is ${show(value)}`;
  const ref = wholeReference(value);
  if (ref) {
    if (KEY_RESOURCE_TYPES.includes(ref.type) || ref.type === "aws_kms_alias") return undefined;
    if (ref.type === "data.aws_kms_key" || ref.type === "data.aws_kms_alias") {
      const source = ctx.byAddress(ref.address);
      const looked = source?.config.key_id ?? source?.config.name;
      return typeof looked === "string" && /(^|:)alias\/aws\//.test(looked) ? `kms_master_key_id looks up the AWS managed key ${looked}` : undefined;
    }
    return `kms_master_key_id is ${value}: it cannot be verified as a customer-managed key at synth; reference the key resource or use a literal key ARN`;
  }
  if (value.includes("${")) return `kms_master_key_id is an expression (${value}) that cannot be verified at synth`;
  if (/(^|:)alias\/aws\//.test(value)) return `kms_master_key_id is the AWS managed key ${value}`;
  return undefined; // a literal key id/ARN or customer alias
}

export const s3SseKmsCustomerKey: GuardrailRule = {
  id: "SKB-S3-1",
  name: "s3-sse-kms-customer-key",
  description: "The bucket's default encryption is not SSE-KMS with a customer-managed key and an S3 Bucket Key.",
  rationale:
    "The point of these blueprints: with a customer-managed key you decide who may decrypt (key policy), can audit every use in CloudTrail, and can revoke access by disabling the key. aws/s3 and SSE-S3 give none of that. Bucket Keys cut KMS requests (and cost) by up to 99%.",
  fix: 'Create the bucket with EncryptedBucket and an EncryptionKey (encryption "kms", the default): aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "aws:kms", kms_master_key_id = the key ARN and bucket_key_enabled = true. For a deliberate aws/s3 bucket, suppress with the reason.',
  appliesTo: ["aws_s3_bucket"],
  mappings: { checkov: ["CKV_AWS_145"], cdkNag: ["NIST.800.53.R5-S3DefaultEncryptionKMS", "HIPAA.Security-S3DefaultEncryptionKMS"] },
  check(bucket, ctx) {
    const configs = attachedTo(ctx, "aws_s3_bucket_server_side_encryption_configuration", bucket);
    const rules = [
      ...configs.flatMap((c) => blocks(c.config.rule)),
      ...blocks(bucket.config.server_side_encryption_configuration).flatMap((c) => blocks(c.rule)),
    ];
    if (rules.length === 0) {
      return fail("no aws_s3_bucket_server_side_encryption_configuration for this bucket: S3 applies SSE-S3 (AES256)");
    }
    const problems: string[] = [];
    for (const rule of rules) {
      const defaults = blocks(rule.apply_server_side_encryption_by_default)[0];
      if (!defaults) {
        problems.push("a rule has no apply_server_side_encryption_by_default");
        continue;
      }
      if (defaults.sse_algorithm !== "aws:kms") problems.push(`sse_algorithm is ${show(defaults.sse_algorithm)}, not "aws:kms"`);
      else {
        const keyProblem = customerManagedKeyProblem(defaults.kms_master_key_id, ctx);
        if (keyProblem) problems.push(keyProblem);
      }
      if (rule.bucket_key_enabled !== true) problems.push(`bucket_key_enabled is ${show(rule.bucket_key_enabled)}`);
    }
    return problems.length > 0 ? failAll(problems) : ok();
  },
};
