/**
 * Suppressions (waivers): `suppress(construct, ruleId, reason)` silences one rule for a construct
 * and everything below it. The reason is mandatory (at least 10 characters), is stored as construct
 * metadata, and every suppression that silences a finding is written into the synthesized JSON
 * (`"//": {"guardrails_suppressions": [...]}` on the resource or provider block), so auditors can
 * list every waiver from cdk.tf.json alone: {@link listSuppressions}.
 */
import type { IConstruct } from "constructs";
import { isObject } from "./json";
import type { JsonObject, Suppression } from "./types";

/** Construct metadata type of a suppression. */
export const SUPPRESSION_METADATA_TYPE = "sse-kms/guardrails:suppression";
/** Key under a block's `//` metadata that lists the suppressions that silenced its findings. */
export const SUPPRESSIONS_JSON_KEY = "guardrails_suppressions";
/** The shortest reason accepted. */
export const MIN_REASON_LENGTH = 10;

const RULE_ID = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/;

/** A suppression without a usable rule id or reason. */
export class GuardrailSuppressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GuardrailSuppressionError";
  }
}

/** Why a suppression is unusable, or undefined when it is fine. */
export function suppressionProblem(path: string, ruleId: unknown, reason: unknown): string | undefined {
  if (typeof ruleId !== "string" || !RULE_ID.test(ruleId)) {
    return `${path}: a guardrail suppression must name a rule id such as "SKB-S3-1" (got ${JSON.stringify(ruleId)})`;
  }
  if (typeof reason !== "string" || reason.trim().length < MIN_REASON_LENGTH) {
    return `${path}: the suppression of ${ruleId} needs a reason of at least ${MIN_REASON_LENGTH} characters saying why the finding is acceptable (got ${JSON.stringify(reason ?? null)})`;
  }
  return undefined;
}

/**
 * Silences guardrail rule `ruleId` for `construct` and every resource below it, with a reason
 * (at least 10 characters) that ends up in the synthesized output. Throws when either is missing.
 *
 * @example suppress(bucket, "SKB-S3-1", "public website assets: aws/s3 is enough, no confidential data")
 */
export function suppress(construct: IConstruct, ruleId: string, reason: string): void {
  const problem = suppressionProblem(construct.node.path, ruleId, reason);
  if (problem) throw new GuardrailSuppressionError(problem);
  construct.node.addMetadata(SUPPRESSION_METADATA_TYPE, { ruleId, reason: reason.trim() });
}

/** The raw suppression entries declared on this construct itself (not validated). */
export function declaredOn(construct: IConstruct): { ruleId: unknown; reason: unknown; declaredAt: string }[] {
  return construct.node.metadata
    .filter((m) => m.type === SUPPRESSION_METADATA_TYPE)
    .map((m) => {
      const data = (m.data ?? {}) as { ruleId?: unknown; reason?: unknown };
      return { ruleId: data.ruleId, reason: data.reason, declaredAt: construct.node.path };
    });
}

/** The suppressions that apply to a construct: its own and its ancestors', nearest first. */
export function suppressionsFor(construct: IConstruct): Suppression[] {
  return [...construct.node.scopes]
    .reverse()
    .flatMap((c) => declaredOn(c))
    .filter((s): s is Suppression => typeof s.ruleId === "string" && typeof s.reason === "string");
}

/** One waiver as recorded in the synthesized JSON. */
export interface SuppressionRecord {
  /** Terraform address of the block the finding was on (`aws_s3_bucket.x`, `provider.aws.dst`). */
  readonly address: string;
  readonly ruleId: string;
  readonly reason: string;
  /** Construct path the suppression was declared on. */
  readonly declaredAt: string;
  /** What the rule found (the silenced finding). */
  readonly finding?: string;
}

function recordsIn(body: unknown, address: string): SuppressionRecord[] {
  if (!isObject(body) || !isObject(body["//"])) return [];
  const list = body["//"][SUPPRESSIONS_JSON_KEY];
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((r) => ({
    address,
    ruleId: String(r.rule),
    reason: String(r.reason),
    declaredAt: String(r.declaredAt),
    ...(typeof r.finding === "string" ? { finding: r.finding } : {}),
  }));
}

/**
 * Every suppression recorded in a synthesized stack (cdk.tf.json text or parsed), sorted by
 * address and rule: the auditor's list of waivers.
 */
export function listSuppressions(stackJson: string | JsonObject): SuppressionRecord[] {
  const json = typeof stackJson === "string" ? (JSON.parse(stackJson) as JsonObject) : stackJson;
  const out: SuppressionRecord[] = [];
  for (const kind of ["resource", "data"] as const) {
    const section = json[kind];
    if (!isObject(section)) continue;
    for (const [type, byName] of Object.entries(section)) {
      if (!isObject(byName)) continue;
      for (const [name, body] of Object.entries(byName)) out.push(...recordsIn(body, `${kind === "data" ? "data." : ""}${type}.${name}`));
    }
  }
  if (isObject(json.provider)) {
    for (const [name, list] of Object.entries(json.provider)) {
      for (const body of Array.isArray(list) ? list : [list]) {
        const alias = isObject(body) && typeof body.alias === "string" ? `.${body.alias}` : "";
        out.push(...recordsIn(body, `provider.${name}${alias}`));
      }
    }
  }
  return out.sort((a, b) => (a.address === b.address ? a.ruleId.localeCompare(b.ruleId) : a.address.localeCompare(b.address)));
}
