/**
 * SKB-SNS-3: an SNS topic policy lets a service or any principal publish only with a condition
 * that restricts the source (`aws:SourceArn`, `aws:SourceAccount`, ... with a positive operator):
 * without it, any rule (or any resource of the service) in any account could publish to the topic
 * (the confused-deputy problem), and forged alarms would look like real ones.
 *
 * No checkov equivalent; cdk-nag has none for topic policies. AWS documentation: "Cross-service
 * confused deputy prevention" (aws:SourceArn / aws:SourceAccount in resource policies).
 */
import { failAll, notApplicable } from "../json";
import { grantedFrom, hasRestrictingCondition, isAllow, policyStatementsOf, principalsOf, statementName } from "../policy";
import type { GuardrailRule } from "../types";

export const snsTopicPublishScoped: GuardrailRule = {
  id: "SKB-SNS-3",
  name: "sns-topic-publish-scoped",
  description: "An SNS topic policy lets a service principal or any principal publish without restricting the source (aws:SourceArn / aws:SourceAccount).",
  rationale:
    "A service principal such as events.amazonaws.com acts for every customer: without aws:SourceArn (the rules) or aws:SourceAccount, a rule in another account could publish to the topic, and forged key alarms would look like real ones (the confused-deputy problem).",
  fix: 'Add "Condition": {"ArnEquals": {"aws:SourceArn": ["<rule ARNs>"]}, "StringEquals": {"aws:SourceAccount": "<account>"}} (publishFromRulesStatement in @sse-kms/monitoring does).',
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
        return open && !hasRestrictingCondition(s)
          ? [`${statementName(s, i)} lets ${p.wildcard ? "any principal" : p.service.join(", ")} publish without aws:SourceArn or aws:SourceAccount`]
          : [];
      }),
    );
  },
};
