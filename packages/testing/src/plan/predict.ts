import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TerraformDataSource, TerraformResource, TerraformStack, Testing } from "cdktf";
import {
  convertBody,
  convertValue,
  expressionsOf,
  knownPart,
  unknownMarks,
  type ConvertOptions,
  type InstanceContext,
  type ValueTree,
} from "./config-values";
import { referencesIn } from "@sse-kms/policy";
import { isJsonObject, show, type JsonObject, type JsonValue } from "./json";
import { type ResourceMode, type TerraformPlan } from "./model";
import { parsePlan } from "./read";
import { computedAttributes } from "./schema-hints";

/** The `predicted_by` marker of every predicted plan. */
export const PREDICTED_BY = "@sse-kms/testing predictPlan";
/** The `terraform_version` of every predicted plan: no Terraform ran. */
export const PREDICTED_TERRAFORM_VERSION = "predicted";
/** The plan format predicted plans are written in. */
export const PREDICTED_FORMAT_VERSION = "1.2";

/** Caveats written at the top of `prediction_notes` of every predicted plan. */
export const PREDICTION_CAVEATS: readonly string[] = [
  "Predicted from the synthesized configuration without running Terraform: the plan of creating everything from an empty state, not the output of terraform plan.",
  "after holds only configured literal values: provider defaults and unset optional attributes are absent; values written as expressions (${...}) are unknown even where Terraform could evaluate them while planning.",
  "Well-known computed attributes are marked unknown from a small table; sensitivity is not known without the provider schema, so after_sensitive is omitted.",
];

/** Keys of a resource body that are meta-arguments, not attributes. */
const META_ARGUMENTS: ReadonlySet<string> = new Set(["depends_on", "lifecycle", "provider", "count", "for_each", "//", "connection", "provisioner"]);

/** What {@link predictPlan} accepts: a stack, or its synthesized `cdk.tf.json` as text or parsed. */
export type PredictInput = TerraformStack | string | Readonly<Record<string, unknown>>;

/** Options of {@link predictPlan}. */
export interface PredictOptions {
  /** Label for messages (the plan's `source`); defaults to the stack path or `"cdk.tf.json"`. */
  readonly source?: string;
  /** Extra attribute names whose object values are maps, not blocks (e.g. a provider's own map attributes). */
  readonly mapAttributes?: readonly string[];
}

/**
 * PREDICTS the plan Terraform would make to create a stack from an empty state, in Terraform's own
 * plan JSON format (format 1.2), so the plan matchers and helpers work on it before any
 * `terraform plan` runs. It is a prediction from the configuration alone, NOT `terraform plan`:
 * no provider is called and no expression is evaluated. Specifically:
 *
 * - one `resource_changes` entry per managed resource instance, action `create`, `before` null;
 *   literal `count` expands to `[0]..[N-1]`, a literal `for_each` object to `["key"]` instances;
 *   any other `count`/`for_each` gives one entry without index, and a note;
 * - one entry per data source, action `read` (with an `action_reason` when its configuration has
 *   expressions or `depends_on`; Terraform itself would read a fully known data source while planning);
 * - `after` holds configured literal values, nested blocks normalized to lists of objects;
 *   values containing `${...}` are absent from `after` and `true` in `after_unknown`, and so are
 *   well-known computed attributes that are not configured (see `COMPUTED_ATTRIBUTES`);
 * - meta-arguments are not attributes: `depends_on`, `lifecycle`, `provider`, the construct path,
 *   the referenced addresses and each unknown value's expression are kept in `predicted`;
 * - the document carries `predicted_by` and `prediction_notes`, and `terraform_version` is `"predicted"`.
 */
export function predictPlan(input: PredictInput, options: PredictOptions = {}): TerraformPlan {
  const { doc, source } = predict(input, options);
  return parsePlan(doc, source);
}

/** Like {@link predictPlan}, but returns the plan JSON document itself (what {@link writePredictedPlan} writes). */
export function predictPlanDocument(input: PredictInput, options: PredictOptions = {}): JsonObject {
  return predict(input, options).doc;
}

/**
 * Reads `<stackDir>/cdk.tf.json`, predicts its plan (see {@link predictPlan}) and writes it to
 * `<stackDir>/plan.predicted.json` as pretty JSON with a trailing newline. The output depends only
 * on the input, so it can be committed and diffed. Returns the written path and the parsed plan.
 */
