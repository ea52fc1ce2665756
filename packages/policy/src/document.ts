/**
 * Typed IAM policy documents, rendered canonically: statements keep their order (it is part of
 * the design), while every action, resource and principal list and every condition block is
 * sorted and de-duplicated. The same policy therefore renders to the same bytes on every synth,
 * and the AWS provider sees no drift.
 */

export type Effect = "Allow" | "Deny";

/** One or more identifiers of one principal type. */
export type PrincipalIds = string | readonly string[];

/** `"*"` or a map of principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`) to one or more identifiers. */
export type Principal =
  "*" | { readonly AWS?: PrincipalIds; readonly Service?: PrincipalIds; readonly Federated?: PrincipalIds; readonly CanonicalUser?: PrincipalIds };

/** A condition value as IAM accepts it: one value or a list. */
export type ConditionValue = string | boolean | number | readonly (string | boolean | number)[];

/** Condition operator -> condition key -> value(s). */
export type Conditions = Readonly<Record<string, Readonly<Record<string, ConditionValue>>>>;

/**
 * One statement of any IAM policy (identity, key, bucket or trust policy) as IAM reads it: the
 * Sid is optional. What this project writes is a {@link PolicyStatement}.
 */
export interface IamStatement {
  /** Statement id. @default none */
  readonly Sid?: string;
  readonly Effect: Effect;
  readonly Principal?: Principal;
  readonly NotPrincipal?: Principal;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Conditions;
}

/** A statement this project writes: every statement has a Sid, unique within its document. */
export interface PolicyStatement extends IamStatement {
  readonly Sid: string;
}

/** Any IAM policy document, as IAM reads it (identity policies in tests, policies read from cdk.tf.json). */
export interface IamPolicyDocument {
  /** @default "2008-10-17" semantics when absent (IAM's rule); this project always writes "2012-10-17" */
  readonly Version?: "2012-10-17" | "2008-10-17";
  readonly Id?: string;
  readonly Statement: readonly IamStatement[];
}

/** A document this project writes: version 2012-10-17, statements with Sids. */
export interface PolicyDocument extends IamPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** The outcome of {@link parsePolicy}: the document, or why the text is not one. */
export type ParsedPolicy = { readonly ok: true; readonly document: IamPolicyDocument } | { readonly ok: false; readonly reason: string };

/**
 * Parses policy JSON (a `policy` attribute of cdk.tf.json, a document written by hand) and checks
 * its outline: a JSON object with a `Statement` (one object or a list) whose every statement has
 * Effect "Allow" or "Deny". A single statement becomes a list. Nothing else is checked: callers
 * judge the content.
 */
export function parsePolicy(json: string): ParsedPolicy {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    return { ok: false, reason: `the policy is not literal JSON (${(e as Error).message}; got ${json.length > 60 ? `${json.slice(0, 57)}...` : json})` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { ok: false, reason: "the policy is not a JSON object" };
  const statement = (parsed as { Statement?: unknown }).Statement;
  if (statement === undefined) return { ok: false, reason: "the policy has no Statement" };
  const list: unknown[] = Array.isArray(statement) ? statement : [statement];
  for (const [i, s] of list.entries()) {
    const effect = typeof s === "object" && s !== null && !Array.isArray(s) ? (s as { Effect?: unknown }).Effect : undefined;
    if (effect !== "Allow" && effect !== "Deny")
      return { ok: false, reason: `statement #${i + 1} of the policy needs Effect "Allow" or "Deny" (got ${JSON.stringify(effect ?? null)})` };
  }
  return { ok: true, document: { ...(parsed as IamPolicyDocument), Statement: list as IamStatement[] } };
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
const sortedUnique = <T extends string | boolean | number>(values: readonly T[]): T[] => {
  const byText = new Map<string, T>();
  for (const v of values) if (!byText.has(String(v))) byText.set(String(v), v);
  return [...byText.keys()].sort(byCodePoint).map((k) => byText.get(k) as T);
};

/** A single value stays a string; several become a sorted, de-duplicated list. */
function canonicalList(value: ConditionValue): string | boolean | number | (string | boolean | number)[] {
  if (!Array.isArray(value)) return value as string | boolean | number;
  const list = sortedUnique(value as readonly (string | boolean | number)[]);
  return list.length === 1 ? (list[0] as string | boolean | number) : list;
}

function canonicalPrincipal(p: Principal): Principal {
  if (p === "*") return p;
  const out: Record<string, string | string[]> = {};
  for (const key of Object.keys(p).sort()) {
    const v = (p as Record<string, PrincipalIds | undefined>)[key];
    if (v !== undefined) out[key] = canonicalList(v) as string | string[];
  }
  return out;
}

function canonicalConditions(c: Conditions): Conditions {
  const out: Record<string, Record<string, string | boolean | number | (string | boolean | number)[]>> = {};
  for (const op of Object.keys(c).sort()) {
    const block = c[op] ?? {};
    const inner: Record<string, string | boolean | number | (string | boolean | number)[]> = {};
    for (const key of Object.keys(block).sort()) inner[key] = canonicalList(block[key] as ConditionValue);
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

/**
 * The actions of a statement as a list. Read defensively: a statement parsed from JSON may hold
 * anything, and what is not a string is left out.
 */
export function actionsOf(s: IamStatement): string[] {
  const action: unknown = s.Action;
  if (action === undefined || action === null) return [];
  const list: readonly unknown[] = Array.isArray(action) ? action : [action];
  return list.filter((a): a is string => typeof a === "string");
}

/** A label for a statement in messages: `"<Sid>"`, or `#<1-based position>` when it has none. */
export function statementLabel(s: IamStatement, index: number): string {
  return typeof s.Sid === "string" && s.Sid !== "" ? `"${s.Sid}"` : `#${index + 1}`;
}

/** The AWS principals of a statement as a list ("*" for a wildcard). */
export function awsPrincipalsOf(s: IamStatement): string[] {
  if (s.Principal === undefined) return [];
  if (s.Principal === "*") return ["*"];
  const aws = s.Principal.AWS;
  return aws === undefined ? [] : typeof aws === "string" ? [aws] : [...aws];
}
