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

/** A string-or-list attribute as a list of strings (anything else in it is dropped). */
export function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list: readonly unknown[] = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === "string");
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
