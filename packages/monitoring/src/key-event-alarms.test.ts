import { synthJson } from "@sse-kms/construct-kit/testing";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { EncryptionKey, ExistingKey } from "@sse-kms/key";
import { KmsExternalKey } from "@cdktf/provider-aws/lib/kms-external-key";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsReplicaExternalKey } from "@cdktf/provider-aws/lib/kms-replica-external-key";
import { KmsReplicaKey } from "@cdktf/provider-aws/lib/kms-replica-key";
import { KEY_RESOURCE_TYPES, attachKeyEventAlarms, existingKeysOfStack, keysOfStack } from "./attach";
import { KMS_API_CALLS, KMS_SERVICE_EVENTS } from "./events";
import { KeyEventAlarms, boundedName } from "./key-event-alarms";
import { ACCOUNT, ADMIN, REGION, monitoredStack } from "./test-support";

const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:test-stack-key-events`;
const ALARM_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:test-stack-key-events-delivery-alarms`;
const DLQ = `arn:aws:sqs:${REGION}:${ACCOUNT}:test-stack-key-events-dlq`;
const ALARMS = [
  `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:test-stack-key-events-dlq-not-empty`,
  `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:test-stack-kms-key-api-calls-failed-deliveries`,
  `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:test-stack-kms-key-events-failed-deliveries`,
];
const RULES = [`arn:aws:events:${REGION}:${ACCOUNT}:rule/test-stack-kms-key-api-calls`, `arn:aws:events:${REGION}:${ACCOUNT}:rule/test-stack-kms-key-events`];

