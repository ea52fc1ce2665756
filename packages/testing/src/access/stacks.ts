import { TerraformStack, Testing } from "cdktf";

/** A synthesized `cdk.tf.json`, parsed. */
export type SynthesizedJson = { readonly [key: string]: unknown };

/** One stack, in any form the access layer accepts: the cdk.tf.json text, its parsed object, or a cdktf stack. */
export type StackSource = string | SynthesizedJson | TerraformStack;

/** One stack, or several (cross-account or cross-region setups span stacks and providers). */
export type StackInput = StackSource | readonly StackSource[];

/** A stack as the access layer reads it. */
export interface SynthesizedStack {
  /** `//.metadata.stackName`, the cdktf stack id, or `stack<n>` when neither is known. */
  readonly name: string;
  readonly json: SynthesizedJson;
}

/** Whether a JSON value is an object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isStackSourceList(input: StackInput): input is readonly StackSource[] {
  return Array.isArray(input);
}

/** Normalises the input to a list of parsed stacks. TerraformStacks are synthesized with `Testing.synth`. */
export function loadStacks(input: StackInput): SynthesizedStack[] {
  const list: readonly StackSource[] = isStackSourceList(input) ? input : [input as StackSource];
  if (list.length === 0) throw new Error("simulateAccess: no stack given");
  const stacks = list.map((source, i) => loadOne(source, i));
  const seen = new Set<string>();
  for (const s of stacks) {
    if (seen.has(s.name)) throw new Error(`simulateAccess: two stacks are named "${s.name}"; pass each stack once`);
    seen.add(s.name);
  }
  return stacks;
}

function loadOne(source: StackSource, index: number): SynthesizedStack {
  if (TerraformStack.isStack(source)) {
    return withName(JSON.parse(Testing.synth(source)) as unknown, source.node.id, index);
  }
  if (typeof source === "string") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source);
    } catch (e) {
      throw new Error(
        `simulateAccess: stack ${index} is not valid JSON (${(e as Error).message}); pass cdk.tf.json text, its parsed object or a TerraformStack`,
      );
    }
    return withName(parsed, undefined, index);
  }
  return withName(source, undefined, index);
}

function withName(json: unknown, fallback: string | undefined, index: number): SynthesizedStack {
  if (!isRecord(json)) throw new Error(`simulateAccess: stack ${index} is not a JSON object`);
  const meta = isRecord(json["//"]) && isRecord(json["//"].metadata) ? json["//"].metadata : {};
  const name = typeof meta.stackName === "string" ? meta.stackName : (fallback ?? `stack${index}`);
  return { name, json };
}

/** `json[a][b]...` when every step is an object, else undefined. */
export function pick(json: unknown, ...path: string[]): unknown {
  let cur: unknown = json;
  for (const p of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** The blocks of one resource type (`resource.<type>` or `data.<type>`), by name. */
export function blocksOf(stack: SynthesizedStack, kind: "resource" | "data", type: string): [string, Record<string, unknown>][] {
  const group = pick(stack.json, kind, type);
  if (!isRecord(group)) return [];
  return Object.keys(group)
    .sort()
    .flatMap((name) => (isRecord(group[name]) ? [[name, group[name] as Record<string, unknown>] as [string, Record<string, unknown>]] : []));
}
