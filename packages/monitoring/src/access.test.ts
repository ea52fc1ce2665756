/**
 * Access proofs (docs/architecture.md, testing layer 4) of the key-event alarms: the synthesized
 * topic-key policy, topic policy, dead-letter queue policy, delivery-alarm key and topic policies and
 * the data-key policy, through the IAM policy simulator.
 *
 * A request of a service principal carries only keys the table of documented service-principal
 * conditions (`SERVICE_PRINCIPAL_CALLS`, @sse-kms/policy) lists for that call (the access layer
 * refuses anything else). Where the table lists a key as only possibly sent (EventBridge's topic
 * context on KMS, its aws:SourceArn on sns:Publish), each allow is proven with and without the key:
 * the delivery works either way.
 */
import { Testing } from "cdktf";
import { allowAll, registerAccessMatchers, simulateAccess } from "@sse-kms/testing";
import { ACCOUNT, ADMIN, REGION, USER, monitoredStack } from "./test-support";

registerAccessMatchers();

const EVENTS = "events.amazonaws.com";
const CLOUDWATCH = "cloudwatch.amazonaws.com";
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:test-stack-key-events`;
const ALARM_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:test-stack-key-events-delivery-alarms`;
const DLQ = `arn:aws:sqs:${REGION}:${ACCOUNT}:test-stack-key-events-dlq`;
const RULE = `arn:aws:events:${REGION}:${ACCOUNT}:rule/test-stack-kms-key-events`;
const API_RULE = `arn:aws:events:${REGION}:${ACCOUNT}:rule/test-stack-kms-key-api-calls`;
const ALARMS = [
  `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:test-stack-kms-key-events-failed-deliveries`,
  `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:test-stack-kms-key-api-calls-failed-deliveries`,
  `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:test-stack-key-events-dlq-not-empty`,
];
const OTHER_ACCOUNT = "999999999999";
const topicKey = { kmsKey: "aws_kms_key.key_events" };
const alarmKey = { kmsKey: "aws_kms_key.key_events_delivery" };
const dataKey = { kmsKey: "aws_kms_key.data" };
const forTopic = (topic: string) => ({ "kms:EncryptionContext:aws:sns:topicArn": topic });

const { stack } = monitoredStack({ topic: { create: { keyAdministrators: [ADMIN], deletionWindowInDays: 30 } } });
const synthesized = Testing.synth(stack);

describe("EventBridge and the topic key (no aws:SourceAccount/aws:SourceArn: SNS documents them as not sent)", () => {
  test.each(["kms:GenerateDataKey", "kms:Decrypt"])(
    "may call %s with the key-events topic's context, and without a context (works either way)",
    async (action) => {
      await expect(synthesized).toAllow({ principal: EVENTS, action, resource: topicKey, context: forTopic(TOPIC) });
      await expect(synthesized).toAllow({ principal: EVENTS, action, resource: topicKey });
    },
  );

  test.each(["kms:GenerateDataKey", "kms:Decrypt"])(
    "cannot call %s with another topic's context (a topic of another account naming this key)",
    async (action) => {
      for (const other of [`arn:aws:sns:${REGION}:${ACCOUNT}:someone-elses-topic`, `arn:aws:sns:${REGION}:${OTHER_ACCOUNT}:test-stack-key-events`]) {
        await expect(synthesized).toDeny({ principal: EVENTS, action, resource: topicKey, context: forTopic(other) }, "implicit");
      }
    },
  );

  test.each(["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:CreateGrant", "kms:Encrypt", "kms:ReEncryptFrom"])(
    "cannot call %s on the topic key (no administration, no other use)",
    async (action) => {
      await expect(synthesized).toDeny({ principal: EVENTS, action, resource: topicKey }, "implicit");
    },
  );

  test("the proofs cannot put aws:SourceAccount into EventBridge's KMS request: AWS documents it as not sent", async () => {
    await expect(
      simulateAccess(synthesized, { principal: EVENTS, action: "kms:GenerateDataKey", resource: topicKey, context: { "aws:SourceAccount": ACCOUNT } }),
    ).rejects.toThrow(/aws:SourceAccount cannot be put into a request of events.amazonaws.com for kms:GenerateDataKey: AWS documents it as not sent/);
  });
});

