/**
 * SKB-S3-5: a bucket that replicates (the source of an aws_s3_bucket_replication_configuration) or
 * receives replicas (a destination visible in the same stack) has versioning Enabled.
 *
 * Maps to checkov CKV_AWS_21 ("Ensure all data stored in the S3 bucket have versioning enabled")
 * and cdk-nag NIST.800.53.R5-S3BucketVersioningEnabled, narrowed to replicating buckets (the
 * blueprints keep versioning configurable elsewhere).
 */
import { blocks, fail, notApplicable, ok, show } from "../json";
import { attachedTo, replicationRoles } from "../s3";
import type { GuardrailRule } from "../types";

export const s3VersioningForReplication: GuardrailRule = {
  id: "SKB-S3-5",
  name: "s3-versioning-for-replication",
  description: "A bucket that takes part in replication does not have versioning enabled.",
  rationale:
    "S3 replication requires versioning on the source and the destination: PutBucketReplication fails without it, and suspending it later stops replication silently. Versions are also what lets a replica survive an overwrite or delete at the source.",
  fix: 'Add aws_s3_bucket_versioning with versioning_configuration.status = "Enabled" for both buckets (EncryptedBucket versioned: true, the default), and make the replication configuration depend on it.',
  appliesTo: ["aws_s3_bucket"],
  needsInStack: ["aws_s3_bucket_replication_configuration"], // (or a bucket's deprecated inline replication_configuration)
  mappings: { checkov: ["CKV_AWS_21"], cdkNag: ["NIST.800.53.R5-S3BucketVersioningEnabled"] },
  check(bucket, ctx) {
    const roles = replicationRoles(ctx, bucket);
    const role = roles.source.length > 0 ? "replication source" : roles.destination.length > 0 ? "replication destination" : undefined;
    if (!role) return notApplicable("the bucket does not replicate");
    const statuses = [
      ...attachedTo(ctx, "aws_s3_bucket_versioning", bucket).flatMap((v) => blocks(v.config.versioning_configuration).map((c) => c.status)),
      ...blocks(bucket.config.versioning).map((v) => (v.enabled === true ? "Enabled" : v.enabled)),
    ];
    if (statuses.length === 0) return fail(`the bucket is a ${role} without aws_s3_bucket_versioning`);
    const bad = statuses.filter((s) => s !== "Enabled");
    return bad.length > 0 ? fail(`the bucket is a ${role} but versioning status is ${show(bad[0])}`) : ok();
  },
};
