import type { ConditionValue } from "@sse-kms/policy";

/** Request context values: a condition key (any case) -> one value or a set of values. */
export type RequestContext = Readonly<Record<string, string | readonly string[]>>;

/** The outcome of one condition (operator, key, values) against a request context. */
export interface ConditionOutcome {
  readonly holds: boolean;
  /** Human-readable: operator, key, policy values, request value and why it held or failed. */
  readonly reason: string;
}

/** Base operators this evaluator knows (string and ARN families, and Null). */
const BASE_OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "ArnEquals",
  "ArnNotEquals",
  "ArnLike",
  "ArnNotLike",
  "Null",
] as const;
type BaseOperator = (typeof BASE_OPERATORS)[number];

interface ParsedOperator {
  readonly set: "ForAnyValue" | "ForAllValues" | undefined;
  readonly base: BaseOperator;
  readonly ifExists: boolean;
}

/** Splits `ForAnyValue:StringLikeIfExists` into its qualifier, base operator and IfExists (names match case-insensitively). */
export function parseOperator(operator: string): ParsedOperator | undefined {
  let rest = operator;
  let set: ParsedOperator["set"];
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    const q = rest.slice(0, colon).toLowerCase();
    if (q === "foranyvalue") set = "ForAnyValue";
    else if (q === "forallvalues") set = "ForAllValues";
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith("ifexists")) {
    ifExists = true;
    rest = rest.slice(0, -"ifexists".length);
  }
  const base = BASE_OPERATORS.find((b) => b.toLowerCase() === rest.toLowerCase());
  if (base === undefined || (base === "Null" && (ifExists || set !== undefined))) return undefined;
  return { set, base, ifExists };
}

/** The value of a context key, matching the key case-insensitively (as IAM does). */
export function contextValue(context: RequestContext, key: string): readonly string[] | undefined {
  const lower = key.toLowerCase();
  const found = Object.keys(context).find((k) => k.toLowerCase() === lower);
  if (found === undefined) return undefined;
  const v = context[found] as string | readonly string[];
  return typeof v === "string" ? [v] : v;
}

const globToRegExp = (pattern: string, flags = ""): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    `s${flags}`,
  );

/** ARN matching: the first five `:`-separated fields and the resource part are matched one by one. */
function arnMatches(pattern: string, value: string): boolean {
  const split = (s: string) => {
    const parts = s.split(":");
    return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(":")];
  };
  const p = split(pattern);
  const v = split(value);
  if (!p || !v) return false;
  return p.every((segment, i) => globToRegExp(segment).test(v[i] as string));
}

/** Whether a request value matches a policy value under the non-negated form of the operator. */
function positiveMatch(base: BaseOperator, policyValue: string, requestValue: string): boolean {
  switch (base) {
    case "StringEquals":
    case "StringNotEquals":
      return policyValue === requestValue;
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    case "StringLike":
    case "StringNotLike":
      return globToRegExp(policyValue).test(requestValue);
    case "ArnEquals":
    case "ArnNotEquals":
    case "ArnLike":
    case "ArnNotLike":
      return arnMatches(policyValue, requestValue);
    case "Null":
      return false;
  }
}

const isNegated = (base: BaseOperator) => base.includes("Not");
const quote = (values: readonly string[]) => (values.length === 1 ? JSON.stringify(values[0]) : `[${values.map((v) => JSON.stringify(v)).join(", ")}]`);

/**
 * Evaluates one condition the way IAM does (see "Condition operators" and "Single-valued vs.
 * multivalued context keys" in the IAM User Guide):
 * - a missing key fails a positive operator and satisfies a negated one (`StringNotEquals`, ...);
 *   `...IfExists` is satisfied by a missing key;
 * - several policy values are OR-ed; a negated operator holds only if the value matches none of them;
 * - `ForAnyValue:` holds if at least one request value satisfies the base operator (never for a missing key);
 *   `ForAllValues:` holds if every request value does (always for a missing key or an empty set);
 * - `Null: true` holds if the key is missing, `Null: false` if it is present;
 * - values compare case-sensitively except with `...IgnoreCase`; `*` and `?` are wildcards in `...Like` and `Arn...`.
 * Throws for operators outside the string, ARN and Null families, for policy variables, and for
 * several request values under an operator without a set qualifier.
 */
export function evaluateCondition(operator: string, key: string, values: ConditionValue, context: RequestContext): ConditionOutcome {
  const op = parseOperator(operator);
  if (!op)
    throw new Error(`condition operator ${operator} on ${key} is not supported by the encryption-context evaluator (string, ARN and Null operators only)`);
  const policyValues = (Array.isArray(values) ? values : [values]).map((v) => String(v));
  for (const v of policyValues) {
    if (v.includes("${")) throw new Error(`${operator} ${key}: policy variables (${v}) are not supported by the encryption-context evaluator`);
  }
  const request = contextValue(context, key);
  const label = `${operator} ${key} ${quote(policyValues)}`;
  const present = request !== undefined && request.length > 0;
  const requestText = request === undefined ? "key missing from the request" : `request value ${quote(request)}`;
  const outcome = (holds: boolean, why: string): ConditionOutcome => ({ holds, reason: `${label} ${holds ? "held" : "failed"} (${why})` });

  if (op.base === "Null") {
    const wanted = policyValues.map((v) => v.toLowerCase());
    const holds = wanted.some((w) => (w === "true" ? !present : w === "false" ? present : false));
    return outcome(holds, present ? requestText : "key missing from the request");
  }
  const negated = isNegated(op.base);
  const satisfies = (v: string) => {
    const any = policyValues.some((p) => positiveMatch(op.base, p, v));
    return negated ? !any : any;
  };
  if (op.set === "ForAllValues") {
    if (!present) return outcome(true, `${requestText}: ForAllValues holds for an empty set`);
    return outcome(request.every(satisfies), requestText);
  }
  if (op.set === "ForAnyValue") {
    if (!present) return outcome(op.ifExists, `${requestText}${op.ifExists ? ": IfExists" : ": ForAnyValue needs at least one value"}`);
    return outcome(request.some(satisfies), requestText);
  }
  if (!present) {
    if (op.ifExists) return outcome(true, `${requestText}: IfExists`);
    return outcome(negated, `${requestText}${negated ? ": a negated operator matches a missing key" : ""}`);
  }
  if (request.length > 1) {
    throw new Error(`${label}: the request gives ${request.length} values for a single-valued key; use ForAnyValue:/ForAllValues: or pass one value`);
  }
  return outcome(satisfies(request[0] as string), requestText);
}
