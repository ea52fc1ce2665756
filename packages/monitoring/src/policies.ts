/**
 * The policy statements of the key-event alarms. Every condition key in a statement for a service
 * principal is one the table of documented service-principal conditions (`SERVICE_PRINCIPAL_CALLS`
 * in `@sse-kms/policy`, with the AWS page and sentence of each) lists for that principal and call;
 * the guardrail SKB-SVC-1 checks it, and the comment next to each condition quotes the source.
 */
import { type PolicyStatement, accountRootArn } from "@sse-kms/policy";

/** The service principal that delivers EventBridge rule targets. */
export const EVENTS_SERVICE_PRINCIPAL = "events.amazonaws.com";

/** The service principal that runs CloudWatch alarm actions. */
export const CLOUDWATCH_SERVICE_PRINCIPAL = "cloudwatch.amazonaws.com";

/** The encryption context SNS passes to KMS for an encrypted topic (its ARN). */
export const SNS_TOPIC_CONTEXT_KEY = "kms:EncryptionContext:aws:sns:topicArn";

/** What a publisher (or the service publishing for it) needs on the key of an encrypted topic. */
export const TOPIC_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"] as const;

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

/** `arn:<partition>:sqs:<region>:<account>:<name>` */
export function queueArn(scope: TopicScope, name: string): string {
  return `arn:${scope.partition}:sqs:${scope.region}:${scope.account}:${name}`;
}

/** `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>` */
export function alarmArn(scope: TopicScope, name: string): string {
  return `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.account}:alarm:${name}`;
}

/**
 * Key-policy statement of a topic's KMS key: EventBridge may generate data keys and decrypt them
 * (what SNS needs from a publisher of an encrypted topic), and nothing else.
 *
 * - No `aws:SourceAccount` / `aws:SourceArn`: Amazon SNS Developer Guide, Key management,
 *   https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services :
 *   "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not
 *   supported for EventBridge-to-encrypted topics." The statement itself is the one that page gives:
 *   "To allow the AWS service to have the kms:GenerateDataKey* and kms:Decrypt permissions, add the
 *   following statement to the KMS policy." (events.amazonaws.com is listed there.)
 * - `kms:EncryptionContext:aws:sns:topicArn` with **StringEqualsIfExists**: SNS passes the topic ARN
 *   as encryption context, as AWS shows for another service publisher (Amazon GameLift FlexMatch
 *   guide, https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html :
 *   `"StringEquals": { "kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:your_region:your_account:your_sns_topic_name" }`),
 *   but neither the SNS nor the EventBridge guide states it for EventBridge. IfExists delivers either
 *   way: when SNS sends the context, only this topic's context is allowed (a topic of another account
 *   that names this key is refused); when it does not, the call still succeeds. The key encrypts
 *   this topic only (a key of its own), which scopes the grant by resource either way.
 */
export function topicKeyUseByEventBridgeStatement(_scope: TopicScope, topic: string): PolicyStatement {
  return {
    Sid: "TopicKeyUseByEventBridge",
    Effect: "Allow",
    Principal: { Service: EVENTS_SERVICE_PRINCIPAL },
    Action: [...TOPIC_KEY_ACTIONS],
    Resource: "*",
    Condition: { StringEqualsIfExists: { [SNS_TOPIC_CONTEXT_KEY]: topic } },
  };
}

/**
 * Topic-policy statement: EventBridge may publish, for these rules.
 *
 * `aws:SourceArn` with **ArnEqualsIfExists**: EventBridge documents the rule ARN as `aws:SourceArn`
 * for its resource-policy targets (EventBridge User Guide, "Using resource-based policies",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions :
 * `"Condition": { "ArnEquals": { "aws:SourceArn": "arn:aws:events:region:account-id:rule/bus-name/rule-name" } }`
 * for sqs:SendMessage), but its Amazon SNS example on the same page has no condition and no AWS page
 * says EventBridge sends it to sns:Publish. IfExists: when it is sent, only these rules publish (not
 * another rule, not a rule of another account); when it is not, deliveries still arrive. No
 * `aws:SourceAccount`: no AWS page shows EventBridge sending it to SNS (the rule ARN names the account).
 * `owner` (the stack name) makes the Sid unique when several stacks hand statements over to one topic.
 */