describe("KeyEventAlarms with a created topic", () => {
  const { stack } = monitoredStack({ topic: { create: { keyAdministrators: [ADMIN], deletionWindowInDays: 30 } } });
  const json = synthJson(stack);
  const r = json.resource;

  it("watches the KMS service events of the stack's keys (resources = the key ARNs)", () => {
    expect(JSON.parse(r.aws_cloudwatch_event_rule.kms_key_events.event_pattern)).toEqual({
      source: ["aws.kms"],
      "detail-type": ["KMS CMK Deletion", "KMS CMK Rotation", "KMS Imported Key Material Expiration"],
      resources: ["${aws_kms_key.data.arn}", "${aws_kms_key.key_events.arn}", "${aws_kms_key.key_events_delivery.arn}"],
    });
    expect(r.aws_cloudwatch_event_rule.kms_key_events.name).toBe("test-stack-kms-key-events");
  });

  it("watches the API calls through CloudTrail, imported-material life and rotation included, matched on detail.resources[].ARN", () => {
    const pattern = JSON.parse(r.aws_cloudwatch_event_rule.kms_key_api_calls.event_pattern);
    expect(pattern["detail-type"]).toEqual(["AWS API Call via CloudTrail"]);
    expect(pattern.detail.eventSource).toEqual(["kms.amazonaws.com"]);
    for (const call of [
      "DisableKeyRotation",
      "DeleteImportedKeyMaterial",
      "ImportKeyMaterial",
      "RotateKeyOnDemand",
      "PutKeyPolicy",
      "DisableKey",
      "ScheduleKeyDeletion",
      "CreateGrant",
    ]) {
      expect([call, pattern.detail.eventName.includes(call)]).toEqual([call, true]);
    }
    expect(pattern.detail.resources).toEqual({ ARN: ["${aws_kms_key.data.arn}", "${aws_kms_key.key_events.arn}", "${aws_kms_key.key_events_delivery.arn}"] });
    expect(pattern.detail.requestParameters).toBeUndefined(); // keyId there may be an alias or a bare id
  });

  it("targets the created topic from both rules, each with the dead-letter queue and no role", () => {
    for (const name of ["kms_key_events", "kms_key_api_calls"]) {
      const target = r.aws_cloudwatch_event_target[name];
      expect(target.arn).toBe(TOPIC);
      expect(target.dead_letter_config).toEqual({ arn: DLQ });
      expect(target.role_arn).toBeUndefined();
      expect(target.depends_on).toEqual(["aws_sns_topic.key_events", "aws_sqs_queue.key_events_dlq"]);
      expect(target.rule).toBe(`\${aws_cloudwatch_event_rule.${name}.name}`);
    }
  });

  it("creates the dead-letter queue (SSE-SQS, 14 days) and lets only the two rules send to it", () => {
    expect(r.aws_sqs_queue.key_events_dlq).toEqual({ name: "test-stack-key-events-dlq", sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
    expect(r.aws_sqs_queue_policy.key_events_dlq.queue_url).toBe("${aws_sqs_queue.key_events_dlq.id}");
    expect(JSON.parse(r.aws_sqs_queue_policy.key_events_dlq.policy).Statement).toEqual([
      {
        Sid: "DeadLettersFromKeyEventRules",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: DLQ,
        Condition: { ArnEquals: { "aws:SourceArn": RULES } },
      },
    ]);
  });

  it("alarms on each rule's FailedInvocations and on messages in the dead-letter queue, into a topic of their own", () => {
    const alarms = r.aws_cloudwatch_metric_alarm;
    expect(Object.keys(alarms).sort()).toEqual(["key_events_dlq_not_empty", "kms_key_api_calls_failed_deliveries", "kms_key_events_failed_deliveries"]);
    expect(alarms.kms_key_events_failed_deliveries).toMatchObject({
      alarm_name: "test-stack-kms-key-events-failed-deliveries",
      namespace: "AWS/Events",
      metric_name: "FailedInvocations",
      dimensions: { RuleName: "test-stack-kms-key-events" },
      statistic: "Sum",
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      treat_missing_data: "notBreaching",
      alarm_actions: [ALARM_TOPIC],
      ok_actions: [ALARM_TOPIC],
    });
    expect(alarms.kms_key_api_calls_failed_deliveries.dimensions).toEqual({ RuleName: "test-stack-kms-key-api-calls" });
    expect(alarms.key_events_dlq_not_empty).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "test-stack-key-events-dlq" },
      statistic: "Maximum",
      alarm_actions: [ALARM_TOPIC],
    });
    // The alarm path shares nothing with the path it reports on: its own topic, its own key, CloudWatch as publisher.
    expect(r.aws_sns_topic.key_events_delivery_alarms).toEqual({
      name: "test-stack-key-events-delivery-alarms",
      kms_master_key_id: "${aws_kms_key.key_events_delivery.arn}",
    });
    const keyPolicy = JSON.parse(r.aws_kms_key.key_events_delivery.policy);
    const forCloudWatch = keyPolicy.Statement.filter((s: { Principal: { Service?: string } }) => s.Principal.Service !== undefined);
    expect(forCloudWatch).toEqual([
      {
        Sid: "AlarmTopicKeyUseByCloudWatch",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": ALARMS } },
      },
    ]);
    const topicPolicy = JSON.parse(r.aws_sns_topic_policy.key_events_delivery_alarms.policy);
    expect(topicPolicy.Statement[0]).toEqual({
      Sid: "PublishFromDeliveryAlarms",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: ALARM_TOPIC,
      Condition: { ArnLike: { "aws:SourceArn": ALARMS } },
    });
    expect(json.output.key_events_delivery_alarm_topic_arn.value).toBe(ALARM_TOPIC);
  });

  it("encrypts the topic with its own customer-managed key, not the data key", () => {
    expect(r.aws_sns_topic.key_events).toEqual({ name: "test-stack-key-events", kms_master_key_id: "${aws_kms_key.key_events.arn}" });
    const key = r.aws_kms_key.key_events;
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
  });

  it("lets EventBridge use the topic key (topic context if sent, no aws:SourceAccount/aws:SourceArn), with no administration", () => {
    const policy = JSON.parse(r.aws_kms_key.key_events.policy);
    const forEvents = policy.Statement.filter((s: { Principal: { Service?: string } }) => s.Principal.Service === "events.amazonaws.com");
    expect(forEvents).toEqual([
      {
        Sid: "TopicKeyUseByEventBridge",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEqualsIfExists: { "kms:EncryptionContext:aws:sns:topicArn": TOPIC } },
      },
    ]);
    expect(r.aws_kms_key.key_events.policy).not.toMatch(/aws:Source(Account|Arn|OrgID)/);
    // The administrators named in the config manage the topic key; the data key's policy does not mention EventBridge.
    expect(JSON.stringify(policy)).toContain(ADMIN);
    expect(r.aws_kms_key.data.policy).not.toContain("events.amazonaws.com");
  });

  it("lets EventBridge publish to the topic for the two rules (aws:SourceArn if sent)", () => {
    const policy = JSON.parse(r.aws_sns_topic_policy.key_events.policy);
    const publish = policy.Statement.find((s: { Action: unknown }) => s.Action === "sns:Publish");
    expect(publish.Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(publish.Resource).toBe(TOPIC);
    expect(publish.Condition).toEqual({ ArnEqualsIfExists: { "aws:SourceArn": RULES } });
    expect(r.aws_sns_topic_policy.key_events.arn).toBe(TOPIC);
    expect(r.aws_sns_topic_policy.key_events.depends_on).toEqual(["aws_sns_topic.key_events"]);
  });

  it("outputs the topic ARN and no hand-over", () => {
    expect(json.output.key_events_topic_arn.value).toBe(TOPIC);
    expect(json.output.key_events_topic_policy_statement).toBeUndefined();
  });
});