describe("EventBridge and the data key and the delivery-alarm key", () => {
  test.each(["kms:Decrypt", "kms:GenerateDataKey"])("cannot call %s on the data key, with or without the topic's context", async (action) => {
    await expect(synthesized).toDeny({ principal: EVENTS, action, resource: dataKey }, "implicit");
    await expect(synthesized).toDeny({ principal: EVENTS, action, resource: dataKey, context: forTopic(TOPIC) }, "implicit");
  });

  test.each(["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"])("cannot call %s on the data key", async (action) => {
    await expect(synthesized).toDeny({ principal: EVENTS, action, resource: dataKey }, "implicit");
  });

  test("cannot use the delivery-alarm key (the alarm path does not depend on EventBridge)", async () => {
    await expect(synthesized).toDeny({ principal: EVENTS, action: "kms:GenerateDataKey", resource: alarmKey }, "implicit");
  });
});

describe("separation of duties on the topic keys", () => {
  test.each(["kms:Decrypt", "kms:GenerateDataKey"])("the topic keys' administrator cannot call %s, even with allow-all IAM", async (action) => {
    await expect(synthesized).toDeny({ principal: ADMIN, action, resource: topicKey, identityPolicies: [allowAll], context: forTopic(TOPIC) }, "implicit");
    await expect(synthesized).toDeny({ principal: ADMIN, action, resource: alarmKey, identityPolicies: [allowAll] }, "implicit");
  });

  test("the topic keys' administrator may manage them (PutKeyPolicy)", async () => {
    await expect(synthesized).toAllow({ principal: ADMIN, action: "kms:PutKeyPolicy", resource: topicKey, identityPolicies: [allowAll] });
    await expect(synthesized).toAllow({ principal: ADMIN, action: "kms:PutKeyPolicy", resource: alarmKey, identityPolicies: [allowAll] });
  });

  test("a data-key user gets nothing on the topic key, even with allow-all IAM", async () => {
    await expect(synthesized).toDeny(
      { principal: USER, action: "kms:Decrypt", resource: topicKey, identityPolicies: [allowAll], context: forTopic(TOPIC) },
      "implicit",
    );
  });

  test("the account root may manage the topic key but not decrypt with it", async () => {
    const root = `arn:aws:iam::${ACCOUNT}:root`;
    await expect(synthesized).toAllow({ principal: root, action: "kms:PutKeyPolicy", resource: topicKey });
    await expect(synthesized).toDeny({ principal: root, action: "kms:Decrypt", resource: topicKey, context: forTopic(TOPIC) }, "implicit");
  });
});

describe("who may publish to the key-events topic", () => {
  test.each([RULE, API_RULE])("EventBridge, for the stack's rule %s", async (rule) => {
    await expect(synthesized).toAllow({ principal: EVENTS, action: "sns:Publish", resource: TOPIC, context: { "aws:SourceArn": rule } });
  });

  test("EventBridge, when it sends no aws:SourceArn (undocumented for sns:Publish: the delivery works either way)", async () => {
    await expect(synthesized).toAllow({ principal: EVENTS, action: "sns:Publish", resource: TOPIC });
  });

  test("not EventBridge for another rule of the account, or a rule of the same name in another account", async () => {
    for (const other of [
      `arn:aws:events:${REGION}:${ACCOUNT}:rule/something-else`,
      `arn:aws:events:${REGION}:${OTHER_ACCOUNT}:rule/test-stack-kms-key-events`,
    ]) {
      await expect(synthesized).toDeny({ principal: EVENTS, action: "sns:Publish", resource: TOPIC, context: { "aws:SourceArn": other } }, "implicit");
    }
  });

  test("not CloudWatch, not another service, not a role of another account", async () => {
    await expect(synthesized).toDeny(
      { principal: CLOUDWATCH, action: "sns:Publish", resource: TOPIC, context: { "aws:SourceArn": ALARMS[0] as string } },
      "implicit",
    );
    await expect(synthesized).toDeny(
      { principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/app`, action: "sns:Publish", resource: TOPIC, identityPolicies: [allowAll] },
      "implicit",
    );
  });
});

describe("the dead-letter queue", () => {
  test.each([RULE, API_RULE])("EventBridge may send undelivered events of rule %s", async (rule) => {
    await expect(synthesized).toAllow({ principal: EVENTS, action: "sqs:SendMessage", resource: DLQ, context: { "aws:SourceArn": rule } });
  });

  test("not for another rule, not without a rule (aws:SourceArn is documented for this call), not another action", async () => {
    const other = `arn:aws:events:${REGION}:${ACCOUNT}:rule/something-else`;
    await expect(synthesized).toDeny({ principal: EVENTS, action: "sqs:SendMessage", resource: DLQ, context: { "aws:SourceArn": other } }, "implicit");
    await expect(synthesized).toDeny({ principal: EVENTS, action: "sqs:SendMessage", resource: DLQ }, "implicit");
    await expect(synthesized).toDeny(
      { principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/app`, action: "sqs:ReceiveMessage", resource: DLQ, identityPolicies: [allowAll] },
      "implicit",
    );
  });
});

