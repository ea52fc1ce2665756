import { createHash } from "node:crypto";
import { AccountId, partitionOf } from "@sse-kms/config";
import { requireKnownRegion, requireProp, requireValid } from "@sse-kms/construct-kit";
import { EncryptionKey } from "@sse-kms/key";
import { type PolicyStatement, policyDocument, renderPolicy } from "@sse-kms/policy";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { Lazy, TerraformOutput, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { kmsApiCallPattern, kmsServiceEventPattern } from "./events";
import { TOPIC_HANDOVER_OUTPUTS } from "./handover";
import {
  type TopicScope,
  alarmArn,
  alarmTopicKeyUseByCloudWatchStatement,
  deadLetterFromRulesStatement,
  publishFromAlarmsStatement,
  publishFromRulesStatement,
  queueArn,
  ruleArn,
  topicArn,
  topicKeyUseByEventBridgeStatement,
  topicManagementByAccountStatement,
} from "./policies";

/** EventBridge rule names: 1..64 characters of `[.\-_A-Za-z0-9]`. */
const RULE_NAME_MAX = 64;
/** SNS topic names: 1..256 characters of `[A-Za-z0-9_-]`. */
const TOPIC_NAME_MAX = 256;
/** SQS queue names: 1..80 characters of `[A-Za-z0-9_-]`. */
const QUEUE_NAME_MAX = 80;
/** CloudWatch alarm names: 1..255 characters. */
const ALARM_NAME_MAX = 255;
/** SQS's longest message retention, 14 days (SQS Developer Guide, quotas): time to fix and redrive. */
const DLQ_RETENTION_SECONDS = 1_209_600;
/** Alarm period: EventBridge and SQS publish these metrics per minute / per 5 minutes. */
const ALARM_PERIOD_SECONDS = 300;

/** The topic the alarms publish to. */
export type KeyEventTopic =
  | {
      /** Create a topic (and the KMS key that encrypts it). */
      readonly create: {
        /** Administrators of the topic key (lifecycle only). @default [] (the account root manages it) */
        readonly keyAdministrators?: readonly string[];
        /** Deletion window of the topic key, 7..30 days. @default 30 */
        readonly deletionWindowInDays?: number;
      };
    }
  | {
      /** An existing standard topic of the same account and region; its owner adds the hand-over statements. */
      readonly existingTopicArn: string;
    };

/** Properties of {@link KeyEventAlarms}. */
export interface KeyEventAlarmsProps {
  /** ARNs of the keys to watch (Terraform references allowed). Must be keys of `account` and `region`. */
  readonly keyArns: readonly string[];
  /** Account of the keys, rules and topic (12 digits). */
  readonly account: string;
  /** Region of the keys, rules and topic. */
  readonly region: string;
  /** Prefix of the rule and topic names, usually the stack name (`<env>-<blueprint>`). */
  readonly namePrefix: string;
  /** Where the alarms go. */
  readonly topic: KeyEventTopic;
  /** Also watch the keys this construct creates (the topic key and the delivery-alarm key). @default true */
  readonly watchTopicKey?: boolean;
  /** `lifecycle.prevent_destroy` on the topic key. @default false */
  readonly preventDestroy?: boolean;
  /** The AWS provider of the rules and topic (the keys' account and region). @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/**
 * Alarms on the events of KMS keys: two EventBridge rules on the default bus of the keys' account
 * and region, each with the SNS topic as target, and a path that reports their failures.
 *
 * - `kms_key_events`: the events KMS sends itself (`KMS CMK Deletion`, `KMS CMK Rotation`,
 *   `KMS Imported Key Material Expiration`), no CloudTrail needed;
 * - `kms_key_api_calls`: the calls of {@link KMS_API_CALLS} on those keys, which EventBridge receives
 *   only from a CloudTrail trail logging management events in that region.
 *
 * Nothing is lost silently: both targets have the dead-letter queue `<prefix>-key-events-dlq`
 * (SSE-SQS, 14 days), and three CloudWatch alarms (each rule's `FailedInvocations`, and messages in
 * the dead-letter queue) publish to a second topic, `<prefix>-key-events-delivery-alarms`, encrypted
 * with a key of its own (`aws_kms_key.key_events_delivery`) whose policy lets CloudWatch use it for
 * those alarms only. That path shares nothing with the one it reports on (another topic, another
 * key, another publisher).
 *
 * With `topic.create`, the construct also creates the topic `<prefix>-key-events`, encrypted with a
 * customer-managed key of its own (`aws_kms_key.key_events`: the AWS managed `alias/aws/sns` key's
 * policy cannot be changed to let EventBridge use it), whose policy lets `events.amazonaws.com` use
 * it (see {@link topicKeyUseByEventBridgeStatement} for the conditions and their sources), and a
 * topic policy that lets EventBridge publish for the two rules. With `topic.existingTopicArn`, the
 * topic's owner adds the statements the stack outputs (`key_events_topic_policy_statement`, and
 * `key_events_topic_key_policy_statement` for an encrypted topic).
 */
export class KeyEventAlarms extends Construct {
  /** The topic ARN (a literal: the created topic's ARN is known before apply). */
  readonly topicArn: string;
  /** The key that encrypts a created topic. */
  readonly topicKey?: EncryptionKey;
  readonly serviceEventRule: CloudwatchEventRule;
  readonly apiCallRule: CloudwatchEventRule;
  /** ARNs of the two rules (literal). */
  readonly ruleArns: readonly string[];
  /** The statement the topic's owner adds (existing topic) or the topic policy holds (created topic). */
  readonly publishStatement: PolicyStatement;
  /** The statement the topic key's policy needs for EventBridge. */
  readonly topicKeyStatement: PolicyStatement;
  /** The dead-letter queue of both targets (ARN, literal). */
  readonly deadLetterQueueArn: string;
  /** The topic the delivery alarms publish to (ARN, literal). */
  readonly deliveryAlarmTopicArn: string;
  /** The key that encrypts the delivery-alarm topic. */
  readonly deliveryAlarmKey: EncryptionKey;
  /** The delivery alarms: `FailedInvocations` of each rule, then the dead-letter queue's visible messages. */
  readonly deliveryAlarms: readonly CloudwatchMetricAlarm[];
  private readonly watched: string[];

  constructor(scope: Construct, id: string, props: KeyEventAlarmsProps) {
    super(scope, id);
    const path = this.node.path;
    requireValid(AccountId, props.account, { constructPath: path, prop: "account", fix: "pass the account id as a 12-digit string" });
    requireKnownRegion(path, "region", props.region);
    requireProp(/^[A-Za-z0-9_-]+$/.test(props.namePrefix), {
      constructPath: path,
      prop: "namePrefix",
      rule: "must be letters, digits, '-' or '_' (it starts rule and topic names)",
      received: props.namePrefix,
      fix: "use the stack name",
    });
    const where: TopicScope = { partition: partitionOf(props.region), account: props.account, region: props.region };

    let topic: string;
    if ("existingTopicArn" in props.topic) {
      const arn = props.topic.existingTopicArn;
      const parts = arn.split(":");
      requireProp(parts[0] === "arn" && parts[2] === "sns" && parts[3] === props.region && parts[4] === props.account && parts.length === 6, {
        constructPath: path,
        prop: "topic.existingTopicArn",
        rule: `must be an SNS topic ARN in account ${props.account} and region ${props.region} (EventBridge delivers to an SNS topic of the rule's region)`,
        received: arn,
        fix: `use a topic arn:${where.partition}:sns:${props.region}:${props.account}:<name>, or create one with topic.create`,
      });
      topic = arn;
    } else {
      topic = topicArn(where, boundedName(`${props.namePrefix}-key-events`, TOPIC_NAME_MAX));
    }
    this.topicArn = topic;
    this.topicKeyStatement = topicKeyUseByEventBridgeStatement(where, topic);

    const ruleNames = {
      events: boundedName(`${props.namePrefix}-kms-key-events`, RULE_NAME_MAX),
      calls: boundedName(`${props.namePrefix}-kms-key-api-calls`, RULE_NAME_MAX),
    };
    this.ruleArns = [ruleArn(where, ruleNames.events), ruleArn(where, ruleNames.calls)].sort();
    this.publishStatement = publishFromRulesStatement(where, topic, this.ruleArns, props.namePrefix);

    const created = "create" in props.topic ? props.topic.create : undefined;
    const keyAdministrators = created?.keyAdministrators ?? [];
    const deletionWindowInDays = created?.deletionWindowInDays;

    this.watched = [...props.keyArns];
    let topicResource: SnsTopic | undefined;
    if (created) {
      const key = new EncryptionKey(this, "TopicKey", {
        name: "key-events",
        terraformName: "key_events",
        account: props.account,
        region: props.region,
        description: `${props.namePrefix}: encrypts the key-events SNS topic (managed by sse-kms-blueprints)`,
        administrators: keyAdministrators,
        deletionWindowInDays,
        preventDestroy: props.preventDestroy ?? false,
        provider: props.provider,
      });
      key.addToResourcePolicy(this.topicKeyStatement);
      this.topicKey = key;
      if (props.watchTopicKey ?? true) this.watched.push(key.keyArn);
      topicResource = new SnsTopic(this, "Topic", {
        name: topic.split(":")[5] as string,
        kmsMasterKeyId: key.keyArn,
        provider: props.provider,
      });
      topicResource.overrideLogicalId("key_events");
      // The topic's ARN is known before apply: write it literally (with an explicit dependency) so
      // the policies read the same in the plan, the access proofs and `terraform test`'s mocks.
      new SnsTopicPolicy(this, "TopicPolicy", {
        arn: topic,
        dependsOn: [topicResource],
        policy: renderPolicy(policyDocument([this.publishStatement, topicManagementByAccountStatement(where, topic)])),
        provider: props.provider,
      }).overrideLogicalId("key_events");
    }
    requireProp(this.watched.length > 0, {
      constructPath: path,
      prop: "keyArns",
      rule: "must name at least one key to watch",
      received: [],
      fix: "pass the ARNs of the stack's keys, or do not create the alarms",
    });

    // The dead-letter queue of both targets. EventBridge User Guide, "Using dead-letter queues to
    // process undelivered events" (https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html):
    // "for errors that result from missing permissions to a target, or a target resource that no
    // longer exists, all retry attempts fail until an action is taken to resolve the underlying
    // issue. Rather than retrying, EventBridge sends these events directly to the DLQ, if you have
    // one." and "If an event isn't delivered after all retry attempts are exhausted, the event is
    // dropped". Encryption: SSE-SQS (SQS-owned keys, `sqs_managed_sse_enabled`), not SSE-KMS: the
    // EventBridge guide says nothing about DLQs encrypted with a customer-managed key, and with
    // SSE-SQS no key policy exists that could refuse EventBridge, so this path cannot fail the way
    // the one it backs up can (Amazon SQS Developer Guide, "Encryption at rest",
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html :
    // "SSE protects the contents of messages in queues using SQS-managed encryption keys (SSE-SQS) or
    // keys managed in the AWS Key Management Service (SSE-KMS).").
    const queueName = boundedName(`${props.namePrefix}-key-events-dlq`, QUEUE_NAME_MAX);
    this.deadLetterQueueArn = queueArn(where, queueName);
    const queue = new SqsQueue(this, "DeadLetterQueue", {
      name: queueName,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      provider: props.provider,
    });
    queue.overrideLogicalId("key_events_dlq");
    new SqsQueuePolicy(this, "DeadLetterQueuePolicy", {
      queueUrl: queue.id,
      policy: renderPolicy(policyDocument([deadLetterFromRulesStatement(this.deadLetterQueueArn, this.ruleArns)])),
      provider: props.provider,
    }).overrideLogicalId("key_events_dlq");

    const rule = (id: string, name: string, description: string, pattern: () => Record<string, unknown>) => {
      const r = new CloudwatchEventRule(this, `${id}Rule`, {
        name,
        description,
        eventPattern: Lazy.stringValue({ produce: () => JSON.stringify(pattern()) }),
        provider: props.provider,
      });
      r.overrideLogicalId(terraformId(id));
      new CloudwatchEventTarget(this, `${id}Target`, {
        rule: r.name,
        targetId: "sns",
        arn: topic,
        // No role_arn: "For targets that use resource-based policies (Lambda, Amazon SNS, Amazon SQS,
        // and Amazon CloudWatch Logs), do not specify a RoleArn in the target configuration."
        // (EventBridge User Guide, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html)
        deadLetterConfig: { arn: this.deadLetterQueueArn },
        dependsOn: topicResource ? [topicResource, queue] : [queue],
        provider: props.provider,
      }).overrideLogicalId(terraformId(id));
      return r;
    };
    this.serviceEventRule = rule("KmsKeyEvents", ruleNames.events, "KMS key deletion, rotation and imported-material expiration (sent by KMS)", () =>
      kmsServiceEventPattern(this.watched),
    );
    this.apiCallRule = rule(
      "KmsKeyApiCalls",
      ruleNames.calls,
      "Disabling, deletion, policy, grant, rotation and imported-material calls on the stack's keys (needs a CloudTrail trail with management events)",
      () => kmsApiCallPattern(this.watched),
    );

    // The delivery alarms and their own topic and key.
    const alarmNames = {
      events: boundedName(`${ruleNames.events}-failed-deliveries`, ALARM_NAME_MAX),
      calls: boundedName(`${ruleNames.calls}-failed-deliveries`, ALARM_NAME_MAX),
      dlq: boundedName(`${queueName}-not-empty`, ALARM_NAME_MAX),
    };
    const alarmArns = [alarmArn(where, alarmNames.calls), alarmArn(where, alarmNames.dlq), alarmArn(where, alarmNames.events)].sort();
    this.deliveryAlarmTopicArn = topicArn(where, boundedName(`${props.namePrefix}-key-events-delivery-alarms`, TOPIC_NAME_MAX));
    const alarmKey = new EncryptionKey(this, "DeliveryAlarmKey", {
      name: "key-events-delivery",
      terraformName: "key_events_delivery",
      account: props.account,
      region: props.region,
      description: `${props.namePrefix}: encrypts the SNS topic of the key-event delivery alarms (managed by sse-kms-blueprints)`,
      administrators: keyAdministrators,
      deletionWindowInDays,
      preventDestroy: props.preventDestroy ?? false,
      provider: props.provider,
    });
    alarmKey.addToResourcePolicy(alarmTopicKeyUseByCloudWatchStatement(where, alarmArns));
    this.deliveryAlarmKey = alarmKey;
    if (props.watchTopicKey ?? true) this.watched.push(alarmKey.keyArn);
    const alarmTopic = new SnsTopic(this, "DeliveryAlarmTopic", {
      name: this.deliveryAlarmTopicArn.split(":")[5] as string,
      kmsMasterKeyId: alarmKey.keyArn,
      provider: props.provider,
    });
    alarmTopic.overrideLogicalId("key_events_delivery_alarms");
    new SnsTopicPolicy(this, "DeliveryAlarmTopicPolicy", {
      arn: this.deliveryAlarmTopicArn,
      dependsOn: [alarmTopic],
      policy: renderPolicy(
        policyDocument([
          publishFromAlarmsStatement(this.deliveryAlarmTopicArn, alarmArns),
          topicManagementByAccountStatement(where, this.deliveryAlarmTopicArn),
        ]),
      ),
      provider: props.provider,
    }).overrideLogicalId("key_events_delivery_alarms");

    // FailedInvocations: EventBridge User Guide, rule-dlq.html: "When an event delivery fails,
    // EventBridge publishes an event to Amazon CloudWatch metrics indicating that a target invocation
    // failed." It counts failures that were sent to the DLQ and those that could not be
    // (InvocationsFailedToBeSentToDLQ), so it alarms even when the DLQ itself is broken.
    // ApproximateNumberOfMessagesVisible stays above zero until someone drains the queue: the alarm
    // stays in ALARM while undelivered key events wait there.
    const alarm = (
      id: string,
      name: string,
      description: string,
      metric: { namespace: string; metricName: string; statistic: string; dimensions: Record<string, string> },
    ) => {
      const a = new CloudwatchMetricAlarm(this, id, {
        alarmName: name,
        alarmDescription: description,
        namespace: metric.namespace,
        metricName: metric.metricName,
        dimensions: metric.dimensions,
        statistic: metric.statistic,
        period: ALARM_PERIOD_SECONDS,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // The metrics have no data points while nothing fails: that is the healthy state.
        treatMissingData: "notBreaching",
        alarmActions: [this.deliveryAlarmTopicArn],
        okActions: [this.deliveryAlarmTopicArn],
        dependsOn: [alarmTopic],
        provider: props.provider,
      });
      a.overrideLogicalId(terraformId(id));
      return a;
    };
    const failed = (ruleName: string) => ({ namespace: "AWS/Events", metricName: "FailedInvocations", statistic: "Sum", dimensions: { RuleName: ruleName } });
    this.deliveryAlarms = [
      alarm(
        "KmsKeyEventsFailedDeliveries",
        alarmNames.events,
        `Key-event alarms of ${props.namePrefix} could not be delivered to ${topic} (rule ${ruleNames.events}); the events wait in ${queueName}. See docs/monitoring.md.`,
        failed(ruleNames.events),
      ),
      alarm(
        "KmsKeyApiCallsFailedDeliveries",
        alarmNames.calls,
        `Key-event alarms of ${props.namePrefix} could not be delivered to ${topic} (rule ${ruleNames.calls}); the events wait in ${queueName}. See docs/monitoring.md.`,
        failed(ruleNames.calls),
      ),
      alarm(
        "KeyEventsDlqNotEmpty",
        alarmNames.dlq,
        `Undelivered key events of ${props.namePrefix} wait in ${queueName}: read them, fix the delivery, then redrive or delete them. See docs/monitoring.md.`,
        { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", statistic: "Maximum", dimensions: { QueueName: queueName } },
      ),
    ];

    const output = (name: string, value: string, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output("key_events_topic_arn", topic, "The SNS topic that receives the key-event alarms");
    output(
      "key_events_delivery_alarm_topic_arn",
      this.deliveryAlarmTopicArn,
      "The SNS topic that receives the alarms on failed key-event deliveries: subscribe to it too",
    );
    output("key_events_dead_letter_queue_arn", this.deadLetterQueueArn, "The dead-letter queue of the key-event rules' targets");
    if ("existingTopicArn" in props.topic) {
      output(
        TOPIC_HANDOVER_OUTPUTS.topicPolicyStatement,
        JSON.stringify(this.publishStatement),
        "Statement the existing topic's owner adds to its topic policy: EventBridge publishes for this stack's key-event rules",
      );
      output(
        TOPIC_HANDOVER_OUTPUTS.topicKeyPolicyStatement,
        JSON.stringify(this.topicKeyStatement),
        "If the existing topic is encrypted with a customer-managed key: the statement its key policy needs for EventBridge",
      );
    }
  }

  /** Watches one more key (its ARN, a Terraform reference allowed). */
  watchKey(keyArn: string): void {
    if (!this.watched.includes(keyArn)) this.watched.push(keyArn);
  }

  /** The ARNs watched (Terraform references unresolved). */
  get keyArns(): readonly string[] {
    return [...this.watched];
  }
}

/** `KmsKeyEvents` -> `kms_key_events` */
function terraformId(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** The name, or a prefix of it plus a hash of the whole when it is longer than `max` (deterministic). */
export function boundedName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, max - 9)}-${hash}`;
}