describe("KeyEventAlarms with an existing topic", () => {
  const EXISTING = `arn:aws:sns:${REGION}:${ACCOUNT}:security-alarms`;
  const { stack } = monitoredStack({ topic: { existingTopicArn: EXISTING } });
  const json = synthJson(stack);

  it("creates no topic, no topic key and no topic policy, and targets the existing topic", () => {
    expect(json.resource.aws_sns_topic_policy.key_events).toBeUndefined();
    expect(json.resource.aws_sns_topic.key_events).toBeUndefined();
    expect(Object.keys(json.resource.aws_kms_key).sort()).toEqual(["data", "key_events_delivery"]);
    expect(json.resource.aws_cloudwatch_event_target.kms_key_events.arn).toBe(EXISTING);
    expect(json.resource.aws_cloudwatch_event_target.kms_key_events.dead_letter_config).toEqual({ arn: DLQ });
    expect(JSON.parse(json.resource.aws_cloudwatch_event_rule.kms_key_events.event_pattern).resources).toEqual([
      "${aws_kms_key.data.arn}",
      "${aws_kms_key.key_events_delivery.arn}",
    ]);
  });

  it("hands over the topic-policy and topic-key statements its owner must add", () => {
    const publish = JSON.parse(json.output.key_events_topic_policy_statement.value);
    expect(publish.Sid).toBe("PublishFromKeyEventRulesTestStack");
    expect(publish.Resource).toBe(EXISTING);
    expect(publish.Condition.ArnEqualsIfExists["aws:SourceArn"]).toEqual(RULES);
    const keyStatement = JSON.parse(json.output.key_events_topic_key_policy_statement.value);
    expect(keyStatement.Condition).toEqual({ StringEqualsIfExists: { "kms:EncryptionContext:aws:sns:topicArn": EXISTING } });
  });
});

