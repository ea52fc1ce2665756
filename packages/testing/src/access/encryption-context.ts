import { type RequestContext, evaluateCondition } from "./conditions";
import { type ConditionValue, type Conditions, type Effect, type IamPolicyDocument, type IamStatement, statementLabel } from "@sse-kms/policy";

/**
 * Why this layer exists: `@cloud-copilot/iam-simulate` 0.1.173 keeps a request context key only if
 * it is a known key of the action or a `/`-separated variable key (`aws:PrincipalTag/x`). Keys of the
 * form `kms:EncryptionContext:<context-key>` are dropped as unknown, so every condition on them
 * fails as "missing". We evaluate those conditions ourselves before the simulator sees the policy.
 */
export const ENCRYPTION_CONTEXT_PREFIX = "kms:EncryptionContext:";

/** Whether a condition key is a `kms:EncryptionContext:<context-key>` key (case-insensitive). */
export function isEncryptionContextKey(key: string): boolean {
  return key.toLowerCase().startsWith(ENCRYPTION_CONTEXT_PREFIX.toLowerCase()) && key.length > ENCRYPTION_CONTEXT_PREFIX.length;
}

/**
 * Web identity federation keys, `<provider>:aud`, `<provider>:sub`, `<provider>:amr`, `<provider>:azp`
 * and `<provider>:oaud`, where `<provider>` is the OIDC provider's host (and path), e.g.
 * `app.terraform.io:sub`. STS evaluates them on `sts:AssumeRoleWithWebIdentity` (IAM User Guide,
 * "Available keys for AWS OIDC federation",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif).
 * The simulator (0.1.173) drops them as unknown keys of the action, like the encryption-context keys,
 * so this layer evaluates them the same way.
 */
export function isWebIdentityKey(key: string): boolean {
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+(\/[^:]*)?:(aud|sub|amr|azp|oaud)$/i.test(key);
}

/** Keys this layer evaluates itself (the simulator drops them): encryption context and web identity federation keys. */
export function isSelfEvaluatedKey(key: string): boolean {
  return isEncryptionContextKey(key) || isWebIdentityKey(key);
}

/** What the layer did with one statement. */
export interface EncryptionContextNote {
  /** Which policy, e.g. `key policy aws_kms_key.data`. */
  readonly policy: string;
  /** The statement's Sid in quotes, or `#<n>`. */
  readonly statement: string;
  readonly effect: Effect;
  /** `held`: the conditions were removed and the rest left to the simulator; `failed`: the statement was removed. */
  readonly outcome: "held" | "failed";
  /** One line per encryption-context condition. */
  readonly conditions: readonly string[];
}

/** A policy with its encryption-context conditions evaluated. */
export interface PreparedPolicy {
  readonly document: IamPolicyDocument;
  /** `originalIndex[i]` is the 0-based index, in the input, of statement `i` of `document`. */
  readonly originalIndex: readonly number[];
  readonly notes: readonly EncryptionContextNote[];
}

/**
 * Evaluates every `kms:EncryptionContext:*` condition of a policy against the request context and
 * rewrites the policy for the simulator. Semantics, per statement:
 *
 * - A statement's Condition is the AND of all its (operator, key) entries, so the encryption-context
 *   entries can be decided on their own (see {@link evaluateCondition} for the IAM rules applied:
 *   missing keys, negated operators, IfExists, ForAnyValue/ForAllValues, Null, case).
 * - If they all hold, they are removed and the rest of the Condition is left to the simulator:
 *   AND-ing with true changes nothing.
 * - If one fails, the whole Condition is false, so the statement cannot match this request whatever
 *   its effect: an Allow that cannot apply grants nothing and a Deny whose condition is false denies
 *   nothing. The statement is removed for this evaluation. Removing a Deny is therefore only right
 *   because its condition is really false; negated operators are where this matters: a Deny with
 *   `StringNotEquals kms:EncryptionContext:x` *holds* when the key is missing (IAM's rule), so such a
 *   Deny stays in and fires, exactly as in AWS.
 * - Statements without such conditions pass through untouched.
 */
export function applyEncryptionContextConditions(document: IamPolicyDocument, context: RequestContext, policy: string): PreparedPolicy {
  const statements: IamStatement[] = [];
  const originalIndex: number[] = [];
  const notes: EncryptionContextNote[] = [];
  document.Statement.forEach((statement, index) => {
    const split = splitCondition(statement.Condition);
    if (split.encryptionContext.length === 0) {
      statements.push(statement);
      originalIndex.push(index);
      return;
    }
    const outcomes = split.encryptionContext.map(([op, key, value]) => evaluateCondition(op, key, value, context));
    const holds = outcomes.every((o) => o.holds);
    notes.push({
      policy,
      statement: statementLabel(statement, index),
      effect: statement.Effect,
      outcome: holds ? "held" : "failed",
      conditions: outcomes.map((o) => o.reason),
    });
    if (!holds) return;
    const { Condition: _dropped, ...rest } = statement;
    statements.push(Object.keys(split.rest).length > 0 ? { ...rest, Condition: split.rest } : rest);
    originalIndex.push(index);
  });
  return { document: { ...document, Statement: statements }, originalIndex, notes };
}

function splitCondition(condition: Conditions | undefined): {
  encryptionContext: [string, string, ConditionValue][];
  rest: Record<string, Record<string, ConditionValue>>;
} {
  const encryptionContext: [string, string, ConditionValue][] = [];
  const rest: Record<string, Record<string, ConditionValue>> = {};
  for (const [op, block] of Object.entries(condition ?? {})) {
    for (const [key, value] of Object.entries(block)) {
      if (isSelfEvaluatedKey(key)) encryptionContext.push([op, key, value]);
      else (rest[op] ??= {})[key] = value;
    }
  }
  return { encryptionContext, rest };
}
