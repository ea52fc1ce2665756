import { BucketListSchema, KeySettingsSchema, type NameClaim, keyAndBucketClaims } from "@sse-kms/config";
import { z } from "zod";

/** `blueprints.customer-managed`: a customer managed key, its alias, and the buckets encrypted with it. */
export const CustomerManagedConfigSchema = z.strictObject({
  key: KeySettingsSchema,
  buckets: BucketListSchema,
});
export type CustomerManagedConfig = z.output<typeof CustomerManagedConfigSchema>;
export type CustomerManagedConfigInput = z.input<typeof CustomerManagedConfigSchema>;

/** The alias and the bucket names, unique beyond this configuration. */
export const customerManagedClaims: (config: CustomerManagedConfig) => NameClaim[] = keyAndBucketClaims;
