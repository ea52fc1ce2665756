import { type BlueprintName, type EnvironmentConfig, enabledBlueprints } from "@sse-kms/config";
import { CrossAccountReplicationBlueprint } from "@sse-kms/blueprint-cross-account-replication";
import { CustomerManagedKeyBlueprint } from "@sse-kms/blueprint-customer-managed";
import { ImportedMaterialBlueprint } from "@sse-kms/blueprint-imported-material";
import { EnvironmentStack } from "@sse-kms/stack";
import type { Construct } from "constructs";

/** Builds one blueprint's constructs into its stack. */
export type BlueprintBuilder = (stack: EnvironmentStack, env: EnvironmentConfig) => void;

/** Every blueprint the apps can enable, by the name used in `environment.json` and stack names. */
export const BLUEPRINTS: Partial<Record<BlueprintName, BlueprintBuilder>> = {
  "customer-managed": (stack, env) => {
    const config = env.blueprints["customer-managed"];
    if (!config) return;
    new CustomerManagedKeyBlueprint(stack, "customer-managed", {
      account: env.account,
      region: env.region,
      config,
      preventDestroy: stack.preventDestroy,
    });
  },
  "imported-material": (stack, env) => {
    const config = env.blueprints["imported-material"];
    if (!config) return;
    new ImportedMaterialBlueprint(stack, "imported-material", {
      account: env.account,
      region: env.region,
      config,
      preventDestroy: stack.preventDestroy,
    });
  },
  "cross-account-replication": (stack, env) => {
    const config = env.blueprints["cross-account-replication"];
    if (!config) return;
    new CrossAccountReplicationBlueprint(stack, "cross-account-replication", {
      environmentName: env.name,
      account: env.account,
      region: env.region,
      config,
      preventDestroy: stack.preventDestroy,
      destinationTags: { ...env.tags, "sse-kms-blueprints:stack": stack.node.id },
    });
  },
};

/** One stack per enabled blueprint of an environment, named `<env>-<blueprint>`. */
export function buildEnvironment(scope: Construct, env: EnvironmentConfig): EnvironmentStack[] {
  return enabledBlueprints(env).map((blueprint) => {
    const build = BLUEPRINTS[blueprint];
    if (!build) throw new Error(`environment ${env.name}: blueprint ${blueprint} is not available in this build`);
    const stack = new EnvironmentStack(scope, { env, blueprint });
    build(stack, env);
    return stack;
  });
}
