import { readFileSync } from "node:fs";
import { PlanFormatError } from "./errors";
import { isJsonObject, show, type JsonObject, type JsonValue } from "./json";
import {
  type Change,
  type ChangeActions,
  type PlanValues,
  type PlannedModule,
  type PlannedOutput,
  type PlannedResource,
  type PlanVariable,
  type PriorState,
  type ResourceChange,
  type ResourceMode,
  type TerraformPlan,
} from "./model";

/**
 * Plan format major versions this reader accepts. Terraform's documentation of the JSON output
 * says minor version bumps are backward compatible (only additive), so every `1.x` is read, and
 * unknown keys are kept in `raw`. Major 0 covers `0.1` (Terraform 0.12 to 1.0.x) and `0.2`
 * (Terraform 1.0.x); `0.0` was never written by Terraform and is rejected. A new major version
 * would be breaking, so `2.0` and later are rejected.
 */
export const SUPPORTED_FORMAT_MAJORS: readonly number[] = [0, 1];

const SINGLE_ACTIONS: ReadonlySet<string> = new Set(["no-op", "create", "read", "update", "delete", "forget"]);
const PAIR_ACTIONS: readonly string[] = ["delete,create", "create,delete", "create,forget"];

/**
 * Reads and validates a `terraform show -json <planfile>` document from disk.
 * @throws PlanFormatError when the file is not a plan this package understands (the message names the file).
 * @throws the `fs` error when the file cannot be read.
 */
export function readPlanFile(path: string): TerraformPlan {
  return parsePlan(readFileSync(path, "utf8"), path);
}

/**
 * Validates a plan document and returns the typed model.
 * @param json the JSON text, or an already parsed value (e.g. the result of `JSON.parse`).
 * @param source a label for error messages, usually the file path.
 * @throws PlanFormatError naming `source` and the problem.
 */
