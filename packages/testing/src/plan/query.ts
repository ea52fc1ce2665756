import {
  type ActionKind,
  type Change,
  type ChangeActions,
  type PlannedModule,
  type PlannedResource,
  type ResourceChange,
  type ResourceMode,
  type TerraformPlan,
} from "./model";

/** Every {@link ActionKind}, in a stable order (useful for counting). */
export const ACTION_KINDS: readonly ActionKind[] = ["create", "read", "update", "replace", "delete", "forget", "no-op"];

/**
 * What a change does. Both replace orders (`["delete","create"]`, `["create","delete"]`) and
 * `["create","forget"]` (a new object is created, the old one is dropped from state) are `"replace"`;
 * use {@link replaceOrder} to tell them apart. Accepts a change, a resource change, or an action list.
 */
export function actionOf(change: Change | ResourceChange | ChangeActions): ActionKind {
  const actions = Array.isArray(change) ? (change as ChangeActions) : "change" in change ? change.change.actions : (change as Change).actions;
  if (actions.length === 2) return "replace";
  return actions[0];
}

/**
 * For a replace: `"delete-first"` (Terraform's default), `"create-first"` (create_before_destroy),
 * or `"create-then-forget"`. `undefined` for anything that is not a replace.
 */
export function replaceOrder(change: Change | ResourceChange): "delete-first" | "create-first" | "create-then-forget" | undefined {
  const actions = "change" in change ? change.change.actions : change.actions;
  if (actions.length !== 2) return undefined;
  if (actions[0] === "delete") return "delete-first";
  return actions[1] === "delete" ? "create-first" : "create-then-forget";
}

/** Criteria for {@link findChanges}; every given criterion must match. */
export interface ChangeFilter {
  /** Resource type(s), e.g. `"aws_kms_key"`. */
  readonly type?: string | readonly string[];
  /** Exact address (e.g. `aws_s3_bucket.data`, `module.project1.aws_kms_key.test`) or a pattern. */
  readonly address?: string | RegExp;
  /** Action kind(s) as returned by {@link actionOf}. */
  readonly action?: ActionKind | readonly ActionKind[];
  readonly mode?: ResourceMode;
  /** Module address (`"module.project1"`); `null` for resources of the root module only. */
  readonly module?: string | null;
  /** Search `resource_changes` (default) or `resource_drift`. */
  readonly from?: "changes" | "drift";
}

function oneOf<T>(want: T | readonly T[] | undefined, got: T): boolean {
  if (want === undefined) return true;
  return Array.isArray(want) ? (want as readonly T[]).includes(got) : want === got;
}

/** The resource changes (or drift entries) matching `filter`, in plan order. */
export function findChanges(plan: TerraformPlan, filter: ChangeFilter = {}): ResourceChange[] {
  const list = filter.from === "drift" ? plan.resource_drift : plan.resource_changes;
  return list.filter(
    (rc) =>
      oneOf(filter.type, rc.type) &&
      oneOf(filter.action, actionOf(rc)) &&
      (filter.mode === undefined || filter.mode === rc.mode) &&
      (filter.module === undefined || (filter.module ?? undefined) === rc.module_address) &&
      (filter.address === undefined || (typeof filter.address === "string" ? filter.address === rc.address : filter.address.test(rc.address))),
  );
}

/** The resource change at exactly `address`, or `undefined`. */
export function findChange(plan: TerraformPlan, address: string): ResourceChange | undefined {
  return plan.resource_changes.find((rc) => rc.address === address);
}

/** How many resource changes have each action kind (every kind is present, possibly 0). */
export function countActions(plan: TerraformPlan): Record<ActionKind, number> {
  const counts = Object.fromEntries(ACTION_KINDS.map((k) => [k, 0])) as Record<ActionKind, number>;
  for (const rc of plan.resource_changes) counts[actionOf(rc)] += 1;
  return counts;
}

/** A planned resource together with the address of the module it is in (`undefined` for root). */
export interface ModuleResource extends PlannedResource {
  readonly module_address?: string;
}

/**
 * All resources of `planned_values` (root module first, then child modules depth-first, in file
 * order), each tagged with its module address. Empty when the plan has no planned_values.
 */
export function plannedResources(plan: TerraformPlan): ModuleResource[] {
  const out: ModuleResource[] = [];
  const visit = (mod: PlannedModule): void => {
    for (const r of mod.resources) out.push(mod.address === undefined ? { ...r } : { ...r, module_address: mod.address });
    mod.child_modules.forEach(visit);
  };
  if (plan.planned_values) visit(plan.planned_values.root_module);
  return out;
}
