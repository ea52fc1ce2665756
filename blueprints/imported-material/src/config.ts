import { BucketListSchema, KeySettingsFields, type NameClaim, checkBucketAccess, checkKeySettings, keyAndBucketClaims } from "@sse-kms/config";
import { z } from "zod";

/** ISO-8601 timestamp with a time zone, e.g. 2027-12-31T23:59:59Z. */
const IsoTimestamp = z.iso.datetime({ offset: true, error: "must be an ISO-8601 timestamp with a time zone, e.g. 2027-12-31T23:59:59Z" });

/** How imported key material reaches KMS. */
export const KeyMaterialSettingsSchema = z.strictObject({
  importThroughTerraform: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe(
      "Opt-in: pass the material through Terraform (sensitive variable key_material_base64). The plaintext material then lands in Terraform state. Default false: the ceremony CLI imports it out of band.",
    ),
  validTo: IsoTimestamp.optional().describe(
    "Expiry of imported material. Every object encrypted under the key becomes unreadable when it lapses. Default: the material does not expire.",
  ),
});

/** `blueprints.imported-material`: an EXTERNAL-origin key (BYOK), material imported by the ceremony CLI. */
export const ImportedMaterialConfigSchema = z
  .strictObject({
    key: KeySettingsFields.omit({ rotationPeriodInDays: true }).superRefine(checkKeySettings),
    keyMaterial: KeyMaterialSettingsSchema.default({ importThroughTerraform: false }),
    buckets: BucketListSchema,
  })
  .superRefine(checkBucketAccess);
export type ImportedMaterialConfig = z.output<typeof ImportedMaterialConfigSchema>;
export type ImportedMaterialConfigInput = z.input<typeof ImportedMaterialConfigSchema>;

/** The alias and the bucket names, unique beyond this configuration. */
export const importedMaterialClaims: (config: ImportedMaterialConfig) => NameClaim[] = keyAndBucketClaims;
