import { type BlueprintName, type EnvironmentConfig, enabledBlueprints } from "@sse-kms/config";
import { CrossAccountReplicationBlueprint } from "@sse-kms/blueprint-cross-account-replication";
import { CustomerManagedKeyBlueprint } from "@sse-kms/blueprint-customer-managed";
import { ImportedMaterialBlueprint } from "@sse-kms/blueprint-imported-material";
import { EnvironmentStack } from "@sse-kms/stack";
import type { Construct } from "constructs";

/** Builds one blueprint's constructs into its stack (configured from the stack's environment). */
export type BlueprintBuilder = (stack: EnvironmentStack) => unknown;

/** Every blueprint the apps can enable, by the name used in `environment.json` and stack names. */
export const BLUEPRINTS: Readonly<Record<BlueprintName, BlueprintBuilder>> = {
  "customer-managed": (stack) => CustomerManagedKeyBlueprint.forStack(stack),
  "imported-material": (stack) => ImportedMaterialBlueprint.forStack(stack),
  "cross-account-replication": (stack) => CrossAccountReplicationBlueprint.forStack(stack),
};

/** One stack per enabled blueprint of an environment, named `<env>-<blueprint>`. */
export function buildEnvironment(scope: Construct, env: EnvironmentConfig): EnvironmentStack[] {
  return enabledBlueprints(env).map((blueprint) => {
    const stack = new EnvironmentStack(scope, { env, blueprint });
    BLUEPRINTS[blueprint](stack);
    return stack;
  });
}
