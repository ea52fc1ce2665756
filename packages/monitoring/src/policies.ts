import { type PolicyStatement, accountRootArn } from "@sse-kms/policy";

/** The service principal that delivers EventBridge rule targets. */
export const EVENTS_SERVICE_PRINCIPAL = "events.amazonaws.com";

/** The encryption context SNS passes to KMS for an encrypted topic (its ARN). */
export const SNS_TOPIC_CONTEXT_KEY = "kms:EncryptionContext:aws:sns:topicArn";

/** Where a topic lives: ARNs are built from it. */
export interface TopicScope {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
}

/** `arn:<partition>:sns:<region>:<account>:<name>` */
export function topicArn(scope: TopicScope, name: string): string {
  return `arn:${scope.partition}:sns:${scope.region}:${scope.account}:${name}`;
}

/** ARN of a rule on the default event bus: `arn:<partition>:events:<region>:<account>:rule/<name>`. */
export function ruleArn(scope: TopicScope, name: string): string {
  return `arn:${scope.partition}:events:${scope.region}:${scope.account}:rule/${name}`;
}

/**
 * Key-policy statement of a topic's KMS key: EventBridge may generate data keys and decrypt them
 * (what SNS needs from a publisher of an encrypted topic) only for this topic (SNS's encryption
 * context `aws:sns:topicArn`) and only on behalf of this account's rules (`aws:SourceAccount`). No
 * administration, no other ciphertext.
 */
export function topicKeyUseByEventBridgeStatement(scope: TopicScope, topic: string): PolicyStatement {
  return {
    Sid: "TopicKeyUseByEventBridge",
    Effect: "Allow",
    Principal: { Service: EVENTS_SERVICE_PRINCIPAL },
    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
    Resource: "*",
    Condition: {
      StringEquals: { "aws:SourceAccount": scope.account, [SNS_TOPIC_CONTEXT_KEY]: topic },
    },
  };
}

/**
 * Topic-policy statement: only these rules (aws:SourceArn) of this account may publish. `owner`
 * (the stack name) makes the Sid unique when several stacks hand statements over to one topic.
 */
export function publishFromRulesStatement(scope: TopicScope, topic: string, ruleArns: readonly string[], owner = ""): PolicyStatement {
  const suffix = owner
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");
  return {
    Sid: `PublishFromKeyEventRules${suffix}`,
    Effect: "Allow",
    Principal: { Service: EVENTS_SERVICE_PRINCIPAL },
    Action: "sns:Publish",
    Resource: topic,
    Condition: { ArnEquals: { "aws:SourceArn": [...ruleArns] }, StringEquals: { "aws:SourceAccount": scope.account } },
  };
}

/**
 * Topic-policy statement: the account keeps the management rights the default SNS topic policy
 * gives it (through IAM policies), without `sns:Publish`, which only the rules get.
 */
export function topicManagementByAccountStatement(scope: TopicScope, topic: string): PolicyStatement {
  return {
    Sid: "TopicManagementByAccount",
    Effect: "Allow",
    Principal: { AWS: accountRootArn(scope.partition, scope.account) },
    Action: [
      "sns:AddPermission",
      "sns:DeleteTopic",
      "sns:GetTopicAttributes",
      "sns:ListSubscriptionsByTopic",
      "sns:RemovePermission",
      "sns:SetTopicAttributes",
      "sns:Subscribe",
    ],
    Resource: topic,
  };
}