export function writePredictedPlan(stackDir: string, options: PredictOptions = {}): { readonly file: string; readonly plan: TerraformPlan } {
  const input = join(stackDir, "cdk.tf.json");
  const file = join(stackDir, "plan.predicted.json");
  const doc = predictPlanDocument(readFileSync(input, "utf8"), { source: input, ...options });
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return { file, plan: parsePlan(doc, file) };
}

interface LoadedConfig {
  readonly config: JsonObject;
  readonly source: string;
  /** `managed.<type>.<name>` / `data.<type>.<name>` to construct path, for stack input. */
  readonly constructPaths: ReadonlyMap<string, string>;
}

function load(input: PredictInput, options: PredictOptions): LoadedConfig {
  if (TerraformStack.isStack(input)) {
    const stack = input;
    const constructPaths = new Map<string, string>();
    for (const c of stack.node.findAll()) {
      if (TerraformResource.isTerraformResource(c)) constructPaths.set(`managed.${c.terraformResourceType}.${c.friendlyUniqueId}`, c.node.path);
      else if (TerraformDataSource.isTerraformDataSource(c)) constructPaths.set(`data.${c.terraformResourceType}.${c.friendlyUniqueId}`, c.node.path);
    }
    const source = options.source ?? `predicted plan of stack ${stack.node.path}`;
    return { config: JSON.parse(Testing.synth(stack)) as JsonObject, source, constructPaths };
  }
  const source = options.source ?? "cdk.tf.json";
  let config: unknown = input;
  if (typeof input === "string") {
    try {
      config = JSON.parse(input);
    } catch (e) {
      throw new Error(`${source}: not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!isJsonObject(config)) throw new Error(`${source}: a synthesized configuration must be a JSON object, got ${show(config)}`);
  return { config, source, constructPaths: new Map() };
}

interface Instance {
  readonly index?: number | string;
  readonly ctx: InstanceContext;
}

function instancesOf(body: JsonObject, address: string, notes: string[], planNotes: string[]): Instance[] {
  const { count, for_each: forEach } = body;
  if (count !== undefined && forEach !== undefined) {
    notes.push("both count and for_each are set (Terraform rejects this); predicted one instance without index");
    return [{ ctx: {} }];
  }
  if (count !== undefined) {
    if (typeof count === "number" && Number.isInteger(count) && count >= 0) {
      if (count === 0) planNotes.push(`${address} has count = 0: no instance is planned`);
      return Array.from({ length: count }, (_, i) => ({ index: i, ctx: { countIndex: i } }));
    }
    notes.push(`count is not a literal whole number (${show(count)}); predicted one instance without index`);
    return [{ ctx: {} }];
  }
  if (forEach !== undefined) {
    if (isJsonObject(forEach)) {
      const keys = Object.keys(forEach).sort();
      if (keys.length === 0) planNotes.push(`${address} has an empty for_each: no instance is planned`);
      return keys.map((key) => ({ index: key, ctx: { eachKey: key, eachValue: forEach[key] as JsonValue } }));
    }
    notes.push(
      Array.isArray(forEach)
        ? "for_each is a list literal, which Terraform rejects (it needs a map or a set of strings); predicted one instance without index"
        : `for_each is not a literal map (${show(forEach)}); predicted one instance without index`,
    );
    return [{ ctx: {} }];
  }
  return [{ ctx: {} }];
}

function indexSuffix(index: number | string | undefined): string {
  if (index === undefined) return "";
  return typeof index === "number" ? `[${index}]` : `[${JSON.stringify(index)}]`;
}

/** `registry.terraform.io/hashicorp/aws` for `aws`, `hashicorp/aws` or the full address. */
function providerAddress(config: JsonObject, localName: string): string {
  if (localName === "terraform") return "terraform.io/builtin/terraform";
  const terraform = config.terraform;
  const required = isJsonObject(terraform) && isJsonObject(terraform.required_providers) ? terraform.required_providers[localName] : undefined;
  const source = isJsonObject(required) && typeof required.source === "string" ? required.source : `hashicorp/${localName}`;
  const parts = source.toLowerCase().split("/");
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return parts.join("/");
}

function sortedKeys(o: JsonObject): string[] {
  return Object.keys(o).sort();
}

function compareIndex(a: number | string | undefined, b: number | string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : 1;
}

function predict(input: PredictInput, options: PredictOptions): { doc: JsonObject; source: string } {
  const { config, source, constructPaths } = load(input, options);
  const convertOptions: ConvertOptions = { mapAttributes: new Set(options.mapAttributes ?? []) };
  const planNotes: string[] = [];
  const changes: JsonObject[] = [];
  const planned: JsonObject[] = [];

  for (const [mode, section] of [["managed", config.resource], ["data", config.data]] as const) {
    if (section === undefined) continue;
    const sectionName = mode === "managed" ? "resource" : "data";
    if (!isJsonObject(section)) throw new Error(`${source}: "${sectionName}" must be an object, got ${show(section)}`);
    for (const type of sortedKeys(section)) {
      const byName = section[type];
      if (!isJsonObject(byName)) throw new Error(`${source}: ${sectionName}.${type} must be an object of named resources, got ${show(byName)}`);
      for (const name of sortedKeys(byName)) {
        const body = byName[name];
        if (!isJsonObject(body)) throw new Error(`${source}: ${sectionName}.${type}.${name} must be an object, got ${show(body)}`);
        const base = `${mode === "data" ? "data." : ""}${type}.${name}`;
        const notes: string[] = [];
        for (const instance of instancesOf(body, base, notes, planNotes)) {
          const entry = predictInstance({ config, mode, type, name, body, instance, baseNotes: notes, constructPaths, convertOptions });
          changes.push(entry.change);
          planned.push(entry.planned);
        }
      }
    }
  }
  if (isJsonObject(config.module) && Object.keys(config.module).length > 0) {
    planNotes.push(`module calls are not expanded, their resources are missing: ${sortedKeys(config.module).map((m) => `module.${m}`).join(", ")}`);
  }
  const order = (c: JsonObject): [number, string, string, number | string | undefined] => [
    c.mode === "data" ? 1 : 0,
    c.type as string,
    c.name as string,
    c.index as number | string | undefined,
  ];
  const compare = (x: JsonObject, y: JsonObject): number => {
    const a = order(x);
    const b = order(y);
    if (a[0] !== b[0]) return a[0] - b[0];
    if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
    if (a[2] !== b[2]) return a[2] < b[2] ? -1 : 1;
    return compareIndex(a[3], b[3]);
  };
  changes.sort(compare);
  planned.sort(compare);

  const { outputChanges, plannedOutputs } = predictOutputs(config, convertOptions, source);
  const plannedValues: Record<string, JsonValue> = {};
  if (Object.keys(plannedOutputs).length > 0) plannedValues.outputs = plannedOutputs;
  plannedValues.root_module = { resources: planned };
  const doc: Record<string, JsonValue> = {
    format_version: PREDICTED_FORMAT_VERSION,
    terraform_version: PREDICTED_TERRAFORM_VERSION,
    predicted_by: PREDICTED_BY,
    prediction_notes: [...PREDICTION_CAVEATS, ...planNotes],
    planned_values: plannedValues,
    resource_changes: changes,
  };
  if (Object.keys(outputChanges).length > 0) doc.output_changes = outputChanges;
  return { doc, source };
}

interface InstanceInput {
  readonly config: JsonObject;
  readonly mode: ResourceMode;
  readonly type: string;
  readonly name: string;
  readonly body: JsonObject;
  readonly instance: Instance;
  readonly baseNotes: readonly string[];
  readonly constructPaths: ReadonlyMap<string, string>;
  readonly convertOptions: ConvertOptions;
}

function predictInstance(p: InstanceInput): { change: JsonObject; planned: JsonObject } {
  const { body, mode, type, name, instance } = p;
  const notes = [...p.baseNotes];
  const address = `${mode === "data" ? "data." : ""}${type}.${name}${indexSuffix(instance.index)}`;
  const tree = convertBody(body, instance.ctx, p.convertOptions, META_ARGUMENTS);
  const entries = tree.kind === "object" ? tree.entries : {};

  const after = (knownPart(tree) ?? {}) as JsonObject;
  const marks: Record<string, JsonValue> = { ...(unknownMarks(tree) as JsonObject) };
  for (const attr of computedAttributes(mode, type)) if (!(attr in entries)) marks[attr] = true;
  const afterUnknown: Record<string, JsonValue> = {};
  for (const key of Object.keys(marks).sort()) afterUnknown[key] = marks[key] as JsonValue;

  const expressions = expressionsOf(tree);
  for (const key of Object.keys(entries)) {
    if (isDynamic(entries[key])) notes.push(`dynamic block "${key}" is not expanded: its content is unknown in this prediction`);
  }
  if (body.provisioner !== undefined || body.connection !== undefined) notes.push("provisioners and connection are not part of a plan and were left out");

  const refSource: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(body)) if (!["depends_on", "lifecycle", "//", "provider", "connection", "provisioner"].includes(k)) refSource[k] = v;
  const references = [...referencesIn(refSource)].sort();

  const dependsOn = body.depends_on;
  let actionReason: string | undefined;
  if (mode === "data") {
    if (Object.keys(expressions).length > 0) actionReason = "read_because_config_unknown";
    else if (Array.isArray(dependsOn) && dependsOn.length > 0) actionReason = "read_because_dependency_pending";
    else notes.push("Terraform reads a data source with a fully known configuration while planning and does not list it as a change; it is listed here as a read");
  }

  const providerArg = typeof body.provider === "string" ? body.provider : undefined;
  const localName = providerArg ? (providerArg.split(".")[0] as string) : (type.split("_")[0] as string);
  const providerName = providerAddress(p.config, localName);

  const predicted: Record<string, JsonValue> = {};
  if (dependsOn !== undefined) predicted.depends_on = dependsOn;
  if (body.lifecycle !== undefined) predicted.lifecycle = body.lifecycle;
  if (providerArg !== undefined) predicted.provider = providerArg;
  const metadata = isJsonObject(body["//"]) ? body["//"].metadata : undefined;
  const constructPath =
    isJsonObject(metadata) && typeof metadata.path === "string" ? metadata.path : p.constructPaths.get(`${mode}.${type}.${name}`);
  if (constructPath !== undefined) predicted.construct_path = constructPath;
  predicted.references = references;
  predicted.expressions = expressions;
  predicted.notes = notes;

  const head: Record<string, JsonValue> = { address, mode, type, name };
  if (instance.index !== undefined) head.index = instance.index;
  head.provider_name = providerName;

  const change: Record<string, JsonValue> = {
    ...head,
    change: {
      actions: [mode === "data" ? "read" : "create"],
      before: null,
      after,
      after_unknown: afterUnknown,
      before_sensitive: false,
    },
  };
  if (actionReason !== undefined) change.action_reason = actionReason;
  change.predicted = predicted;
  return { change, planned: { ...head, values: after } };
}

function isDynamic(tree: ValueTree | undefined): boolean {
  return tree?.kind === "unknown" && tree.expression.startsWith("dynamic ");
}

function isWhollyKnown(tree: ValueTree): boolean {
  if (tree.kind === "known") return true;
  if (tree.kind === "unknown") return false;
  if (tree.kind === "list") return tree.items.every(isWhollyKnown);
  return Object.values(tree.entries).every(isWhollyKnown);
}

function predictOutputs(
  config: JsonObject,
  convertOptions: ConvertOptions,
  source: string,
): { outputChanges: Record<string, JsonValue>; plannedOutputs: Record<string, JsonValue> } {
  const outputChanges: Record<string, JsonValue> = {};
  const plannedOutputs: Record<string, JsonValue> = {};
  const outputs = config.output;
  if (outputs === undefined) return { outputChanges, plannedOutputs };
  if (!isJsonObject(outputs)) throw new Error(`${source}: "output" must be an object, got ${show(outputs)}`);
  for (const name of sortedKeys(outputs)) {
    const out = outputs[name];
    if (!isJsonObject(out)) throw new Error(`${source}: output.${name} must be an object, got ${show(out)}`);
    const sensitive = out.sensitive === true;
    const tree = convertValue(out.value ?? null, undefined, {}, convertOptions, true);
    const known = isWhollyKnown(tree);
    const change: Record<string, JsonValue> = { actions: ["create"], before: null };
    const after = knownPart(tree);
    if (after !== undefined) change.after = after;
    change.after_unknown = known ? false : unknownMarks(tree);
    change.before_sensitive = false;
    change.after_sensitive = sensitive;
    outputChanges[name] = change;
    plannedOutputs[name] = known && after !== undefined ? { sensitive, value: after } : { sensitive };
  }
  return { outputChanges, plannedOutputs };
}
