/**
 * The little schema knowledge {@link predictPlan} needs, without the provider schema itself.
 *
 * Terraform's JSON configuration syntax (cdk.tf.json) writes a nested block and a map attribute the
 * same way, as a JSON object, and the plan shows them differently (a block is a list of objects, a
 * map stays an object). So attributes of map type have to be known by name. The names below cover
 * every map attribute of the AWS resource types this repository uses (checked against the
 * `@cdktf/provider-aws` bindings by `schema-hints.test.ts`) plus a few common ones elsewhere.
 */

/** Attribute names whose object value is a MAP (kept as an object), not a nested block. */
export const MAP_ATTRIBUTES: ReadonlySet<string> = new Set([
  "tags",
  "tags_all",
  "default_tags",
  "encryption_context_equals", // aws_kms_grant constraints
  "encryption_context_subset", // aws_kms_grant constraints
  "context", // aws_kms_ciphertext
  "metadata", // aws_s3_object
  "variables", // aws_lambda_function environment
  "triggers", // null_resource
  "keepers", // random_*
]);

/**
 * Nested blocks that Terraform shows as a single OBJECT rather than a list: the SDK's special
 * `timeouts` block (a struct block in the cdktf bindings).
 */
export const OBJECT_BLOCKS: ReadonlySet<string> = new Set(["timeouts"]);

/**
 * Attributes that are computed, or optional-and-computed, and so are unknown in a create plan when
 * the configuration does not set them. Taken from AWS provider 6.x schemas and from real plans
 * (see packages/testing/fixtures/terraform-plans). Types not listed get `id` only.
 */
export const COMPUTED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_kms_key: ["arn", "id", "key_id", "multi_region", "policy", "tags_all"],
  aws_kms_external_key: ["arn", "expiration_model", "id", "key_state", "key_usage", "multi_region", "policy", "tags_all"],
  aws_kms_alias: ["arn", "id", "name", "name_prefix", "target_key_arn"],
  aws_s3_bucket: [
    "acceleration_status",
    "acl",
    "arn",
    "bucket",
    "bucket_domain_name",
    "bucket_region",
    "bucket_regional_domain_name",
    "hosted_zone_id",
    "id",
    "object_lock_enabled",
    "policy",
    "request_payer",
    "tags_all",
    "website_domain",
    "website_endpoint",
    // Legacy inline blocks: optional+computed since the standalone aws_s3_bucket_* resources exist.
    "cors_rule",
    "grant",
    "lifecycle_rule",
    "logging",
    "object_lock_configuration",
    "replication_configuration",
    "server_side_encryption_configuration",
    "versioning",
    "website",
  ],
  aws_s3_bucket_server_side_encryption_configuration: ["id"],
  aws_s3_bucket_versioning: ["id"],
  aws_s3_bucket_public_access_block: ["id"],
  aws_s3_bucket_ownership_controls: ["id"],
  aws_s3_bucket_policy: ["id"],
  aws_s3_bucket_logging: ["id"],
  aws_s3_bucket_lifecycle_configuration: ["id"],
  aws_s3_bucket_object_lock_configuration: ["id"],
  aws_s3_bucket_replication_configuration: ["id"],
  aws_iam_role: ["arn", "create_date", "id", "managed_policy_arns", "name", "name_prefix", "tags_all", "unique_id"],
  aws_iam_role_policy: ["id", "name", "name_prefix"],
  aws_iam_role_policy_attachment: ["id"],
};

/** Computed attributes of data sources, read during apply when the plan cannot read them earlier. */
export const COMPUTED_DATA_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_policy_document: ["id", "json", "minified_json"],
  aws_caller_identity: ["account_id", "arn", "id", "user_id"],
  aws_partition: ["dns_suffix", "id", "partition", "reverse_dns_prefix"],
  aws_region: ["description", "endpoint", "id", "name"],
};

/** The computed attributes for a resource type (`["id"]` when the type is not in the table). */
export function computedAttributes(mode: "managed" | "data", type: string): readonly string[] {
  const table = mode === "managed" ? COMPUTED_ATTRIBUTES : COMPUTED_DATA_ATTRIBUTES;
  return table[type] ?? ["id"];
}
