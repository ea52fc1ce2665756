import { type JsonObject, type JsonValue } from "./json";

/**
 * Typed model of Terraform's machine-readable plan, the output of `terraform show -json <planfile>`,
 * for plan `format_version` 0.x (Terraform 0.12 to 1.0) and 1.x (Terraform 1.1 and later; 1.2 is
 * the newest seen). Field names are Terraform's own (snake_case), so Terraform's documentation of
 * the JSON output format applies as is.
 *
 * The reader validates the parts modelled here and keeps everything else in {@link TerraformPlan.raw}.
 * Absent lists are normalized to `[]` and absent maps to `{}` where noted; values the file does not
 * carry (for example `before_sensitive` before Terraform 0.15) stay `undefined`.
 */

/** One action string as it appears in `change.actions`. */
export type PlanActionName = "no-op" | "create" | "read" | "update" | "delete" | "forget";

/**
 * The action list of a change. Terraform writes exactly one of these:
 * a single action, a replace as `["delete","create"]` (destroy before create, the default) or
 * `["create","delete"]` (create_before_destroy), or `["create","forget"]` (Terraform 1.7+: the new
 * object is created and the old one is only dropped from state).
 */
export type ChangeActions =
  | readonly ["no-op"]
  | readonly ["create"]
  | readonly ["read"]
  | readonly ["update"]
  | readonly ["delete"]
  | readonly ["forget"]
  | readonly ["delete", "create"]
  | readonly ["create", "delete"]
  | readonly ["create", "forget"];

/** What a change does, with both replace orders folded into `"replace"`. See {@link actionOf}. */
export type ActionKind = "create" | "update" | "delete" | "replace" | "no-op" | "read" | "forget";

/** `managed` for `resource` blocks, `data` for data sources. */
export type ResourceMode = "managed" | "data";

/** The `change` object of a resource change (or of an output change). */
export interface Change {
  readonly actions: ChangeActions;
  /** The prior value; `null` when the object does not exist yet (create, read). */
  readonly before: JsonValue;
  /**
   * The planned value; `null` for delete. Values unknown until apply are ABSENT here (inside lists they
   * are `null`, to keep positions) and marked `true` in {@link Change.after_unknown}.
   */
  readonly after: JsonValue;
  /** Mirrors `after`: `true` where the value is unknown until apply. `undefined` if the file has none. */
  readonly after_unknown?: JsonValue;
  /** `false`, or a structure mirroring `before` with `true` where sensitive. Absent before Terraform 0.15. */
  readonly before_sensitive?: JsonValue;
  /** `false`, or a structure mirroring `after` with `true` where sensitive. Absent before Terraform 0.15. */
  readonly after_sensitive?: JsonValue;
  /** Attribute paths that force the replacement (Terraform 1.x, replace only). */
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  /** Present when the change imports an existing object (Terraform 1.5+). */
  readonly importing?: JsonObject;
  /** HCL generated for an imported resource (Terraform 1.5+). */
  readonly generated_config?: string;
}

/** One entry of `resource_changes` (or `resource_drift`). */
export interface ResourceChange {
  /** Full address including module path and index, e.g. `module.poc.aws_iam_role.r6["p1"]`. */
  readonly address: string;
  /** e.g. `module.project1`; `undefined` for the root module. */
  readonly module_address?: string;
  readonly mode: ResourceMode;
  readonly type: string;
  readonly name: string;
  /** `count` index (number) or `for_each` key (string); `undefined` for a single instance. */
  readonly index?: string | number;
  /** e.g. `registry.terraform.io/hashicorp/aws`, or just `aws` in Terraform 0.12 plans. Never shows an alias. */
  readonly provider_name: string;
  /** Set when a deposed object (left over by create_before_destroy) is affected. */
  readonly deposed?: string;
  /** The address before a `moved` block (Terraform 1.1+). */
  readonly previous_address?: string;
  readonly change: Change;
  /** e.g. `replace_because_tainted`, `delete_because_no_resource_config`, `read_because_config_unknown`. */
  readonly action_reason?: string;
}

/** A resource in `planned_values` or `prior_state`. */
export interface PlannedResource {
  readonly address: string;
  readonly mode: ResourceMode;
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly provider_name: string;
  readonly schema_version?: number;
  /** Attribute values. Unknown values are absent. */
  readonly values: JsonObject;
  /** Mirrors `values` with `true` where sensitive (format 0.2+). */
  readonly sensitive_values?: JsonValue;
  readonly depends_on?: readonly string[];
  readonly tainted?: boolean;
  readonly deposed_key?: string;
}

/** A module in `planned_values` or `prior_state.values`. Absent lists are normalized to `[]`. */
export interface PlannedModule {
  /** `undefined` for the root module, e.g. `module.project1` for a child. */
  readonly address?: string;
  readonly resources: readonly PlannedResource[];
  readonly child_modules: readonly PlannedModule[];
}

/** A planned output value. */
export interface PlannedOutput {
  readonly sensitive: boolean;
  /** Absent when unknown until apply. */
  readonly value?: JsonValue;
  readonly type?: JsonValue;
}

/** `planned_values`, or the `values` of `prior_state`. */
export interface PlanValues {
  /** Normalized to `{}` when absent. */
  readonly outputs: Readonly<Record<string, PlannedOutput>>;
  readonly root_module: PlannedModule;
}

/** `prior_state`: the state Terraform refreshed before planning. Its `format_version` is the STATE format. */
export interface PriorState {
  readonly format_version: string;
  readonly terraform_version?: string;
  /** `undefined` when the state is empty. */
  readonly values?: PlanValues;
}

/** An input variable's value. */
export interface PlanVariable {
  readonly value: JsonValue;
}

/** A parsed plan, as returned by {@link parsePlan} and {@link readPlanFile}. */
export interface TerraformPlan {
  /** Where the plan came from (the file path or the label given to {@link parsePlan}). */
  readonly source: string;
  /** Plan format, e.g. `"0.1"`, `"1.2"`. */
  readonly format_version: string;
  /** e.g. `"1.5.7"`. */
  readonly terraform_version?: string;
  /** Normalized to `{}` when absent. */
  readonly variables: Readonly<Record<string, PlanVariable>>;
  readonly planned_values?: PlanValues;
  /** Normalized to `[]` when absent (Terraform omits it when nothing changes). */
  readonly resource_changes: readonly ResourceChange[];
  /** Changes made outside Terraform since the last apply (format 0.2+/1.x). Normalized to `[]`. */
  readonly resource_drift: readonly ResourceChange[];
  /** Normalized to `{}` when absent. */
  readonly output_changes: Readonly<Record<string, Change>>;
  readonly prior_state?: PriorState;
  /** The configuration section, unvalidated. */
  readonly configuration?: JsonObject;
  /** Terraform 1.2+: RFC 3339 in real plans, but not validated (some test data has `"123"`). */
  readonly timestamp?: string;
  /** Terraform 1.8+. */
  readonly complete?: boolean;
  readonly errored?: boolean;
  /** The whole document as parsed, including keys this model does not cover. */
  readonly raw: JsonObject;
}
