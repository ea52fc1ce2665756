/**
 * Typed IAM policy documents, rendered canonically: statements keep their order (it is part of
 * the design), while every action, resource and principal list and every condition block is
 * sorted and de-duplicated. The same policy therefore renders to the same bytes on every synth,
 * and the AWS provider sees no drift.
 */

export type Effect = "Allow" | "Deny";

/** `"*"` or a map of principal type to one or more identifiers. */
export type Principal = "*" | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[]; readonly Federated?: string | readonly string[] };

/** Condition operator -> condition key -> value(s). */
export type Conditions = Readonly<Record<string, Readonly<Record<string, string | boolean | readonly (string | boolean)[]>>>>;

export interface PolicyStatement {
  /** Statement id; unique within a document. */
  readonly Sid: string;
  readonly Effect: Effect;
  readonly Principal?: Principal;
  readonly NotPrincipal?: Principal;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Conditions;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Id?: string;
  readonly Statement: readonly PolicyStatement[];
}

/** A document from statements. Throws on duplicate or missing Sids. */
export function policyDocument(statements: readonly PolicyStatement[], id?: string): PolicyDocument {
  const seen = new Set<string>();
  for (const s of statements) {
    if (!s.Sid) throw new Error("policy statement without Sid: every statement needs a unique Sid");
    if (seen.has(s.Sid)) throw new Error(`duplicate policy statement Sid "${s.Sid}"`);
    seen.add(s.Sid);
  }
  return id === undefined ? { Version: "2012-10-17", Statement: statements } : { Version: "2012-10-17", Id: id, Statement: statements };
}

/** Code-point order: independent of locale and of the Node version's collation data. */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sorted, de-duplicated; `true` and `"true"` are one value to IAM, so they are one value here. */
const sortedUnique = <T extends string | boolean>(values: readonly T[]): T[] => {
  const byText = new Map<string, T>();
  for (const v of values) if (!byText.has(String(v))) byText.set(String(v), v);
  return [...byText.keys()].sort(byCodePoint).map((k) => byText.get(k) as T);
};

/** A single value stays a string; several become a sorted, de-duplicated list. */
function canonicalList(value: string | boolean | readonly (string | boolean)[]): string | boolean | (string | boolean)[] {
  if (!Array.isArray(value)) return value as string | boolean;
  const list = sortedUnique(value as readonly (string | boolean)[]);
  return list.length === 1 ? (list[0] as string | boolean) : list;
}

function canonicalPrincipal(p: Principal): Principal {
  if (p === "*") return p;
  const out: Record<string, string | string[]> = {};
  for (const key of Object.keys(p).sort()) {
    const v = (p as Record<string, string | readonly string[] | undefined>)[key];
    if (v !== undefined) out[key] = canonicalList(v) as string | string[];
  }
  return out;
}

function canonicalConditions(c: Conditions): Conditions {
  const out: Record<string, Record<string, string | boolean | (string | boolean)[]>> = {};
  for (const op of Object.keys(c).sort()) {
    const block = c[op] ?? {};
    const inner: Record<string, string | boolean | (string | boolean)[]> = {};
    for (const key of Object.keys(block).sort()) inner[key] = canonicalList(block[key] as string);
    out[op] = inner;
  }
  return out;
}

/** The statement with fields in a fixed order and every list sorted. */
export function canonicalStatement(s: PolicyStatement): PolicyStatement {
  const out: Record<string, unknown> = { Sid: s.Sid, Effect: s.Effect };
  if (s.Principal !== undefined) out.Principal = canonicalPrincipal(s.Principal);
  if (s.NotPrincipal !== undefined) out.NotPrincipal = canonicalPrincipal(s.NotPrincipal);
  if (s.Action !== undefined) out.Action = canonicalList(s.Action);
  if (s.NotAction !== undefined) out.NotAction = canonicalList(s.NotAction);
  if (s.Resource !== undefined) out.Resource = canonicalList(s.Resource);
  if (s.NotResource !== undefined) out.NotResource = canonicalList(s.NotResource);
  if (s.Condition !== undefined && Object.keys(s.Condition).length > 0) out.Condition = canonicalConditions(s.Condition);
  return out as unknown as PolicyStatement;
}

/** The canonical form of a whole document. */
export function canonicalPolicy(doc: PolicyDocument): PolicyDocument {
  return policyDocument(doc.Statement.map(canonicalStatement), doc.Id);
}

/** Canonical, compact JSON: what goes into a `policy` attribute of the synthesized output. */
export function renderPolicy(doc: PolicyDocument): string {
  return JSON.stringify(canonicalPolicy(doc));
}

/** The actions of a statement as a list. */
export function actionsOf(s: PolicyStatement): string[] {
  if (s.Action === undefined) return [];
  return typeof s.Action === "string" ? [s.Action] : [...s.Action];
}

/** The AWS principals of a statement as a list ("*" for a wildcard). */
export function awsPrincipalsOf(s: PolicyStatement): string[] {
  if (s.Principal === undefined) return [];
  if (s.Principal === "*") return ["*"];
  const aws = s.Principal.AWS;
  return aws === undefined ? [] : typeof aws === "string" ? [aws] : [...aws];
}
