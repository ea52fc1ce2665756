/** Every rule of the pack, collected from the one list in ./rules/index.ts. */
import * as exported from "./rules";
import type { GuardrailRule } from "./types";

/** Whether a value exported by a rule file is a rule (rule files also export helpers and constants). */
export function isGuardrailRule(value: unknown): value is GuardrailRule {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<GuardrailRule>;
  return typeof v.id === "string" && typeof v.check === "function" && Array.isArray(v.appliesTo);
}

/** Rule-id order with numbers compared as numbers: `SKB-KMS-2` before `SKB-KMS-10`. */
export function compareRuleIds(a: string, b: string): number {
  const split = (id: string) => /^(.*?)(\d*)$/.exec(id) as RegExpExecArray;
  const [, pa = "", na = ""] = split(a);
  const [, pb = "", nb = ""] = split(b);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return Number(na || -1) - Number(nb || -1);
}

/**
 * Every rule of the pack, in rule-id order: the order of the README's table and of the findings
 * on one block. Sorted here, not by export order, which differs between module systems.
 */
export const ALL_RULES: readonly GuardrailRule[] = Object.values(exported as Record<string, unknown>)
  .filter(isGuardrailRule)
  .sort((a, b) => compareRuleIds(a.id, b.id));
