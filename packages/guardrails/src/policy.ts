/**
 * Reading IAM policy documents out of synthesized attributes. Policies are literal JSON strings in
 * this project's output (docs/architecture.md), with Terraform references only inside string values, so they
 * can be parsed and evaluated without a provider.
 */
import {
  type IamStatement,
  KEY_ADMIN_ACTIONS,
  KEY_CRYPTOGRAPHIC_ACTIONS,
  KEY_IMPORT_ACTIONS,
  KEY_MULTI_REGION_ADMIN_ACTIONS,
  actionMatches,
  actionsOf,
  parsePolicy,
  statementLabel,
} from "@sse-kms/policy";
import { arnAccount, arnRegExp, isAccountId } from "@sse-kms/config";
import { failAll, isObject, notApplicable, strings } from "./json";
import type { Json, RuleContext, RuleResult, SynthesizedResource } from "./types";

/** The statements of a `policy` attribute, or why there are none to judge. */
export type PolicyStatements = { readonly ok: true; readonly statements: readonly IamStatement[] } | { readonly ok: false; readonly reason: string };

/**
 * The statements of a `policy` attribute, parsed by `@sse-kms/policy`'s parsePolicy. Not literal
 * JSON (a `jsonencode`/data source expression, a variable) is reported, not guessed. Values inside
 * statements are still read defensively: the JSON came from anywhere.
 */
export function policyStatementsOf(value: Json | undefined): PolicyStatements {
  if (value === undefined || value === null) return { ok: false, reason: "no policy" };
  if (typeof value !== "string") return { ok: false, reason: "the policy is not a string" };
  let statements = parsedPolicies.get(value);
  if (statements === undefined) {
    const parsed = parsePolicy(value);
    statements = parsed.ok ? { ok: true, statements: deepFreeze(parsed.document.Statement) } : parsed;
    if (parsedPolicies.size >= MAX_PARSED_POLICIES) parsedPolicies.clear();
    parsedPolicies.set(value, statements);
  }
  return statements;
}

/**
 * The statements of each policy text read: the rules of a pack read the same policy up to six
 * times (a key policy by the key rules, a bucket policy by the S3 and service-principal rules), and
 * parsing was a tenth of the pack's time in a synth. Frozen, so that no rule can change what
 * another reads; emptied when full, so a long-lived process (a test run) does not grow without end.
 */
const parsedPolicies = new Map<string, PolicyStatements>();
const MAX_PARSED_POLICIES = 2000;

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The Sid of a statement, or its position, for messages. */
export function statementName(s: IamStatement, index: number): string {
  return `statement ${statementLabel(s, index)}`;
}

export const isAllow = (s: IamStatement): boolean => s.Effect === "Allow";
export const isDeny = (s: IamStatement): boolean => s.Effect === "Deny";

/** The principals of a statement. `wildcard` is true for `"*"`, `{"AWS": "*"}` and any Allow with NotPrincipal. */
export interface Principals {
  readonly wildcard: boolean;
  readonly aws: string[];
  readonly service: string[];
  readonly federated: string[];
}

export function principalsOf(s: IamStatement): Principals {
  if (s.NotPrincipal !== undefined) return { wildcard: true, aws: [], service: [], federated: [] };
  const p = s.Principal;
  if (p === "*") return { wildcard: true, aws: ["*"], service: [], federated: [] };
  if (!isObject(p)) return { wildcard: false, aws: [], service: [], federated: [] };
  const aws = strings(p.AWS);
  return { wildcard: aws.includes("*"), aws, service: strings(p.Service), federated: strings(p.Federated) };
}

/** Every principal of a statement as one list of strings (`*` for a wildcard). */
export function allPrincipals(s: IamStatement): string[] {
  const p = principalsOf(s);
  const list = [...p.aws, ...p.service, ...p.federated];
  return p.wildcard && !list.includes("*") ? ["*", ...list] : list;
}

/** Whether the statement uses NotAction (in an Allow: everything but the listed actions). */
export const hasNotAction = (s: IamStatement): boolean => s.NotAction !== undefined;

/** Every action KMS knows in our tables: a pattern matching all of them is `kms:*` in effect. */
const ALL_KNOWN_KMS_ACTIONS: readonly string[] = [...KEY_ADMIN_ACTIONS, ...KEY_MULTI_REGION_ADMIN_ACTIONS, ...KEY_IMPORT_ACTIONS, ...KEY_CRYPTOGRAPHIC_ACTIONS];

/** Whether an Allow statement grants every KMS action (`kms:*`, `*`, or an Allow with NotAction). */
export function grantsFullKmsAccess(s: IamStatement): boolean {
  if (!isAllow(s)) return false;
  if (hasNotAction(s)) return true;
  return actionsOf(s).some((p) => ALL_KNOWN_KMS_ACTIONS.every((a) => actionMatches(p, a)));
}

/** The KMS actions an Allow statement grants from a list (NotAction: every action it does not exclude). */
export function grantedFrom(s: IamStatement, actions: readonly string[]): string[] {
  if (!isAllow(s)) return [];
  if (hasNotAction(s)) {
    const excluded = strings(s.NotAction);
    return actions.filter((a) => !excluded.some((p) => actionMatches(p, a)));
  }
  const patterns = actionsOf(s);
  return actions.filter((a) => patterns.some((p) => actionMatches(p, a)));
}

