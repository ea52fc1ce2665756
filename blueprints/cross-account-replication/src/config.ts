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
  type IssueReporter,
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

/** The destination side when this stack creates it (in the destination account). */
export const CreatedDestinationSchema = z.strictObject({
  mode: z.literal("create"),
  account: AccountId,
  region: Region,
  assumeRoleArn: RoleArn.optional().describe("Role the destination provider assumes in the destination account."),
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
    if (!d.keyArn.includes(`:${d.account}:`)) {
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

/** `blueprints.cross-account-replication`: replication of SSE-KMS objects into another AWS account. */
export const CrossAccountReplicationConfigSchema = z
  .strictObject({
    source: z.strictObject({
      key: KeySettingsSchema,
      bucket: ReplicatedBucketSchema,
    }),
    destination: z.discriminatedUnion("mode", [CreatedDestinationSchema, ExistingDestinationSchema], {
      error: "mode must be create or existing",
    }),
    replicationRoleName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, { error: "must be an IAM role name: 1-64 of letters, digits and +=,.@_-" })
      .optional()
      .describe("Name of the replication role. Default: <env>-s3-replication."),
    deleteMarkerReplication: z.boolean().default(false).describe("Replicate delete markers."),
    metrics: z
      .boolean()
      .default(true)
      .describe("Publish S3 replication metrics (pending bytes and operations, latency) to CloudWatch. Replication Time Control is not enabled."),
  })
  .superRefine((c, ctx) => {
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

/** Rules that need the environment: another account, the same partition. */
export function checkReplicationEnvironment(c: CrossAccountReplicationConfig, env: EnvironmentBase, issue: IssueReporter): void {
  if (c.destination.account === env.account) {
    issue(["destination", "account"], c.destination.account, "must differ from the environment's account (this blueprint replicates across accounts)");
  }
  const d = c.destination;
  if (d.mode === "create" && isKnownRegion(d.region) && isKnownRegion(env.region) && partitionOf(d.region) !== partitionOf(env.region)) {
    issue(["destination", "region"], d.region, `must be in partition ${partitionOf(env.region)}, like the source region ${env.region}`);
  }
}
