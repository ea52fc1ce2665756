import { isJsonObject, type JsonObject } from "./json";
import { type PredictInput, type PredictOptions, predictPlanDocument } from "./predict";
import { parsePlan } from "./read";
import { type TerraformPlan } from "./model";

/** Note added to every plan predicted against prior addresses. */
export const AGAINST_STATE_NOTE =
  "Predicted against a list of addresses assumed to exist in state (e.g. stateful-resources.lock.json): an address no longer configured and not the `from` of a moved block is planned as delete; an address still configured is planned as no-op (attribute changes are not predicted); a moved address carries previous_address.";

/**
 * PREDICTS the plan of a stack against a prior state that holds `priorAddresses` (for example the
 * committed lock of key and bucket addresses), in Terraform's plan JSON format:
 * - a prior address that the configuration no longer has, and that no `moved` block maps to a new
 *   address, becomes `["delete"]`: what `terraform plan` would do after a rename or removal;
 * - a prior address that is still configured becomes `["no-op"]` (attribute changes are not predicted);
 * - the `to` of a `moved` block from a prior address becomes `["no-op"]` with `previous_address`;
 * - everything else stays `["create"]`.
 * So `toPlanNoDestroy` can fail offline, before any Terraform runs. Still a prediction.
 */
export function predictPlanAgainst(input: PredictInput, priorAddresses: readonly string[], options: PredictOptions = {}): TerraformPlan {
  const doc = predictPlanDocument(input, options);
  const config = typeof input === "string" ? (JSON.parse(input) as unknown) : input;
  const moved = new Map<string, string>();
  const movedList = isJsonObject(config) && Array.isArray(config.moved) ? config.moved : [];
  for (const m of movedList) if (isJsonObject(m) && typeof m.from === "string" && typeof m.to === "string") moved.set(m.to, m.from);

  const prior = new Set(priorAddresses);
  const changes: JsonObject[] = (doc.resource_changes as JsonObject[]).map((rc): JsonObject => {
    const address = String(rc.address);
    const from = moved.get(address);
    if (prior.has(address) || (from !== undefined && prior.has(from))) {
      const change = rc.change as JsonObject;
      return {
        ...rc,
        ...(from !== undefined && prior.has(from) ? { previous_address: from } : {}),
        change: { ...change, actions: ["no-op"], before: change.after ?? null },
      };
    }
    return rc;
  });
  const kept = new Set(changes.map((rc) => String(rc.address)));
  const movedFrom = new Set([...moved.entries()].filter(([to]) => kept.has(to)).map(([, from]) => from));
  for (const address of [...prior].sort()) {
    if (kept.has(address) || movedFrom.has(address)) continue;
    const dot = address.indexOf(".");
    changes.push({
      address,
      mode: "managed",
      type: address.slice(0, dot),
      name: address.slice(dot + 1),
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: { actions: ["delete"], before: {}, after: null, after_unknown: {} },
      action_reason: "delete_because_no_resource_config",
    });
  }
  const notes = Array.isArray(doc.prediction_notes) ? doc.prediction_notes : [];
  return parsePlan({ ...doc, resource_changes: changes, prediction_notes: [...notes, AGAINST_STATE_NOTE] }, options.source ?? "predicted plan against prior addresses");
}
