import type { ConditionExplain, RequestAnalysis } from "@cloud-copilot/iam-simulate";
import { type RequestContext, contextValue } from "./conditions";
import type { EncryptionContextNote, PreparedPolicy } from "./encryption-context";
import type { AccessDecision } from "./request";

type Analysis = NonNullable<RequestAnalysis["identityAnalysis"]>;
type StatementLists = Pick<Analysis, "allowStatements" | "denyStatements" | "unmatchedStatements">;
type StatementAnalysis = Analysis["allowStatements"][number];

/** What the explanation needs besides the simulator's analysis. */
export interface ExplainInput {
  readonly decision: AccessDecision;
  readonly principal: string;
  readonly action: string;
  readonly resourceArn: string;
  readonly analysis: RequestAnalysis;
  /** Label of the resource policy, e.g. `key policy aws_kms_key.data`. */
  readonly resourceLabel: string;
  readonly resourcePolicy?: PreparedPolicy;
  /** Identity policies by the name given to the simulator. */
  readonly identityPolicies: ReadonlyMap<string, PreparedPolicy>;
  readonly notes: readonly EncryptionContextNote[];
  readonly remarks: readonly string[];
  readonly context: RequestContext;
}

/** One statement the simulator evaluated, placed in its policy. */
interface Located {
  readonly label: string;
  readonly analysis: StatementAnalysis;
}

const show = (v: string | readonly string[] | undefined) =>
  v === undefined ? "missing" : typeof v === "string" ? JSON.stringify(v) : `[${v.map((x) => JSON.stringify(x)).join(", ")}]`;

function conditionText(c: ConditionExplain, context: RequestContext): string {
  const values = (Array.isArray(c.values) ? c.values : [c.values]).map((v) => v.value);
  const request = contextValue(context, c.conditionKeyValue);
  return `${c.operator} ${c.conditionKeyValue} ${show(values.length === 1 ? values[0] : values)} (request: ${show(request?.length === 1 ? request[0] : request)})`;
}

function locate(input: ExplainInput, analysis: StatementAnalysis, kind: "resource" | "identity"): Located {
  const prepared = kind === "resource" ? input.resourcePolicy : input.identityPolicies.get(analysis.policyId);
  const sid = analysis.statement.sid();
  const original = prepared?.originalIndex[analysis.statement.index() - 1];
  const which = sid !== undefined && sid !== "" ? `"${sid}"` : `#${(original ?? analysis.statement.index() - 1) + 1}`;
  const policy = kind === "resource" ? input.resourceLabel : `identity policy ${analysis.policyId}`;
  return { label: `${policy} ${which} (${analysis.statement.effect()})`, analysis };
}

function statements(input: ExplainInput, pick: (a: StatementLists) => StatementAnalysis[]): Located[] {
  const out: Located[] = [];
  const resource = input.analysis.resourceAnalysis;
  const identity = input.analysis.identityAnalysis;
  if (identity) out.push(...pick(identity).map((s) => locate(input, s, "identity")));
  if (resource) out.push(...pick(resource).map((s) => locate(input, s, "resource")));
  return out;
}

/** The statements that decided the outcome: every matching Deny, or every matching Allow. */
export function decisiveStatements(input: ExplainInput): Located[] {
  if (input.decision === "ExplicitlyDenied") return statements(input, (a) => a.denyStatements);
  if (input.decision === "Allowed") return statements(input, (a) => a.allowStatements);
  return [];
}

/** Statements that name this principal, action and resource but whose conditions failed. */
function nearMisses(input: ExplainInput): string[] {
  return statements(input, (a) => a.unmatchedStatements)
    .filter(({ analysis: s }) => s.actionMatch && s.resourceMatch && s.principalMatch !== "NoMatch" && s.conditionMatch !== "Match")
    .map(({ label, analysis }) => {
      const failed = (analysis.explain.conditions ?? []).filter((c) => !c.matches).map((c) => conditionText(c, input.context));
      return `${label}: ${failed.length > 0 ? failed.join("; ") : "conditions not met"}`;
    });
}

