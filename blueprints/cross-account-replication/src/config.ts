import {
  AccountId,
  BucketArn,
  BucketSettingsSchema,
  type EnvironmentBase,
  isKnownRegion,
  KeySettingsSchema,
  KmsKeyArn,
  type NameClaim,
  Region,
  RoleArn,
  RoleName,
  Tags,
  type IssueReporter,
  arnAccount,
  arnRegion,
  partitionOf,
} from "@sse-kms/config";
import { z } from "zod";

/** A bucket of either side: versioning cannot be turned off (S3 replication needs it on both buckets). */
export const ReplicatedBucketSchema = BucketSettingsSchema.extend({
  versioning: z
    .literal(true, { error: "must be true: replication needs versioning on the source and destination buckets" })
    .default(true)
    .describe("Keep every object version: always true here (S3 replication needs versioning on both buckets)."),
});

/**
 * The destination side when this stack creates it: in another account (cross-account), or in the
 * environment's own account (same-account replication), in the same region (S3 SRR) or another
 * (S3 CRR), always with its own key in the destination region.
 */
export const CreatedDestinationSchema = z.strictObject({
  mode: z.literal("create"),
  account: AccountId.describe(
    "Account of the destination key and bucket: another account (cross-account replication), or the environment's own account (same-account replication: no grant to any other account).",
  ),
  region: Region.describe(
    "Region of the destination key and bucket: the environment's region (same-Region replication) or another region of the same partition (cross-Region replication; the replicas get a second key there, not a multi-Region replica).",
  ),
  assumeRoleArn: RoleArn.optional().describe(
    "Role the destination provider assumes in the destination account. Same account: default the environment's assumeRoleArn; must be omitted when the destination is also in the environment's region (the stack's own provider creates it).",
  ),
  key: KeySettingsSchema,
  bucket: ReplicatedBucketSchema,
});

/** The destination side when another team owns it: the stack outputs the policy statements they must add. */
export const ExistingDestinationSchema = z
  .strictObject({
    mode: z.literal("existing"),
    account: AccountId,
    bucketArn: BucketArn,
    keyArn: KmsKeyArn,
  })
  .superRefine((d, ctx) => {
    if (arnAccount(d.keyArn) !== d.account) {
      ctx.addIssue({ code: "custom", path: ["keyArn"], input: d.keyArn, message: `must be a key of the destination account ${d.account}` });
    }
    // Bucket ARNs carry no region: the destination region is the key's (S3 SSE-KMS needs key and
    // bucket in one region), so the key ARN's region must be one we know.
    const region = arnRegion(d.keyArn);
    if (!isKnownRegion(region)) {
      ctx.addIssue({
        code: "custom",
        path: ["keyArn"],
        input: d.keyArn,
        message: `names region "${region}", which is not a known AWS region; the destination region is taken from the key ARN (the key must be in the destination bucket's region)`,
      });
    }
  });

/** An S3 key prefix usable in a replication filter AND in the role policy's resource ARN. */
export const ReplicationPrefix = z
  .string()
  .min(1, { error: "must not be empty (omit filter.prefix to replicate every object)" })
  .refine((p) => new TextEncoder().encode(p).length <= 1024, { error: "must be at most 1024 bytes (the longest S3 object key)" })
  .refine((p) => !/[*?]/.test(p), {
    error: "must not contain * or ?: the role policy scopes its object ARNs with the prefix, and IAM reads them as wildcards there",
  })
  .describe('Replicate only objects whose key starts with this prefix, e.g. "reports/". The replication role may read and replicate only keys under it.');

/** The tags of a replication filter: an object replicates only when it carries every one of them. */
export const ReplicationTagFilter = Tags.refine((t) => Object.keys(t).length >= 1, { error: "must name at least one tag (omit filter.tags otherwise)" })
  .refine((t) => Object.keys(t).length <= 10, { error: "at most 10 tags: an S3 object carries at most 10 tags, so a filter with more never matches" })
  .describe(
    "Replicate only objects that carry ALL of these object tags (key: value; keys 1-128 and values 0-256 characters, no aws: prefix, at most 10). S3 cannot replicate delete markers for a tag-filtered rule.",
  );

/** The objects a rule replicates: a prefix, tags, or both (S3 `Filter` with `And`). */
export const ReplicationFilterSchema = z
  .strictObject({
    prefix: ReplicationPrefix.optional(),
    tags: ReplicationTagFilter.optional(),
  })
  .refine((f) => f.prefix !== undefined || f.tags !== undefined, {
    error: "must set prefix, tags or both (omit filter to replicate every object)",
  })
  .describe("Which objects replicate: a key prefix, object tags, or both (an object must match all). Default: every object.");
export type ReplicationFilter = z.output<typeof ReplicationFilterSchema>;

