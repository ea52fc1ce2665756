/**
 * SKB-SVC-1: a statement that allows a service principal (`events.amazonaws.com`, ...) conditions
 * only on keys that AWS documents that service sending on that call, as recorded with their sources
 * in the table of documented service-principal conditions (`SERVICE_PRINCIPAL_CALLS`,
 * `@sse-kms/policy`): a key the table does not list for that principal and action, or lists as not
 * sent, is a finding; a key the table lists as only `possibly` sent must be used with an
 * `...IfExists` operator (it then scopes the call when sent and lets it through when not).
 *
 * Why: a service evaluates the statement with the keys it actually sends. A required key it does not
 * send makes the condition false, the Allow does not apply, and the service is denied with nothing in
 * the plan or the synthesized policy to show it: the Amazon SNS Developer Guide (Key management)
 * records "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not
 * supported for EventBridge-to-encrypted topics." Deny statements are not checked (a missing key
 * makes a Deny not apply: that is a different rule's question).
 *
 * No checkov / cdk-nag equivalent (their rules ask for aws:SourceArn/aws:SourceAccount everywhere,
 * which is exactly what breaks EventBridge-to-encrypted-SNS).
 */
import { type IamStatement, type ServicePrincipalCall, actionsOf, conditionKeyVerdict, isServicePrincipal } from "@sse-kms/policy";
import { failAll, isObject, notApplicable } from "../json";
import { isAllow, policyStatementsOf, principalsOf, statementName } from "../policy";
import type { Json, GuardrailRule, SynthesizedResource } from "../types";

/** The policy attribute of each resource type the rule reads. */
const POLICY_ATTRIBUTES: Readonly<Record<string, string>> = {
  aws_kms_key: "policy",
  aws_kms_external_key: "policy",
  aws_kms_replica_key: "policy",
  aws_kms_replica_external_key: "policy",
  aws_kms_key_policy: "policy",
  aws_sns_topic_policy: "policy",
  aws_sqs_queue_policy: "policy",
  aws_s3_bucket_policy: "policy",
  aws_iam_role: "assume_role_policy",
};

/** Every (operator, key) pair of a statement's Condition. */
function conditionPairs(s: IamStatement): { operator: string; key: string }[] {
  if (!isObject(s.Condition)) return [];
  return Object.entries(s.Condition).flatMap(([operator, block]) => (isObject(block) ? Object.keys(block).map((key) => ({ operator, key })) : []));
}

const cite = (call: ServicePrincipalCall): string => `${call.principal} ${call.actions.join("/")}`;

/** The problems of one Allow statement for service principals. */
export function undocumentedConditionProblems(s: IamStatement, index: number): string[] {
  if (!isAllow(s)) return [];
  const services = principalsOf(s).service.filter(isServicePrincipal);
  const pairs = conditionPairs(s);
  if (services.length === 0 || pairs.length === 0) return [];
  const name = statementName(s, index);
  if (s.NotAction !== undefined)
    return [
      `${name} allows ${services.join(", ")} everything but NotAction with conditions: name the actions, so each condition can be checked against the table`,
    ];
  const problems: string[] = [];
  for (const principal of services) {
    for (const action of actionsOf(s)) {
      for (const { operator, key } of pairs) {
        const v = conditionKeyVerdict(principal, action, key);
        const at = `${name} (${principal}, ${action}) conditions on ${key}`;
        if (v.kind === "unknown-call")
          problems.push(
            `${at}, but the table of documented service-principal conditions has no row for this call: add one with the AWS page that documents the key, or drop the condition`,
          );
        else if (v.kind === "undocumented")
          problems.push(
            `${at}, which AWS does not document ${principal} sending on this call (table row: ${cite(v.call)}; documented: ${v.call.keys.map((k) => k.key).join(", ") || "none"})`,
          );
        else if (v.kind === "not-sent") problems.push(`${at}, which AWS documents as not sent: ${v.entry.source.url}: "${v.entry.source.quote}"`);
        else if (v.kind === "possibly" && !/IfExists$/.test(operator))
          problems.push(
            `${at} with ${operator}, but AWS documents that key for this call only possibly (${v.entry.note ?? v.entry.source.url}): use ${operator}IfExists so the call works either way`,
          );
      }
    }
  }
  return [...new Set(problems)];
}

export const servicePrincipalDocumentedConditions: GuardrailRule = {
  id: "SKB-SVC-1",
  name: "service-principal-documented-conditions",
  description:
    "A policy statement for a service principal conditions on a key AWS does not document that service sending on that call (or requires a key documented only as possibly sent).",
  rationale:
    "A service is judged with the keys it actually sends: a required key it does not send makes the Allow inapplicable and the service is denied, silently (EventBridge publishing to an encrypted SNS topic sends no aws:SourceAccount/aws:SourceArn to KMS). Only keys in the table of documented service-principal conditions, each with its AWS page and sentence, may be used.",
  fix: "Drop the condition, use the ...IfExists form for a key the table lists as possibly sent, or add a row to SERVICE_PRINCIPAL_CALLS (@sse-kms/policy) citing the AWS page that documents the key for that service and call.",
  appliesTo: Object.keys(POLICY_ATTRIBUTES),
  mappings: { other: ["Amazon SNS Developer Guide: key management (EventBridge-to-encrypted topics)", "AWS IAM: global condition keys, Availability"] },
  check(resource: SynthesizedResource) {
    const attribute = POLICY_ATTRIBUTES[resource.type] ?? "policy";
    const policy = policyStatementsOf(resource.config[attribute] as Json | undefined);
    if (!policy.ok) return notApplicable(policy.reason);
    // A policy with no service-principal statement conditions on nothing a service sends: compliant.
    return failAll(policy.statements.flatMap((s, i) => undocumentedConditionProblems(s, i)));
  },
};
