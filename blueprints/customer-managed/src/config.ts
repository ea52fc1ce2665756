import { BucketListSchema, ExistingKeySchema, KeySettingsSchema, type NameClaim, checkBucketAccess, keyAndBucketClaims } from "@sse-kms/config";
import { z } from "zod";

/**
 * `blueprints.customer-managed`: a customer managed key, its alias, and the buckets encrypted with
 * it; or, with `key: { "existingKeyArn": ... }`, the buckets under a key made elsewhere (no key or
 * alias is created; the key's owner adds the statements of the generated hand-over).
 */
export const CustomerManagedConfigSchema = z
  .strictObject({
    key: z
      .union([KeySettingsSchema, ExistingKeySchema])
      .describe("The key to create (name, alias, policy settings), or { existingKeyArn, users } for a key this stack does not own."),
    buckets: BucketListSchema,
  })
  .superRefine(checkBucketAccess);
export type CustomerManagedConfig = z.output<typeof CustomerManagedConfigSchema>;
export type CustomerManagedConfigInput = z.input<typeof CustomerManagedConfigSchema>;

/** The alias (of a key this stack creates) and the bucket names, unique beyond this configuration. */
export const customerManagedClaims: (config: CustomerManagedConfig) => NameClaim[] = keyAndBucketClaims;
