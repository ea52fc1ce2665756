/**
 * The rule pack: one file per rule under this folder, and one line per file in this list.
 * ALL_RULES (../all-rules.ts) is every GuardrailRule these files export, in rule-id order, so
 * adding a rule is its file plus its line here; `npm run refresh` regenerates the README's table.
 */
export * from "./iam-no-wildcard-permissions";
export * from "./kms-admin-no-crypto";
export * from "./kms-deletion-window";
export * from "./kms-key-policy-defined";
export * from "./kms-no-full-access";
export * from "./kms-no-key-material-in-config";
export * from "./kms-no-wildcard-principal";
export * from "./kms-rotation-enabled";
export * from "./kms-symmetric-key-spec";
export * from "./kms-use-via-s3-only";
export * from "./provider-allowed-account-ids";
export * from "./s3-bucket-owner-enforced";
export * from "./s3-public-access-block";
export * from "./s3-sse-kms-customer-key";
export * from "./s3-tls-only";
export * from "./s3-versioning-for-replication";
export * from "./service-principal-documented-conditions";
export * from "./sns-topic-customer-key";
export * from "./sns-topic-key-use-scoped";
export * from "./sns-topic-publish-scoped";
export * from "./stack-references-in-stack";
export * from "./state-no-force-destroy";
export * from "./state-prevent-destroy";