export function parsePlan(json: unknown, source = "<plan>"): TerraformPlan {
  const fail = (problem: string): never => {
    throw new PlanFormatError(source, problem);
  };
  let doc: unknown = json;
  if (typeof json === "string") {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      fail(`not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!isJsonObject(doc)) fail(`not a JSON object (got ${kindOf(doc)}); expected the output of terraform show -json <planfile>`);
  const root = doc as JsonObject;
  checkFormatVersion(root, fail);
  if (!("resource_changes" in root) && !("planned_values" in root)) {
    fail(
      "values" in root
        ? `a state document (terraform show -json without a plan file), not a plan: it has "values" but neither "planned_values" nor "resource_changes"`
        : `not a plan: it has neither "planned_values" nor "resource_changes"`,
    );
  }
  const v = new Validator(fail);
  return dropUndefined({
    source,
    format_version: root.format_version as string,
    terraform_version: v.optString(root.terraform_version, "terraform_version"),
    variables: v.variables(root.variables),
    planned_values: root.planned_values === undefined ? undefined : v.values(root.planned_values, "planned_values"),
    resource_changes: v.changeList(root.resource_changes, "resource_changes"),
    resource_drift: v.changeList(root.resource_drift, "resource_drift"),
    output_changes: v.outputChanges(root.output_changes),
    prior_state: root.prior_state === undefined ? undefined : v.priorState(root.prior_state),
    configuration: v.optObject(root.configuration, "configuration"),
    timestamp: v.optString(root.timestamp, "timestamp"),
    complete: v.optBoolean(root.complete, "complete"),
    errored: v.optBoolean(root.errored, "errored"),
    raw: root,
  });
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Removes keys whose value is `undefined`, so a parsed model deep-equals the JSON it came from. */
function dropUndefined<T extends object>(o: T): T {
  for (const key of Object.keys(o) as (keyof T)[]) if (o[key] === undefined) delete o[key];
  return o;
}

function checkFormatVersion(root: JsonObject, fail: (problem: string) => never): void {
  const fv = root.format_version;
  if (fv === undefined) {
    fail(
      "resource" in root || "terraform" in root
        ? "missing format_version: this looks like Terraform configuration (e.g. cdk.tf.json), not a plan; plan it with terraform (the real-Terraform tier, TerraformSession) and read terraform show -json"
        : "missing format_version; expected the output of terraform show -json <planfile>",
    );
  }
  if (typeof fv !== "string") fail(`format_version must be a string like "1.2", got ${show(fv)}`);
  const m = /^(\d+)\.(\d+)$/.exec(fv as string);
  if (!m) fail(`malformed format_version ${show(fv)}: expected "<major>.<minor>" such as "1.2"`);
  const major = Number(m![1]);
  const minor = Number(m![2]);
  if (!SUPPORTED_FORMAT_MAJORS.includes(major) || (major === 0 && minor === 0)) {
    fail(`unsupported format_version ${show(fv)}: this reader understands plan formats 0.1 to 1.x (Terraform 0.12 and later)`);
  }
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** Structural validation with messages that carry the JSON path of the problem. */
class Validator {
  constructor(private readonly fail: (problem: string) => never) {}

  optString(value: JsonValue | undefined, at: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    return this.string(value, at);
  }

  string(value: JsonValue | undefined, at: string): string {
    if (typeof value !== "string") this.fail(`${at} must be a string, got ${show(value)}`);
    return value as string;
  }

  optBoolean(value: JsonValue | undefined, at: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") this.fail(`${at} must be a boolean, got ${show(value)}`);
    return value as boolean;
  }

  optObject(value: JsonValue | undefined, at: string): JsonObject | undefined {
    if (value === undefined || value === null) return undefined;
    return this.object(value, at);
  }

  object(value: JsonValue | undefined, at: string): JsonObject {
    if (!isJsonObject(value)) this.fail(`${at} must be an object, got ${show(value)}`);
    return value as JsonObject;
  }

  array(value: JsonValue | undefined, at: string): readonly JsonValue[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(`${at} must be an array, got ${show(value)}`);
    return value as readonly JsonValue[];
  }

  stringList(value: JsonValue | undefined, at: string): string[] {
    return this.array(value, at).map((item, i) => this.string(item, `${at}[${i}]`));
  }

  variables(value: JsonValue | undefined): Record<string, PlanVariable> {
    const out: Record<string, PlanVariable> = {};
    for (const [name, v] of Object.entries(this.optObject(value, "variables") ?? {})) {
      out[name] = { value: this.object(v, `variables.${name}`).value ?? null };
    }
    return out;
  }

  outputChanges(value: JsonValue | undefined): Record<string, Change> {
    const out: Record<string, Change> = {};
    for (const [name, c] of Object.entries(this.optObject(value, "output_changes") ?? {})) {
      out[name] = this.change(c, `output_changes.${name}`);
    }
    return out;
  }

  changeList(value: JsonValue | undefined, at: string): ResourceChange[] {
    return this.array(value, at).map((item, i) => this.resourceChange(item, `${at}[${i}]`));
  }

  resourceChange(value: JsonValue, at: string): ResourceChange {
    const o = this.object(value, at);
    const address = this.string(o.address, `${at}.address`);
    const here = `${at} (${address})`;
    return dropUndefined({
      address,
      module_address: this.optString(o.module_address, `${here}.module_address`),
      mode: this.mode(o.mode, `${here}.mode`),
      type: this.string(o.type, `${here}.type`),
      name: this.string(o.name, `${here}.name`),
      index: this.index(o.index, `${here}.index`),
      provider_name: this.string(o.provider_name, `${here}.provider_name`),
      deposed: this.optString(o.deposed, `${here}.deposed`),
      previous_address: this.optString(o.previous_address, `${here}.previous_address`),
      change: this.change(o.change, `${here}.change`),
      action_reason: this.optString(o.action_reason, `${here}.action_reason`),
    });
  }

  change(value: JsonValue | undefined, at: string): Change {
    const o = this.object(value, at);
    const change: Mutable<Change> = {
      actions: this.actions(o.actions, `${at}.actions`),
      before: o.before ?? null,
      after: o.after ?? null,
    };
    if (o.after_unknown !== undefined) change.after_unknown = o.after_unknown;
    if (o.before_sensitive !== undefined) change.before_sensitive = o.before_sensitive;
    if (o.after_sensitive !== undefined) change.after_sensitive = o.after_sensitive;
    if (o.replace_paths !== undefined && o.replace_paths !== null) {
      change.replace_paths = this.array(o.replace_paths, `${at}.replace_paths`).map((p, i) =>
        this.array(p, `${at}.replace_paths[${i}]`).map((step, j) => {
          if (typeof step !== "string" && typeof step !== "number") {
            this.fail(`${at}.replace_paths[${i}][${j}] must be a string or number, got ${show(step)}`);
          }
          return step as string | number;
        }),
      );
    }
    if (o.importing !== undefined && o.importing !== null) change.importing = this.object(o.importing, `${at}.importing`);
    if (o.generated_config !== undefined) change.generated_config = this.string(o.generated_config, `${at}.generated_config`);
    return change;
  }

  actions(value: JsonValue | undefined, at: string): ChangeActions {
    if (!Array.isArray(value)) this.fail(`${at} must be an array of action strings, got ${show(value)}`);
    const list = value as readonly JsonValue[];
    if (list.length === 0) this.fail(`${at} is empty`);
    list.forEach((a, i) => {
      if (typeof a !== "string") this.fail(`${at}[${i}] must be an action string, got ${show(a)}`);
      if (!SINGLE_ACTIONS.has(a as string)) {
        this.fail(`${at}[${i}] is an unknown action ${show(a)} (known: ${[...SINGLE_ACTIONS].join(", ")})`);
      }
    });
    const ok = list.length === 1 || (list.length === 2 && PAIR_ACTIONS.includes(list.join(",")));
    if (!ok) {
      this.fail(`${at} is an unsupported action combination ${show(list)} (a replace is ["delete","create"] or ["create","delete"])`);
    }
    return list as unknown as ChangeActions;
  }

  mode(value: JsonValue | undefined, at: string): ResourceMode {
    if (value !== "managed" && value !== "data") this.fail(`${at} must be "managed" or "data", got ${show(value)}`);
    return value as ResourceMode;
  }

  index(value: JsonValue | undefined, at: string): string | number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" && typeof value !== "number") this.fail(`${at} must be a number or string, got ${show(value)}`);
    return value as string | number;
  }

  values(value: JsonValue, at: string): PlanValues {
    const o = this.object(value, at);
    const outputs: Record<string, PlannedOutput> = {};
    for (const [name, out] of Object.entries(this.optObject(o.outputs, `${at}.outputs`) ?? {})) {
      const oo = this.object(out, `${at}.outputs.${name}`);
      const planned: Mutable<PlannedOutput> = {
        sensitive: this.optBoolean(oo.sensitive, `${at}.outputs.${name}.sensitive`) ?? false,
      };
      if (oo.value !== undefined) planned.value = oo.value;
      if (oo.type !== undefined) planned.type = oo.type;
      outputs[name] = planned;
    }
    return { outputs, root_module: this.module(o.root_module, `${at}.root_module`) };
  }

  module(value: JsonValue | undefined, at: string): PlannedModule {
    const o = this.object(value, at);
    const address = this.optString(o.address, `${at}.address`);
    const here = address ? `${at} (${address})` : at;
    return dropUndefined({
      address,
      resources: this.array(o.resources, `${here}.resources`).map((r, i) => this.plannedResource(r, `${here}.resources[${i}]`)),
      child_modules: this.array(o.child_modules, `${here}.child_modules`).map((m, i) => this.module(m, `${here}.child_modules[${i}]`)),
    });
  }

  plannedResource(value: JsonValue, at: string): PlannedResource {
    const o = this.object(value, at);
    const address = this.string(o.address, `${at}.address`);
    const here = `${at} (${address})`;
    const r: Mutable<PlannedResource> = {
      address,
      mode: this.mode(o.mode, `${here}.mode`),
      type: this.string(o.type, `${here}.type`),
      name: this.string(o.name, `${here}.name`),
      provider_name: this.string(o.provider_name, `${here}.provider_name`),
      values: this.optObject(o.values, `${here}.values`) ?? {},
    };
    const index = this.index(o.index, `${here}.index`);
    if (index !== undefined) r.index = index;
    if (o.schema_version !== undefined) {
      if (typeof o.schema_version !== "number") this.fail(`${here}.schema_version must be a number, got ${show(o.schema_version)}`);
      r.schema_version = o.schema_version as number;
    }
    if (o.sensitive_values !== undefined) r.sensitive_values = o.sensitive_values;
    if (o.depends_on !== undefined) r.depends_on = this.stringList(o.depends_on, `${here}.depends_on`);
    const tainted = this.optBoolean(o.tainted, `${here}.tainted`);
    if (tainted !== undefined) r.tainted = tainted;
    const deposed = this.optString(o.deposed_key, `${here}.deposed_key`);
    if (deposed !== undefined) r.deposed_key = deposed;
    return r;
  }

  priorState(value: JsonValue): PriorState {
    const o = this.object(value, "prior_state");
    return dropUndefined({
      format_version: this.string(o.format_version, "prior_state.format_version"),
      terraform_version: this.optString(o.terraform_version, "prior_state.terraform_version"),
      values: o.values === undefined || o.values === null ? undefined : this.values(o.values, "prior_state.values"),
    });
  }
}
