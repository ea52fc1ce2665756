/** Finding the configuration resources that belong to a bucket (AWS provider v4+ split resources). */
import { wholeReference } from "@sse-kms/policy";
import { blocks } from "./json";
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

/**
 * The key under which a `bucket` attribute names a bucket, matching {@link refersToBucket}: the
 * referenced bucket's address, or the literal name (also when written as an ARN).
 */
function bucketKeyOf(value: Json | undefined): string | undefined {
  const ref = wholeReference(value);
  if (ref) return ["id", "bucket", "arn"].includes(ref.attribute) ? `ref:${ref.address}` : undefined;
  if (typeof value !== "string") return undefined;
  const arn = PARTITIONS.map((p) => `arn:${p}:s3:::`).find((prefix) => value.startsWith(prefix));
  return `name:${arn ? value.slice(arn.length) : value}`;
}

/** Per context and type: the resources by the bucket they name, built once (rules ask per bucket). */
const INDEX = new WeakMap<RuleContext, Map<string, Map<string, SynthesizedResource[]>>>();

function indexOf(ctx: RuleContext, type: string): Map<string, SynthesizedResource[]> {
  const byType = INDEX.get(ctx) ?? new Map<string, Map<string, SynthesizedResource[]>>();
  INDEX.set(ctx, byType);
  let index = byType.get(type);
  if (!index) {
    index = new Map();
    for (const r of ctx.byType(type)) {
      const key = bucketKeyOf(r.config.bucket);
      if (key === undefined) continue;
      const list = index.get(key);
      if (list) list.push(r);
      else index.set(key, [r]);
    }
    byType.set(type, index);
  }
  return index;
}

/** The resources of a type whose `bucket` attribute names the bucket (in synth order). */
export function attachedTo(ctx: RuleContext, type: string, bucket: SynthesizedResource): SynthesizedResource[] {
  const index = indexOf(ctx, type);
  const name = bucketNameOf(bucket);
  const found = new Set([...(index.get(`ref:${bucket.address}`) ?? []), ...(name === undefined ? [] : (index.get(`name:${name}`) ?? []))]);
  return ctx.byType(type).filter((r) => found.has(r));
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
  const source = attachedTo(ctx, "aws_s3_bucket_replication_configuration", bucket);
  const destination = configs.filter((c) => blocks(c.config.rule).some((rule) => blocks(rule.destination).some((d) => refersToBucket(d.bucket, bucket))));
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
