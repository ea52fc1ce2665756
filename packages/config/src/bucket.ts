import { z } from "zod";
import { BucketName, BucketPrincipalArn, Tags } from "./primitives";

/**
 * The optional bucket configurations an existing bucket may or may not have. Importing one the
 * bucket lacks fails the first apply ("Cannot import non-existent remote object"): the AWS provider
 * reads each with GetBucketPolicy, GetBucketOwnershipControls and GetPublicAccessBlock, which
 * answer NoSuchBucketPolicy, OwnershipControlsNotFoundError and NoSuchPublicAccessBlockConfiguration
 * for a bucket that never had it (docs/re-encryption.md, "Adopting an existing bucket").
 */
export const OPTIONAL_BUCKET_CONFIGURATIONS = ["policy", "ownershipControls", "publicAccessBlock"] as const;
export type OptionalBucketConfiguration = (typeof OPTIONAL_BUCKET_CONFIGURATIONS)[number];

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const principal = z.union([z.literal("*"), z.partialRecord(z.enum(["AWS", "Service", "Federated", "CanonicalUser"]), stringOrList)]);

/** One statement of an existing bucket policy to keep (as `npm run adopt:inspect` prints it). */
export const KeptPolicyStatementSchema = z
  .strictObject({
    // Optional to the parser only so that a missing Sid is reported on this field (the union of adopt
    // would otherwise report "must be true, false or an object"): the refinement below requires it.
    Sid: z
      .string({ error: "must be a string" })
      .regex(/^[A-Za-z0-9]{1,100}$/, { error: "a Sid is 1-100 letters and digits" })
      .optional(),
    Effect: z.enum(["Allow", "Deny"], { error: "must be Allow or Deny" }),
    Principal: principal.optional(),
    NotPrincipal: principal.optional(),
    Action: stringOrList.optional(),
    NotAction: stringOrList.optional(),
    Resource: stringOrList.optional(),
    NotResource: stringOrList.optional(),
    Condition: z.record(z.string(), z.record(z.string(), z.union([z.string(), z.boolean(), z.number(), z.array(z.string())]))).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.Sid === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["Sid"],
        input: undefined,
        message: "every kept statement needs a Sid (the inspector names unnamed ones Kept1, Kept2, ...)",
      });
  });

/** What the configuration says about an existing bucket (`buckets[].adopt` as an object). */
export const AdoptDetailsSchema = z.strictObject({
  existing: z
    .array(z.enum(OPTIONAL_BUCKET_CONFIGURATIONS, { error: `must be one of ${OPTIONAL_BUCKET_CONFIGURATIONS.join(", ")}` }))
    .default([])
    .refine((l) => new Set(l).size === l.length, { error: "must not list a configuration twice" })
    .describe(
      "The optional configurations the bucket has today (npm run adopt:inspect prints them): each is imported, so the plan shows how the first apply changes it. Those not listed are created, replacing whatever is there unseen: list every one the bucket has.",
    ),
  tags: Tags.default({}).describe(
    "The bucket's existing tags, kept: the bucket's tag set is replaced as a whole on apply (PutBucketTagging), so tags not named here or by the environment are removed. Keep this block after the first apply, or the next plan removes them.",
  ),
  keepPolicyStatements: z
    .array(KeptPolicyStatementSchema)
    .default([])
    .refine((l) => new Set(l.map((s) => s.Sid)).size === l.length, { error: "must not list the same Sid twice" })
    .describe(
      "Statements of the existing bucket policy to keep, merged after the blueprint's enforcement statements (PutBucketPolicy replaces the whole policy: any statement not listed is removed, as the plan shows when existing lists policy).",
    ),
});
/** The parsed adoption object (the schema refuses a kept statement without a Sid). */
export type AdoptDetails = z.output<typeof AdoptDetailsSchema>;

/** `buckets[].adopt`: `false`, `true` (import only what every bucket has) or the details of the existing bucket. */
export const AdoptSchema = z
  .union([z.boolean({ error: "must be true, false or an object" }), AdoptDetailsSchema])
  .default(false)
  .describe(
    "The bucket already exists: Terraform import blocks take it into state on the first apply instead of failing. true imports only what every bucket has (the bucket, its default encryption, its versioning state) and creates the bucket policy, ownership controls and public access block, replacing any the bucket has; an object names the optional configurations the bucket has (imported, so the plan shows their change), the tags to keep and the policy statements to keep (npm run adopt:inspect prints it). Existing objects are not re-encrypted (docs/re-encryption.md).",
  );

