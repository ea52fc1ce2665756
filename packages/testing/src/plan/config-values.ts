import { templateParts } from "@sse-kms/policy";
import { isJsonObject, type JsonObject, type JsonValue } from "./json";
import { formatPath, type PathSegment } from "./paths";
import { MAP_ATTRIBUTES, OBJECT_BLOCKS } from "./schema-hints";

/**
 * Turns one resource's configuration (Terraform JSON syntax, as in cdk.tf.json) into the shape a
 * plan shows: blocks as lists of objects, expressions as unknown values. Nothing is evaluated except
 * `count.index`, `each.key` and `each.value` (when the instance is known).
 */

/** A configured value after conversion. */
export type ValueTree =
  | { readonly kind: "known"; readonly value: null | boolean | number | string }
  | { readonly kind: "unknown"; readonly expression: string }
  | { readonly kind: "list"; readonly items: readonly ValueTree[] }
  | { readonly kind: "object"; readonly entries: Readonly<Record<string, ValueTree>> };

/** The instance being predicted, for `count.index` / `each.key` / `each.value`. */
export interface InstanceContext {
  readonly countIndex?: number;
  readonly eachKey?: string;
  readonly eachValue?: JsonValue;
}

/** Options of the conversion. */
export interface ConvertOptions {
  /** Extra attribute names to treat as maps (see {@link MAP_ATTRIBUTES}). */
  readonly mapAttributes?: ReadonlySet<string>;
}

function instanceValue(expression: string, ctx: InstanceContext): JsonValue | undefined {
  const e = expression.replace(/\s+/g, "");
  if (e === "count.index" && ctx.countIndex !== undefined) return ctx.countIndex;
  if (e === "each.key" && ctx.eachKey !== undefined) return ctx.eachKey;
  if (e === "each.value" && ctx.eachValue !== undefined) return ctx.eachValue;
  return undefined;
}

/** Converts a configured string: a literal, an instance value, or an unknown expression. */
function convertString(s: string, ctx: InstanceContext): ValueTree {
  const parts = templateParts(s);
  // A template that is exactly one interpolation yields the value itself, unconverted (Terraform rule).
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only && "expression" in only && !only.directive) {
    const v = instanceValue(only.expression, ctx);
    if (v !== undefined && (v === null || typeof v !== "object")) return { kind: "known", value: v };
  }
  let text = "";
  for (const p of parts) {
    if ("literal" in p) text += p.literal;
    else {
      const v = p.directive ? undefined : instanceValue(p.expression, ctx);
      if (v === undefined || v === null || typeof v === "object") return { kind: "unknown", expression: s };
      text += String(v);
    }
  }
  return { kind: "known", value: text };
}

/**
 * Converts the attributes of a block body (resource top level, or a nested block's object).
 * Keys named `//` (comments in Terraform JSON syntax) are dropped; `dynamic` blocks become unknown.
 */
export function convertBody(body: JsonObject, ctx: InstanceContext, options: ConvertOptions = {}, skip: ReadonlySet<string> = new Set()): ValueTree {
  const entries: Record<string, ValueTree> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "//" || skip.has(key)) continue;
    if (key === "dynamic" && isJsonObject(value)) {
      for (const name of Object.keys(value)) {
        entries[name] = { kind: "unknown", expression: `dynamic "${name}" block` };
      }
      continue;
    }
    if (key in entries) continue; // a dynamic block of the same name wins: it is not expanded
    entries[key] = convertValue(value, key, ctx, options, false);
  }
  return { kind: "object", entries };
}

function isMapAttribute(key: string | undefined, options: ConvertOptions): boolean {
  return key !== undefined && (MAP_ATTRIBUTES.has(key) || options.mapAttributes?.has(key) === true);
}

/**
 * Converts one value. `key` is the attribute or block name it is configured under; `inMap` is true
 * inside a map or an output value, where objects are plain objects and never blocks.
 */
export function convertValue(value: JsonValue, key: string | undefined, ctx: InstanceContext, options: ConvertOptions, inMap: boolean): ValueTree {
  if (typeof value === "string") return convertString(value, ctx);
  if (value === null || typeof value !== "object") return { kind: "known", value };
  if (Array.isArray(value)) {
    const items = (value as readonly JsonValue[]).map((item) =>
      isJsonObject(item) && !inMap ? convertBody(item, ctx, options) : convertValue(item, key, ctx, options, inMap),
    );
    return { kind: "list", items };
  }
  const obj = value as JsonObject;
  if (inMap || isMapAttribute(key, options)) {
    const entries: Record<string, ValueTree> = {};
    for (const [k, v] of Object.entries(obj)) entries[k] = convertValue(v, k, ctx, options, true);
    return { kind: "object", entries };
  }
  const body = convertBody(obj, ctx, options);
  // A block written as one object (cdktf does this for max-1 blocks) is a one-element list in a plan.
  return key !== undefined && OBJECT_BLOCKS.has(key) ? body : { kind: "list", items: [body] };
}

/** The known part of a tree, as a plan's `after` shows it: unknown object entries are absent, unknown list items `null`. */
export function knownPart(tree: ValueTree): JsonValue | undefined {
  switch (tree.kind) {
    case "known":
      return tree.value;
    case "unknown":
      return undefined;
    case "list":
      return tree.items.map((item) => knownPart(item) ?? null);
    case "object": {
      const out: Record<string, JsonValue> = {};
      for (const key of Object.keys(tree.entries).sort()) {
        const v = knownPart(tree.entries[key]!);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
  }
}

/**
 * The `after_unknown` marks of a tree, the way Terraform writes them: `true` for unknown, `false`
 * for a known leaf, a list of marks for a list (with `false` placeholders), and for an object only
 * the entries that are not plain `false`.
 */
export function unknownMarks(tree: ValueTree): JsonValue {
  switch (tree.kind) {
    case "known":
      return false;
    case "unknown":
      return true;
    case "list":
      return tree.items.map(unknownMarks);
    case "object": {
      const out: Record<string, JsonValue> = {};
      for (const key of Object.keys(tree.entries).sort()) {
        const m = unknownMarks(tree.entries[key]!);
        if (m !== false) out[key] = m;
      }
      return out;
    }
  }
}

/** Every unknown value's raw expression, keyed by its path (canonical string form). */
export function expressionsOf(tree: ValueTree, prefix: PathSegment[] = [], out: Record<string, string> = {}): Record<string, string> {
  if (tree.kind === "unknown") out[formatPath(prefix)] = tree.expression;
  else if (tree.kind === "list") tree.items.forEach((item, i) => expressionsOf(item, [...prefix, i], out));
  else if (tree.kind === "object") {
    for (const key of Object.keys(tree.entries).sort()) expressionsOf(tree.entries[key]!, [...prefix, key], out);
  }
  return out;
}
