/** Small helpers for reading synthesized Terraform JSON. */
import type { Json, JsonObject, RuleResult } from "./types";

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A nested block as a list: cdktf writes single blocks as objects and repeated ones as arrays. */
export function blocks(value: Json | undefined): JsonObject[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter(isObject);
}

/** A string-or-list attribute as a list of strings. */
export function strings(value: Json | undefined): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === "string");
}

/** Whether a string holds a Terraform expression (`${...}`). */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** A reference to a whole expression of the form `${<type>.<name>.<attribute>}` (or `${data.<type>.<name>.<attribute>}`). */
export interface Reference {
  /** `aws_kms_key`, `data.aws_kms_key`, `var`, `local`. */
  readonly type: string;
  readonly name: string;
  /** The attribute path after the name, e.g. `arn`; "" for `${var.x}`. */
  readonly attribute: string;
  /** `type.name` (the resource address). */
  readonly address: string;
}

const WHOLE_REFERENCE = /^\$\{\s*((?:data\.)?[A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)((?:\.[\w-]+|\[[^\]]*\])*)\s*\}$/;

/** The reference a value consists of, when the whole value is one `${...}` reference. */
export function wholeReference(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const m = WHOLE_REFERENCE.exec(value);
  if (!m) return undefined;
  const type = m[1] as string;
  const name = m[2] as string;
  return { type, name, attribute: (m[3] ?? "").replace(/^\./, ""), address: `${type}.${name}` };
}

/** Every `type.name` reference mentioned anywhere in a string (`${aws_s3_bucket.x.arn}/*` -> aws_s3_bucket.x). */
export function referencedAddresses(value: unknown): string[] {
  if (typeof value !== "string") return [];
  const out: string[] = [];
  for (const m of value.matchAll(/\$\{[^}]*?\b((?:data\.)?[a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g)) out.push(`${m[1]}.${m[2]}`);
  return out;
}

export const ok = (detail?: string): RuleResult => ({ status: "compliant", detail });
export const fail = (detail: string): RuleResult => ({ status: "non-compliant", detail });
export const notApplicable = (detail?: string): RuleResult => ({ status: "not-applicable", detail });

/** Joins several problems into one detail line. */
export function failAll(problems: readonly string[]): RuleResult {
  return problems.length === 0 ? ok() : fail(problems.join("; "));
}

/** A compact rendering of a value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return "(absent)";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
