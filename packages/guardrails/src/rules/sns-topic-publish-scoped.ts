/**
 * SKB-SNS-3: an SNS topic policy lets a service or any principal publish only with a condition
 * that restricts the source (`aws:SourceArn`, `aws:SourceAccount`, ... with a positive operator):
 * without it, any rule (or any resource of the service) in any account could publish to the topic
 * (the confused-deputy problem), and forged alarms would look like real ones. For a service
 * principal, the `...IfExists` form counts where the table of documented service-principal
 * conditions (`@sse-kms/policy`) lists the key as only possibly sent on `sns:Publish` (EventBridge's
 * aws:SourceArn): it restricts whenever the key is sent and cannot block a delivery when it is not.
 *
 * No checkov equivalent; cdk-nag has none for topic policies. AWS documentation: "Cross-service
 * confused deputy prevention" (aws:SourceArn / aws:SourceAccount in resource policies).
 */
import { type IamStatement, conditionKeyVerdict } from "@sse-kms/policy";
import { failAll, notApplicable } from "../json";
import { conditionEntries, grantedFrom, hasRestrictingCondition, isAllow, policyStatementsOf, principalsOf, statementName } from "../policy";

/** Whether every service principal of the statement is restricted by an IfExists source condition the table lists as possibly sent. */
function restrictedIfSent(s: IamStatement, services: readonly string[]): boolean {
  return (
    services.length > 0 &&
    services.every((p) =>
      ["aws:SourceArn", "aws:SourceAccount"].some(
        (key) =>
          conditionKeyVerdict(p, "sns:Publish", key).kind === "possibly" &&
          conditionEntries(s, key).some(
            (c) => /^(ArnEquals|ArnLike|StringEquals|StringLike)IfExists$/.test(c.operator) && c.values.length > 0 && !c.values.includes("*"),
          ),
      ),
    )
  );
}
import type { GuardrailRule } from "../types";

export const snsTopicPublishScoped: GuardrailRule = {
  id: "SKB-SNS-3",
  name: "sns-topic-publish-scoped",
  description: "An SNS topic policy lets a service principal or any principal publish without restricting the source (aws:SourceArn / aws:SourceAccount).",
  rationale:
    "A service principal such as events.amazonaws.com acts for every customer: without aws:SourceArn (the rules) or aws:SourceAccount, a rule in another account could publish to the topic, and forged key alarms would look like real ones (the confused-deputy problem).",
  fix: 'Add "Condition": {"ArnEquals": {"aws:SourceArn": ["<source ARNs>"]}} with a key the service documents sending (for EventBridge, whose aws:SourceArn on sns:Publish is undocumented, "ArnEqualsIfExists": publishFromRulesStatement in @sse-kms/monitoring does).',
  appliesTo: ["aws_sns_topic_policy"],
  mappings: { other: ["AWS IAM: cross-service confused deputy prevention"] },
  check(resource) {
    const policy = policyStatementsOf(resource.config.policy);
    if (!policy.ok) return notApplicable(policy.reason);
    return failAll(
      policy.statements.flatMap((s, i) => {
        if (!isAllow(s) || grantedFrom(s, ["sns:Publish"]).length === 0) return [];
        const p = principalsOf(s);
        const open = p.wildcard || p.service.length > 0;
        return open && !hasRestrictingCondition(s) && !(!p.wildcard && restrictedIfSent(s, p.service))
          ? [`${statementName(s, i)} lets ${p.wildcard ? "any principal" : p.service.join(", ")} publish without aws:SourceArn or aws:SourceAccount`]
          : [];
      }),
    );
  },
};