/** `blueprints.cross-account-replication`: replication of SSE-KMS objects into another bucket (another account, or the same one). */
export const CrossAccountReplicationConfigSchema = z
  .strictObject({
    source: z.strictObject({
      key: KeySettingsSchema,
      bucket: ReplicatedBucketSchema,
    }),
    destination: z.discriminatedUnion("mode", [CreatedDestinationSchema, ExistingDestinationSchema], {
      error: "mode must be create or existing",
    }),
    replicationRoleName: RoleName.optional().describe("Name of the replication role. Default: <env>-s3-replication."),
    deleteMarkerReplication: z.boolean().default(false).describe("Replicate delete markers."),
    metrics: z
      .boolean()
      .default(true)
      .describe(
        "Publish S3 replication metrics (pending bytes and operations, latency) to CloudWatch. Must stay true with replicationTimeControl (S3 requires metrics with RTC).",
      ),
    replicationTimeControl: z
      .boolean()
      .default(false)
      .describe(
        "S3 Replication Time Control: replicate 99.99% of objects within 15 minutes (replication_time Enabled, 15 minutes), with the metrics block S3 requires (event_threshold 15 minutes). Billed per GB replicated.",
      ),
    filter: ReplicationFilterSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.replicationTimeControl && !c.metrics) {
      ctx.addIssue({
        code: "custom",
        path: ["metrics"],
        input: c.metrics,
        message:
          "must be true with replicationTimeControl: S3 requires replication metrics with Replication Time Control (set metrics to true or drop replicationTimeControl)",
      });
    }
    if (c.filter?.tags !== undefined && c.deleteMarkerReplication) {
      ctx.addIssue({
        code: "custom",
        path: ["deleteMarkerReplication"],
        input: c.deleteMarkerReplication,
        message: "must be false with filter.tags: S3 does not replicate delete markers for tag-based rules (set it to false, or filter on a prefix only)",
      });
    }
    // An existing destination bucket cannot be the source bucket (a created one is a claim, checked
    // with every other bucket name of the environment).
    if (c.destination.mode === "existing" && c.destination.bucketArn.split(":::")[1] === c.source.bucket.name) {
      ctx.addIssue({
        code: "custom",
        path: ["destination", "bucketArn"],
        input: c.destination.bucketArn,
        message: "must name a bucket other than the source bucket (replication copies into another account's bucket)",
      });
    }
  });
export type CrossAccountReplicationConfig = z.output<typeof CrossAccountReplicationConfigSchema>;
export type CrossAccountReplicationConfigInput = z.input<typeof CrossAccountReplicationConfigSchema>;

/** The region of an existing destination: from its key ARN (S3 SSE-KMS needs key and bucket in one region). */
export function existingDestinationRegion(d: { keyArn: string }): string {
  return arnRegion(d.keyArn);
}

/** The role name used when the config sets none: `<env>-s3-replication`. */
export function defaultReplicationRoleName(environmentName: string): string {
  return `${environmentName}-s3-replication`;
}

/** Aliases, bucket names and the role name, unique beyond this configuration. */
export function replicationClaims(c: CrossAccountReplicationConfig, env: EnvironmentBase): NameClaim[] {
  const claims: NameClaim[] = [
    { kind: "alias", value: c.source.key.alias, path: ["source", "key", "alias"] },
    { kind: "bucket name", value: c.source.bucket.name, path: ["source", "bucket", "name"] },
    { kind: "IAM role name", value: c.replicationRoleName ?? defaultReplicationRoleName(env.name), path: ["replicationRoleName"] },
  ];
  if (c.destination.mode === "create") {
    const d = c.destination;
    claims.push({ kind: "alias", value: d.key.alias, path: ["destination", "key", "alias"], account: d.account, region: d.region });
    claims.push({ kind: "bucket name", value: d.bucket.name, path: ["destination", "bucket", "name"] });
  }
  return claims;
}

/** Whether the destination is in the environment's own account (same-account replication). */
export function isSameAccount(c: CrossAccountReplicationConfig, env: { readonly account: string }): boolean {
  return c.destination.account === env.account;
}

/** Rules that need the environment: the same partition; what same-account replication allows. */
export function checkReplicationEnvironment(c: CrossAccountReplicationConfig, env: Pick<EnvironmentBase, "account" | "region">, issue: IssueReporter): void {
  const d = c.destination;
  if (isSameAccount(c, env)) {
    if (d.mode === "existing") {
      issue(
        ["destination", "mode"],
        d.mode,
        `must be create when the destination is the environment's account ${env.account}: same-account replication into an existing bucket is not supported (create the destination here, or replicate into another account)`,
      );
    } else if (d.region === env.region && d.assumeRoleArn !== undefined) {
      issue(
        ["destination", "assumeRoleArn"],
        d.assumeRoleArn,
        `must be omitted when the destination is the environment's own account and region: the stack's provider creates it (set the environment's assumeRoleArn instead)`,
      );
    }
  }
  if (d.mode === "create" && isKnownRegion(d.region) && isKnownRegion(env.region) && partitionOf(d.region) !== partitionOf(env.region)) {
    issue(["destination", "region"], d.region, `must be in partition ${partitionOf(env.region)}, like the source region ${env.region}`);
  }
}
