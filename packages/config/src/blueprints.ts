import { z } from "zod";
import { BucketListSchema, BucketSettingsSchema } from "./bucket";
import { checkKeySettings, KeySettingsFields, KeySettingsSchema } from "./key";
import { AccountId, BucketArn, isKnownRegion, KmsKeyArn, Region, RoleArn, arnRegion } from "./primitives";

/** Blueprint 1: a customer-managed key, its alias, and the buckets encrypted with it. */
export const CustomerManagedConfigSchema = z.strictObject({
  key: KeySettingsSchema,
  buckets: BucketListSchema,
});
export type CustomerManagedConfig = z.output<typeof CustomerManagedConfigSchema>;

/** ISO-8601 timestamp with a time zone, e.g. 2027-12-31T23:59:59Z. */
const IsoTimestamp = z.iso.datetime({ offset: true, error: "must be an ISO-8601 timestamp with a time zone, e.g. 2027-12-31T23:59:59Z" });

/** How imported key material reaches KMS. */
export const KeyMaterialSettingsSchema = z.strictObject({
  importThroughTerraform: z.boolean({ error: "must be true or false" }).default(false).describe(
    "Opt-in: pass the material through Terraform (sensitive variable key_material_base64). The plaintext material then lands in Terraform state. Default false: the ceremony CLI imports it out of band.",
  ),
  validTo: IsoTimestamp.optional().describe(
    "Expiry of imported material. Every object encrypted under the key becomes unreadable when it lapses. Default: the material does not expire.",
  ),
});

/** Blueprint 2: an EXTERNAL-origin key (BYOK), material imported by the ceremony CLI. */
export const ImportedMaterialConfigSchema = z.strictObject({
  key: KeySettingsFields.omit({ rotationPeriodInDays: true }).superRefine(checkKeySettings),
  keyMaterial: KeyMaterialSettingsSchema.default({ importThroughTerraform: false }),
  buckets: BucketListSchema,
});
export type ImportedMaterialConfig = z.output<typeof ImportedMaterialConfigSchema>;

/** The destination side when this stack creates it (in the destination account). */
export const CreatedDestinationSchema = z.strictObject({
  mode: z.literal("create"),
  account: AccountId,
  region: Region,
  assumeRoleArn: RoleArn.optional().describe("Role the destination provider assumes in the destination account."),
  key: KeySettingsSchema,
  bucket: BucketSettingsSchema,
});

/** The destination side when another team owns it: the stack outputs the policy statements they must add. */
export const ExistingDestinationSchema = z.strictObject({
  mode: z.literal("existing"),
  account: AccountId,
  bucketArn: BucketArn,
  keyArn: KmsKeyArn,
}).superRefine((d, ctx) => {
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

/** Blueprint 3: replication of SSE-KMS objects into another AWS account. */
export const CrossAccountReplicationConfigSchema = z.strictObject({
  source: z.strictObject({
    key: KeySettingsSchema,
    bucket: BucketSettingsSchema,
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
  metrics: z.boolean().default(true).describe("Publish S3 replication metrics (pending bytes and operations, latency) to CloudWatch. Replication Time Control is not enabled."),
}).superRefine((c, ctx) => {
  // S3 replication needs versioning on both buckets (PutBucketReplication fails otherwise).
  const buckets: [typeof c.source.bucket, string[]][] = [[c.source.bucket, ["source", "bucket", "versioning"]]];
  if (c.destination.mode === "create") buckets.push([c.destination.bucket, ["destination", "bucket", "versioning"]]);
  for (const [bucket, path] of buckets) {
    if (!bucket.versioning) {
      ctx.addIssue({ code: "custom", path, input: bucket.versioning, message: "must be true: replication needs versioning on the source and destination buckets" });
    }
  }
  // An existing destination bucket cannot be the source bucket (a created one is checked with every
  // other bucket name of the environment).
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

/** The region of an existing destination: from its key ARN (S3 SSE-KMS needs key and bucket in one region). */
export function existingDestinationRegion(d: { keyArn: string }): string {
  return arnRegion(d.keyArn);
}