describe("the delivery alarms' path (a topic and key of its own)", () => {
  test.each(ALARMS)("CloudWatch may publish alarm %s and use the delivery-alarm key for it", async (alarm) => {
    await expect(synthesized).toAllow({ principal: CLOUDWATCH, action: "sns:Publish", resource: ALARM_TOPIC, context: { "aws:SourceArn": alarm } });
    await expect(synthesized).toAllow({
      principal: CLOUDWATCH,
      action: "kms:GenerateDataKey",
      resource: alarmKey,
      context: { "aws:SourceArn": alarm, "aws:SourceAccount": ACCOUNT },
    });
  });

  test("not for another alarm or another account", async () => {
    const other = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:something-else`;
    await expect(synthesized).toDeny({ principal: CLOUDWATCH, action: "sns:Publish", resource: ALARM_TOPIC, context: { "aws:SourceArn": other } }, "implicit");
    await expect(synthesized).toDeny(
      {
        principal: CLOUDWATCH,
        action: "kms:GenerateDataKey",
        resource: alarmKey,
        context: { "aws:SourceArn": ALARMS[0] as string, "aws:SourceAccount": OTHER_ACCOUNT },
      },
      "implicit",
    );
  });

  test("not EventBridge (the path does not depend on the one it reports on), and CloudWatch not on the key-events topic key", async () => {
    await expect(synthesized).toDeny({ principal: EVENTS, action: "sns:Publish", resource: ALARM_TOPIC, context: { "aws:SourceArn": RULE } }, "implicit");
    await expect(synthesized).toDeny(
      {
        principal: CLOUDWATCH,
        action: "kms:GenerateDataKey",
        resource: topicKey,
        context: { "aws:SourceArn": ALARMS[0] as string, "aws:SourceAccount": ACCOUNT },
      },
      "implicit",
    );
  });
});

describe("controls: the proofs above hinge on the conditions", () => {
  // The same stack with one condition removed: the denials above must turn into allows, so they
  // are caused by the conditions, not by a request the simulator cannot match.
  const without = (type: string, name: string, mutate: (policy: { Statement: { Sid: string; Condition?: Record<string, unknown> }[] }) => void) => {
    const json = JSON.parse(synthesized);
    const block = json.resource[type][name];
    const policy = JSON.parse(block.policy);
    mutate(policy);
    block.policy = JSON.stringify(policy);
    return JSON.stringify(json);
  };

  test("without aws:SourceArn in the topic policy, another rule of the account could publish", async () => {
    const open = without("aws_sns_topic_policy", "key_events", (p) => delete p.Statement[0]!.Condition);
    const other = `arn:aws:events:${REGION}:${ACCOUNT}:rule/something-else`;
    await expect(open).toAllow({ principal: EVENTS, action: "sns:Publish", resource: TOPIC, context: { "aws:SourceArn": other } });
  });

  test("without the topic encryption context in the key policy, EventBridge could use the key for another topic", async () => {
    const open = without("aws_kms_key", "key_events", (p) => {
      for (const s of p.Statement) if (s.Sid === "TopicKeyUseByEventBridge") delete s.Condition;
    });
    await expect(open).toAllow({
      principal: EVENTS,
      action: "kms:Decrypt",
      resource: topicKey,
      context: forTopic(`arn:aws:sns:${REGION}:${ACCOUNT}:someone-elses-topic`),
    });
  });

  test("without aws:SourceArn in the queue policy, another rule could fill the dead-letter queue", async () => {
    const open = without("aws_sqs_queue_policy", "key_events_dlq", (p) => delete p.Statement[0]!.Condition);
    await expect(open).toAllow({
      principal: EVENTS,
      action: "sqs:SendMessage",
      resource: DLQ,
      context: { "aws:SourceArn": `arn:aws:events:${REGION}:${ACCOUNT}:rule/x` },
    });
  });
});