/** Cryptographic (key use) actions a statement grants. */
export const cryptoActionsGranted = (s: IamStatement): string[] => grantedFrom(s, KEY_CRYPTOGRAPHIC_ACTIONS);

/**
 * Actions that make a principal a key administrator: every action of the administration table that
 * changes the key or its policy (the read-only Describe/Get/List ones are harmless for users too).
 */
export const KEY_ADMIN_DEFINING_ACTIONS: readonly string[] = [...KEY_ADMIN_ACTIONS, ...KEY_MULTI_REGION_ADMIN_ACTIONS, ...KEY_IMPORT_ACTIONS].filter(
  (a) => !/^kms:(Describe|Get|List)/.test(a),
);

/** Condition entries for a key (condition keys are case-insensitive): operator and values. */
export function conditionEntries(s: IamStatement, key: string): { operator: string; values: string[] }[] {
  const out: { operator: string; values: string[] }[] = [];
  if (!isObject(s.Condition)) return out;
  for (const [operator, block] of Object.entries(s.Condition)) {
    if (!isObject(block)) continue;
    for (const [k, v] of Object.entries(block)) {
      if (k.toLowerCase() === key.toLowerCase()) {
        const values = (Array.isArray(v) ? v : [v]).map((x) => String(x));
        out.push({ operator, values });
      }
    }
  }
  return out;
}

/** Condition keys that pin a wildcard principal to known accounts, organisations or resources. */
const RESTRICTING_CONDITION_KEYS = [
  "aws:PrincipalAccount",
  "aws:PrincipalArn",
  "aws:PrincipalOrgID",
  "aws:PrincipalOrgPaths",
  "aws:SourceAccount",
  "aws:SourceArn",
  "aws:SourceOrgID",
  "aws:SourceOrgPaths",
  "kms:CallerAccount",
];

/**
 * Whether a statement's conditions restrict who the principal can be: one of the keys above with a
 * positive operator (StringEquals, StringLike, ArnEquals, ArnLike, not `...IfExists`, not `Null`)
 * and no bare `*` value.
 */
export function hasRestrictingCondition(s: IamStatement): boolean {
  return RESTRICTING_CONDITION_KEYS.some((key) =>
    conditionEntries(s, key).some(
      (c) =>
        /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/.test(c.operator) &&
        c.values.length > 0 &&
        !c.values.includes("*"),
    ),
  );
}

/** A `kms:ViaService` value that names S3 (`s3.<region>.<dns suffix>`, or a `s3.*` pattern). */
const S3_VIA_SERVICE = /^s3\.[a-z0-9*?-]+(\.[a-z0-9*?-]+)+$|^s3\.\*$/;

/**
 * Whether a statement can only be used through S3: a `kms:ViaService` condition with StringEquals
 * or StringLike (not `...IfExists`, which lets direct calls through) whose every value names S3.
 */
export function restrictedToS3(s: IamStatement): boolean {
  return conditionEntries(s, "kms:ViaService").some(
    (c) => /^(StringEquals|StringLike)$/.test(c.operator) && c.values.length > 0 && c.values.every((v) => S3_VIA_SERVICE.test(v)),
  );
}

const ROOT_ARN = arnRegExp("iam", "", "root");

/** Whether a principal string is an account root (`arn:<partition>:iam::<account>:root` or a bare account id). */
export function rootAccountOf(principal: string): string | undefined {
  if (ROOT_ARN.test(principal)) return arnAccount(principal);
  return isAccountId(principal) ? principal : undefined;
}

/**
 * The account a resource is deployed to, from its provider's `allowed_account_ids` (one account),
 * or undefined when the provider does not pin exactly one.
 */
export function accountOf(resource: SynthesizedResource, ctx: RuleContext): string | undefined {
  const provider = ctx.providerOf(resource);
  const ids = strings(provider?.config.allowed_account_ids);
  return ids.length === 1 ? ids[0] : undefined;
}

/**
 * Whether a principal is the root of the key's own account. When the account is unknown (the
 * provider does not pin one) any account root counts: another rule reports the unpinned provider.
 */
export function isOwnRoot(principal: string, keyAccount: string | undefined): boolean {
  const account = rootAccountOf(principal);
  return account !== undefined && (keyAccount === undefined || account === keyAccount);
}

/** The key-policy resource types every key-policy rule reads (each checks its own `policy`). */
export const KEY_POLICY_TYPES = ["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key", "aws_kms_key_policy"] as const;

/**
 * The common frame of the key-policy rules: parse the key's inline policy (not applicable when it
 * is absent or not literal JSON: SKB-KMS-9 reports that), hand its statements and the key's
 * account to `problemsOf`, and fail with every problem it returns.
 */
export function checkKeyPolicy(
  resource: SynthesizedResource,
  ctx: RuleContext,
  problemsOf: (statements: readonly IamStatement[], account: string | undefined) => string[],
): RuleResult {
  const policy = policyStatementsOf(resource.config.policy);
  if (!policy.ok) return notApplicable(`${policy.reason} (see SKB-KMS-9)`);
  return failAll(problemsOf(policy.statements, accountOf(resource, ctx)));
}