export function publishFromRulesStatement(_scope: TopicScope, topic: string, ruleArns: readonly string[], owner = ""): PolicyStatement {
  return {
    Sid: `PublishFromKeyEventRules${pascal(owner)}`,
    Effect: "Allow",
    Principal: { Service: EVENTS_SERVICE_PRINCIPAL },
    Action: "sns:Publish",
    Resource: topic,
    Condition: { ArnEqualsIfExists: { "aws:SourceArn": [...ruleArns] } },
  };
}

/**
 * Queue-policy statement of the rules' dead-letter queue: EventBridge may send the events it could
 * not deliver, for these rules only. `aws:SourceArn` with ArnEquals is documented for exactly this
 * call (EventBridge User Guide, "Using resource-based policies", Amazon SQS permissions,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions :
 * `"Sid": "AWSEvents_custom-eventbus-ack-sqs-rule_dlq_sqs-rule-target", ... "Action": "sqs:SendMessage", ...
 * "Condition": { "ArnEquals": { "aws:SourceArn": "arn:aws:events:region:account-id:rule/bus-name/rule-name" } }`).
 */
export function deadLetterFromRulesStatement(queue: string, ruleArns: readonly string[]): PolicyStatement {
  return {
    Sid: "DeadLettersFromKeyEventRules",
    Effect: "Allow",
    Principal: { Service: EVENTS_SERVICE_PRINCIPAL },
    Action: "sqs:SendMessage",
    Resource: queue,
    Condition: { ArnEquals: { "aws:SourceArn": [...ruleArns] } },
  };
}

/**
 * Key-policy statement of the delivery-alarm topic's key: CloudWatch may generate and decrypt data
 * keys for the stack's delivery alarms. Both conditions are documented for CloudWatch as an event
 * source of encrypted topics (Amazon SNS Developer Guide, Key management,
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services ,
 * which lists cloudwatch.amazonaws.com: "Add the aws:SourceAccount and aws:SourceArn condition keys to
 * the KMS resource policy to further protect the KMS key from confused deputy attacks." The page
 * excepts only EventBridge.)
 */
export function alarmTopicKeyUseByCloudWatchStatement(scope: TopicScope, alarmArns: readonly string[]): PolicyStatement {
  return {
    Sid: "AlarmTopicKeyUseByCloudWatch",
    Effect: "Allow",
    Principal: { Service: CLOUDWATCH_SERVICE_PRINCIPAL },
    Action: [...TOPIC_KEY_ACTIONS],
    Resource: "*",
    Condition: { StringEquals: { "aws:SourceAccount": scope.account }, ArnLike: { "aws:SourceArn": [...alarmArns] } },
  };
}

/**
 * Topic-policy statement of the delivery-alarm topic: CloudWatch may publish for these alarms only.
 * `aws:SourceArn` is documented for this call (AWS Knowledge Center, "Why didn't I receive an SNS
 * notification for my CloudWatch alarm trigger?",
 * https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger : "To restrict the
 * ability to publish messages to the topic for specific alarms, add global condition keys. The
 * following example policy uses the ArnLike condition operator and the aws:SourceArn global
 * condition key.").
 */
export function publishFromAlarmsStatement(topic: string, alarmArns: readonly string[]): PolicyStatement {
  return {
    Sid: "PublishFromDeliveryAlarms",
    Effect: "Allow",
    Principal: { Service: CLOUDWATCH_SERVICE_PRINCIPAL },
    Action: "sns:Publish",
    Resource: topic,
    Condition: { ArnLike: { "aws:SourceArn": [...alarmArns] } },
  };
}

/**
 * Topic-policy statement: the account keeps the management rights the default SNS topic policy
 * gives it (through IAM policies), without `sns:Publish`, which only the named sources get.
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

/** `test-stack` -> `TestStack` */
function pascal(owner: string): string {
  return owner
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");
}