describe("attachKeyEventAlarms", () => {
  it("adds nothing when monitoring is off", () => {
    const { stack, alarms } = monitoredStack(undefined);
    expect(alarms).toBeUndefined();
    expect(synthJson(stack).resource.aws_cloudwatch_event_rule).toBeUndefined();
  });

  it("carries prevent_destroy onto the topic key in production", () => {
    const { stack } = monitoredStack({ topic: { create: { keyAdministrators: [], deletionWindowInDays: 30 } } }, { production: true });
    expect(synthJson(stack).resource.aws_kms_key.key_events.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("watches every kind of key the stack creates: KMS keys, external keys and both replica kinds (KEY_RESOURCE_TYPES are the classes' types)", () => {
    const classes = [KmsKey, KmsExternalKey, KmsReplicaKey, KmsReplicaExternalKey];
    expect([...KEY_RESOURCE_TYPES].sort()).toEqual(classes.map((c) => c.tfResourceType).sort());
    const stack = new TerraformStack(Testing.app(), "all-kinds");
    const provider = new AwsProvider(stack, "aws", { region: REGION, allowedAccountIds: [ACCOUNT] });
    const primary = `arn:aws:kms:us-west-2:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
    const keys = [
      new KmsKey(stack, "key", {}),
      new KmsExternalKey(stack, "external", {}),
      new KmsReplicaKey(stack, "replica", { primaryKeyArn: primary }),
      new KmsReplicaExternalKey(stack, "replica-external", { primaryKeyArn: primary }),
    ];
    expect(keysOfStack({ stack, provider, account: ACCOUNT, region: REGION, preventDestroy: false })).toEqual(keys);
  });

  it("leaves out keys created through another provider (another account's events never reach this bus)", () => {
    const { stack } = monitoredStack(undefined);
    const other = new AwsProvider(stack, "aws-other", { alias: "destination", region: "us-west-2", allowedAccountIds: ["444444444444"] });
    new EncryptionKey(stack, "Foreign", { name: "backup", account: "444444444444", region: "us-west-2", provider: other });
    const provider = stack.node.findChild("aws") as AwsProvider;
    attachKeyEventAlarms(
      { stack, provider, account: ACCOUNT, region: REGION, preventDestroy: false },
      { topic: { existingTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t` } },
    );
    const pattern = JSON.parse(synthJson(stack).resource.aws_cloudwatch_event_rule.kms_key_events.event_pattern);
    expect(pattern.resources).toEqual(["${aws_kms_key.data.arn}", "${aws_kms_key.key_events_delivery.arn}"]);
  });

  it("watches the existing key of key.existingKeyArn (same account and region), and not one of another account", () => {
    const stack = new TerraformStack(Testing.app(), "uses-existing");
    const provider = new AwsProvider(stack, "aws", { region: REGION, allowedAccountIds: [ACCOUNT] });
    const existing = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    new ExistingKey(stack, "Existing", { keyArn: existing, account: ACCOUNT, region: REGION });
    const alarms = attachKeyEventAlarms(
      { stack, provider, account: ACCOUNT, region: REGION, preventDestroy: false },
      { topic: { existingTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t` } },
    );
    expect(alarms).toBeDefined();
    const r = synthJson(stack).resource;
    expect(JSON.parse(r.aws_cloudwatch_event_rule.kms_key_events.event_pattern).resources).toEqual([existing, "${aws_kms_key.key_events_delivery.arn}"]);
    expect(JSON.parse(r.aws_cloudwatch_event_rule.kms_key_api_calls.event_pattern).detail.resources.ARN).toContain(existing);
    // A stack whose (hypothetical) existing key is in another account is not watched.
    expect(existingKeysOfStack({ stack, provider, account: "444444444444", region: REGION, preventDestroy: false })).toEqual([]);
  });
});

describe("validation", () => {
  const bare = () => {
    const stack = new TerraformStack(Testing.app(), "s");
    new AwsProvider(stack, "aws", { region: REGION });
    return stack;
  };

  it("refuses an existing topic of another region, naming the prop, the value and the fix", () => {
    const arn = `arn:aws:sns:eu-west-1:${ACCOUNT}:t`;
    expect(
      () => new KeyEventAlarms(bare(), "A", { keyArns: ["k"], account: ACCOUNT, region: REGION, namePrefix: "s", topic: { existingTopicArn: arn } }),
    ).toThrow(/s\/A: topic.existingTopicArn must be an SNS topic ARN in account 333333333333 and region us-east-1.*eu-west-1.*topic.create/s);
  });

  it("refuses to watch nothing", () => {
    expect(
      () =>
        new KeyEventAlarms(bare(), "A", {
          keyArns: [],
          account: ACCOUNT,
          region: REGION,
          namePrefix: "s",
          topic: { existingTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t` },
        }),
    ).toThrow(/keyArns must name at least one key/);
  });

  it("keeps rule names within EventBridge's 64 characters, deterministically", () => {
    const long = `${"x".repeat(60)}-kms-key-api-calls`;
    const a = boundedName(long, 64);
    expect(a).toHaveLength(64);
    expect(boundedName(long, 64)).toBe(a);
    expect(boundedName(`${"x".repeat(61)}-kms-key-events`, 64)).not.toBe(a);
    expect(boundedName("short", 64)).toBe("short");
  });

  it("lists the events the issue asks for", () => {
    expect([...KMS_SERVICE_EVENTS]).toEqual(["KMS CMK Deletion", "KMS CMK Rotation", "KMS Imported Key Material Expiration"]);
    expect([...KMS_API_CALLS]).toEqual([
      "CreateGrant",
      "DeleteImportedKeyMaterial",
      "DisableKey",
      "DisableKeyRotation",
      "ImportKeyMaterial",
      "PutKeyPolicy",
      "RotateKeyOnDemand",
      "ScheduleKeyDeletion",
    ]);
  });
});
