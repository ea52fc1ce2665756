/**
 * Minimal IAM policy document types for access simulation. Looser than `@sse-kms/policy`'s
 * (statements without Sid, any condition operator): identity policies written in tests and
 * policies read from `cdk.tf.json` both fit.
 */

/** A condition value as IAM accepts it. */
export type IamConditionValue = string | boolean | number | readonly (string | boolean | number)[];

/** Condition operator -> condition key -> value(s). */
export type IamConditionBlock = Readonly<Record<string, Readonly<Record<string, IamConditionValue>>>>;

/** `"*"` or a map of principal type to identifiers. */
export type IamPrincipal = "*" | Readonly<Record<string, string | readonly string[]>>;

/** One statement of an IAM policy document. */
export interface IamPolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: IamPrincipal;
  readonly NotPrincipal?: IamPrincipal;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: IamConditionBlock;
}

/** An IAM policy document (identity, key, bucket or trust policy). */
export interface IamPolicyDocument {
  readonly Version?: "2012-10-17" | "2008-10-17";
  readonly Id?: string;
  readonly Statement: readonly IamPolicyStatement[];
}

/** The identity policy `Allow *:*` (AdministratorAccess): shows the most a resource policy permits. */
export const allowAll: IamPolicyDocument = Object.freeze({
  Version: "2012-10-17",
  Statement: Object.freeze([Object.freeze({ Sid: "AllowAll", Effect: "Allow", Action: "*", Resource: "*" })]),
}) as IamPolicyDocument;

/** An identity policy that allows the given actions on the given resources (default `*`). */
export function allowActions(actions: string | readonly string[], resources: string | readonly string[] = "*", sid = "AllowActions"): IamPolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", Action: actions, Resource: resources }] };
}

/** Parses a policy JSON string and checks its outline (a `Statement` list of objects with an Effect). */
export function parsePolicy(json: string, where: string): IamPolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new Error(`${where}: the policy is not valid JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${where}: the policy is not a JSON object`);
  const statement = (parsed as { Statement?: unknown }).Statement;
  const list = Array.isArray(statement) ? statement : statement === undefined ? undefined : [statement];
  if (!list) throw new Error(`${where}: the policy has no Statement`);
  for (const s of list) {
    const effect = (s as { Effect?: unknown } | null)?.Effect;
    if (effect !== "Allow" && effect !== "Deny") throw new Error(`${where}: every statement needs Effect "Allow" or "Deny"`);
  }
  return { ...(parsed as IamPolicyDocument), Statement: list as IamPolicyStatement[] };
}

/** A label for a statement in explanations: its Sid, or its 1-based position. */
export function statementLabel(s: IamPolicyStatement, index: number): string {
  return s.Sid !== undefined && s.Sid !== "" ? `"${s.Sid}"` : `#${index + 1}`;
}
