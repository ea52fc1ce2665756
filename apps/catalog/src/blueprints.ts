/**
 * The blueprints environments can enable: one line each. `nx g @sse-kms/workspace-plugin:blueprint`
 * adds the line of a fork; everything else about a blueprint lives in its folder.
 */
export { blueprint as crossAccountReplication } from "@sse-kms/blueprint-cross-account-replication";
export { blueprint as customerManaged } from "@sse-kms/blueprint-customer-managed";
export { blueprint as importedMaterial } from "@sse-kms/blueprint-imported-material";