function implicitReasons(input: ExplainInput): string[] {
  const out: string[] = [];
  const { analysis } = input;
  const resource = analysis.resourceAnalysis;
  const identity = analysis.identityAnalysis;
  const accountLevel = (resource?.allowStatements ?? []).filter((s) => s.principalMatch === "AccountLevelMatch");
  if (accountLevel.length > 0 && identity?.result !== "Allowed") {
    const which = accountLevel.map((s) => locate(input, s, "resource").label).join(", ");
    out.push(`${which} allows the principal's account only, so an identity policy must allow it too, and none does`);
  } else if (resource && resource.result !== "Allowed" && resource.result !== "AllowedForAccount") {
    out.push(`no statement of the ${input.resourceLabel} allows it`);
  }
  if (identity && identity.result !== "Allowed" && input.principal !== "*") {
    const names = [...input.identityPolicies.keys()];
    const sameAccountResourceAllow = analysis.sameAccount && (resource?.allowStatements ?? []).some((s) => s.principalMatch === "Match");
    if (names.length === 0 && !sameAccountResourceAllow) out.push("the principal has no identity policy (pass identityPolicies, e.g. [allowAll])");
    else if (names.length > 0 && !sameAccountResourceAllow) out.push(`no statement of the identity policies (${names.join(", ")}) allows it`);
  }
  if (!analysis.sameAccount && input.principal !== "*") out.push("cross-account request: the resource policy and an identity policy must both allow it");
  return out;
}

/** Multi-line explanation of a simulation: decision, decisive statements, failed conditions, notes, context. */
export function explain(input: ExplainInput): { text: string; decisive: string[] } {
  const lines = [`${input.decision}: ${input.principal === "*" ? "anonymous (*)" : input.principal} ${input.action} on ${input.resourceArn}`];
  const identityNames = [...input.identityPolicies.keys()];
  lines.push(`  resource policy: ${input.resourceLabel}; identity policies: ${identityNames.length > 0 ? identityNames.join(", ") : "none"}`);
  const decisive = decisiveStatements(input);
  if (decisive.length > 0) {
    lines.push(input.decision === "Allowed" ? "  allowed by:" : "  explicitly denied by:");
    for (const d of decisive) {
      const conds = (d.analysis.explain.conditions ?? []).map((c) => conditionText(c, input.context));
      lines.push(`    - ${d.label}${conds.length > 0 ? ` when ${conds.join("; ")}` : ""}`);
    }
  }
  if (input.decision === "ImplicitlyDenied") {
    lines.push("  implicitly denied:");
    for (const r of implicitReasons(input)) lines.push(`    - ${r}`);
  }
  const misses = input.decision === "Allowed" ? [] : nearMisses(input);
  if (misses.length > 0) {
    lines.push("  statements for this principal/action whose conditions failed:");
    for (const m of misses) lines.push(`    - ${m}`);
  }
  if (input.notes.length > 0) {
    lines.push(
      "  kms:EncryptionContext:* and web identity (<provider>:aud|sub|...) conditions (evaluated by @sse-kms/testing; the simulator drops these keys):",
    );
    for (const n of input.notes) {
      const what = n.outcome === "held" ? "held, left the rest to the simulator" : "failed, statement does not apply";
      lines.push(`    - ${n.policy} ${n.statement} (${n.effect}) ${what}: ${n.conditions.join("; ")}`);
    }
  }
  for (const r of input.remarks) lines.push(`  note: ${r}`);
  const ctx = Object.keys(input.context)
    .sort()
    .map((k) => `${k}=${show(input.context[k])}`);
  lines.push(`  context: ${ctx.join(", ")}`);
  return { text: lines.join("\n"), decisive: decisive.map((d) => d.label) };
}
