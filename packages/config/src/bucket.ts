import { z } from "zod";
import { BucketName } from "./primitives";

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
  adopt: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe(
      "The bucket already exists: Terraform import blocks take it and the sub-resources the blueprint manages (versioning, SSE-KMS default encryption, public access block, ownership controls, bucket policy) into state on the first apply instead of failing. Existing objects are not re-encrypted (docs/re-encryption.md). Remove the field once that apply is done.",
    ),
});

export type BucketSettings = z.output<typeof BucketSettingsSchema>;

/** A non-empty list of buckets with distinct names. */
export const BucketListSchema = z
  .array(BucketSettingsSchema)
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
