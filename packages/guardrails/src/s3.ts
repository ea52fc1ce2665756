/** Finding the configuration resources that belong to a bucket (AWS provider v4+ split resources). */
import { blocks, wholeReference } from "./json";
import type { Json, RuleContext, SynthesizedResource } from "./types";

const PARTITIONS = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/** The bucket name, when it is a literal (not `bucket_prefix`, not an expression). */
export function bucketNameOf(bucket: SynthesizedResource): string | undefined {
  const name = bucket.config.bucket;
  return typeof name === "string" && !name.includes("${") ? name : undefined;
}

/**
 * Whether a `bucket` attribute of a configuration resource names this bucket: a reference to the
 * bucket resource (`${aws_s3_bucket.x.id}`, `.bucket`, `.arn`) or its literal name or ARN.
 */
export function refersToBucket(value: Json | undefined, bucket: SynthesizedResource): boolean {
  const ref = wholeReference(value);
  if (ref) return ref.address === bucket.address && ["id", "bucket", "arn"].includes(ref.attribute);
  const name = bucketNameOf(bucket);
  if (typeof value !== "string" || name === undefined) return false;
  return value === name || PARTITIONS.some((p) => value === `arn:${p}:s3:::${name}`);
}

/** The resources of a type whose `bucket` attribute names the bucket. */
export function attachedTo(ctx: RuleContext, type: string, bucket: SynthesizedResource): SynthesizedResource[] {
  return ctx.byType(type).filter((r) => refersToBucket(r.config.bucket, bucket));
}

/**
 * The ARN forms a policy may use for the bucket and for its objects: Terraform references to the
 * bucket's `arn` and the literal ARN in every partition.
 */
export function bucketArnForms(bucket: SynthesizedResource): { bucket: string[]; objects: string[] } {
  const refs = [`\${${bucket.address}.arn}`];
  const name = bucketNameOf(bucket);
  const literals = name === undefined ? [] : PARTITIONS.map((p) => `arn:${p}:s3:::${name}`);
  const all = [...refs, ...literals];
  return { bucket: all, objects: all.map((a) => `${a}/*`) };
}

/** Replication configurations in which the bucket is the source (`bucket`) or a destination (`rule.destination.bucket`). */
export function replicationRoles(ctx: RuleContext, bucket: SynthesizedResource): { source: SynthesizedResource[]; destination: SynthesizedResource[] } {
  const configs = ctx.byType("aws_s3_bucket_replication_configuration");
  const source = configs.filter((c) => refersToBucket(c.config.bucket, bucket));
  const destination = configs.filter((c) =>
    blocks(c.config.rule).some((rule) => blocks(rule.destination).some((d) => refersToBucket(d.bucket, bucket))),
  );
  // The deprecated inline replication_configuration block of aws_s3_bucket.
  const inline = blocks(bucket.config.replication_configuration).length > 0;
  const inlineDestination = ctx
    .byType("aws_s3_bucket")
    .filter((b) =>
      blocks(b.config.replication_configuration).some((rc) =>
        blocks(rc.rules).some((rule) => blocks(rule.destination).some((d) => refersToBucket(d.bucket, bucket))),
      ),
    );
  return { source: inline ? [...source, bucket] : source, destination: [...destination, ...inlineDestination] };
}
