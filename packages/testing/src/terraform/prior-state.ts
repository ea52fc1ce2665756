import { isJsonObject, type JsonObject } from "../plan/json";
import type { TerraformPlan } from "../plan/model";

const IDENTIFIER = /^(id|arn)$|_(id|arn)$/;

/**
 * A Terraform state (format 4) holding what a real create-from-empty plan of the PREVIOUS
 * configuration would have created, for the listed addresses: each object's attributes are the
 * plan's `after` values, and every identifier (`id`, `arn`, `*_id`, `*_arn`) the plan leaves
 * unknown until apply gets a placeholder (`<address>:<attribute>`), as an apply would fill it;
 * other unknown values stay null. Planning the NEXT configuration against it with
 * `-refresh=false` shows what Terraform does to those objects (a rename without a `moved` block
 * is a destroy).
 */
export function priorStateFromPlan(plan: TerraformPlan, addresses: readonly string[]): string {
  return stateDocument(priorStateResources(plan, addresses), plan.terraform_version);
}

/**
 * The state entries of {@link priorStateFromPlan}; `module` puts them in that module of the state
 * (e.g. `module.x`, with the provider configured there). @default the root module
 */
export function priorStateResources(plan: TerraformPlan, addresses: readonly string[], module?: string): unknown[] {
  const resources = addresses.map((address) => {
    const rc = plan.resource_changes.find((c) => c.address === address && c.change.actions[0] === "create");
    if (rc === undefined)
      throw new Error(
        `priorStateFromPlan: the plan (${plan.source}) creates no ${address}; it creates ${plan.resource_changes
          .filter((c) => c.change.actions[0] === "create")
          .map((c) => c.address)
          .join(", ")}`,
      );
    const after = isJsonObject(rc.change.after) ? rc.change.after : {};
    const unknown = isJsonObject(rc.change.after_unknown) ? rc.change.after_unknown : {};
    const attributes: Record<string, JsonObject[string]> = { ...after };
    for (const [key, flag] of Object.entries(unknown))
      if (flag === true && attributes[key] === undefined && IDENTIFIER.test(key)) attributes[key] = `${address}:${key}`;
    return {
      ...(module === undefined ? {} : { module }),
      mode: "managed",
      type: rc.type,
      name: rc.name,
      provider: `${module === undefined ? "" : `${module}.`}provider["${rc.provider_name}"]`,
      instances: [{ schema_version: 0, attributes }],
    };
  });
  return resources;
}

/** A state document (format 4) of `resources` (state entries as `priorStateFromPlan` builds them). */
export function stateDocument(resources: readonly unknown[], terraformVersion = "1.10.0"): string {
  const state = { version: 4, terraform_version: terraformVersion, serial: 1, lineage: "5e5e5e5e-0000-4000-8000-000000000000", outputs: {}, resources };
  return `${JSON.stringify(state, null, 2)}\n`;
}