/** One encrypted bucket. Its Terraform address derives from its name. */
export const BucketSettingsSchema = z.strictObject({
  name: BucketName,
  versioning: z.boolean({ error: "must be true or false" }).default(true).describe("Keep every object version (required for replication)."),
  requireEncryptionHeader: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe(
      "Strict mode: deny PutObject without an explicit x-amz-server-side-encryption: aws:kms header. Uploads that rely on default encryption (aws s3 cp without --sse) then fail.",
    ),
  forceDestroy: z.boolean({ error: "must be true or false" }).default(false).describe("Let terraform destroy delete a non-empty bucket. Never in production."),
  adopt: AdoptSchema,
});

const uniqueArns = (list: readonly string[]) => new Set(list).size === list.length;

/**
 * Per-bucket key use (`buckets[].readers` / `buckets[].writers`): principals that may use the key
 * for THIS bucket only. Each list becomes one key-policy statement scoped by `kms:ViaService` and the
 * bucket's `kms:EncryptionContext:aws:s3:arn` (the bucket ARN with Bucket Keys, its object ARNs without).
 */
export const BucketAccessFields = {
  readers: z
    .array(BucketPrincipalArn)
    .default([])
    .refine(uniqueArns, { error: "must not list the same principal twice" })
    .describe("IAM roles/users of the environment's account that may decrypt this bucket's objects (kms:Decrypt through S3, for this bucket only)."),
  writers: z
    .array(BucketPrincipalArn)
    .default([])
    .refine(uniqueArns, { error: "must not list the same principal twice" })
    .describe(
      "IAM roles/users of the environment's account that may write (and read back) this bucket's objects (kms:GenerateDataKey and kms:Decrypt through S3, for this bucket only; multipart uploads need Decrypt).",
    ),
} as const;

/** A bucket of a blueprint whose key this stack owns or hands over: the settings plus per-bucket readers and writers. */
export const SseKmsBucketSettingsSchema = BucketSettingsSchema.extend(BucketAccessFields);

export type BucketSettings = z.output<typeof BucketSettingsSchema> & { readonly readers?: readonly string[]; readonly writers?: readonly string[] };
export type SseKmsBucketSettings = z.output<typeof SseKmsBucketSettingsSchema>;

/** A non-empty list of buckets with distinct names, each with its own readers and writers. */
export const BucketListSchema = z
  .array(SseKmsBucketSettingsSchema)
  .min(1, { error: "list at least one bucket" })
  .superRefine((buckets, ctx) => {
    const seen = new Set<string>();
    buckets.forEach((b, i) => {
      if (seen.has(b.name)) {
        ctx.addIssue({ code: "custom", path: [i, "name"], input: b.name, message: "duplicate bucket name" });
      }
      seen.add(b.name);
    });
  });

/**
 * The rules between key-level principals and per-bucket readers/writers of one blueprint
 * configuration (`{ key, buckets }`), for its schema's superRefine:
 *
 * - a key administrator is never a reader or writer (separation of duties: administrators get no
 *   cryptographic action, not even for one bucket);
 * - a key-level user is never a reader or writer: it already uses the key for every bucket, so a
 *   per-bucket entry would confine nothing (remove it from `key.users` to confine it);
 * - one principal is not both reader and writer of the same bucket: writers also get `kms:Decrypt`.
 */
export function checkBucketAccess(
  config: {
    readonly key: { readonly administrators?: readonly string[]; readonly users?: readonly string[] };
    readonly buckets: readonly { readonly readers?: readonly string[]; readonly writers?: readonly string[] }[];
  },
  ctx: z.RefinementCtx,
): void {
  const admins = new Set(config.key.administrators ?? []);
  const users = new Set(config.key.users ?? []);
  config.buckets.forEach((b, i) => {
    for (const field of ["readers", "writers"] as const) {
      (b[field] ?? []).forEach((arn, j) => {
        if (admins.has(arn)) {
          ctx.addIssue({
            code: "custom",
            path: ["buckets", i, field, j],
            input: arn,
            message: `separation of duties: ${arn} is a key administrator, and administrators get no cryptographic action; use a different principal for ${field === "readers" ? "reading" : "writing"}`,
          });
        } else if (users.has(arn)) {
          ctx.addIssue({
            code: "custom",
            path: ["buckets", i, field, j],
            input: arn,
            message: `${arn} is a key-level user (key.users), which already uses the key for every bucket: remove it from key.users to confine it to this bucket, or from ${field}`,
          });
        }
      });
    }
    const writers = new Set(b.writers ?? []);
    (b.readers ?? []).forEach((arn, j) => {
      if (writers.has(arn)) {
        ctx.addIssue({
          code: "custom",
          path: ["buckets", i, "readers", j],
          input: arn,
          message: `${arn} is both reader and writer of this bucket: writers also get kms:Decrypt, so list it in writers only`,
        });
      }
    });
  });
}
