/**
 * Access proofs (docs/architecture.md, testing layer 4) of the key-event alarms: the synthesized
 * topic-key policy, topic policy and data-key policy, through the IAM policy simulator. EventBridge
 * may use the topic key for its topic only, may publish only from the stack's rules, and gets
 * nothing on the data key (no decryption of S3 objects, no administration of either key).
 */
import { Testing } from "cdktf";
import { allowAll, registerAccessMatchers } from "@sse-kms/testing";
import { ACCOUNT, ADMIN, BUCKET, REGION, USER, monitoredStack } from "./test-support";

registerAccessMatchers();

const EVENTS = "events.amazonaws.com";
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:test-stack-key-events`;
const RULE = `arn:aws:events:${REGION}:${ACCOUNT}:rule/test-stack-kms-key-events`;
const API_RULE = `arn:aws:events:${REGION}:${ACCOUNT}:rule/test-stack-kms-key-api-calls`;
const OTHER_ACCOUNT = "999999999999";
const topicKey = { kmsKey: "aws_kms_key.key_events" };
const dataKey = { kmsKey: "aws_kms_key.data" };
const fromRules = { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": RULE };
const forTopic = (topic: string) => ({ "kms:EncryptionContext:aws:sns:topicArn": topic });

const { stack } = monitoredStack({ topic: { create: { keyAdministrators: [ADMIN], deletionWindowInDays: 30 } } });
const synthesized = Testing.synth(stack);

describe("EventBridge and the topic key", () => {
  test.each(["kms:GenerateDataKey", "kms:Decrypt"])("may call %s for the key-events topic, on behalf of this account", async (action) => {
    await expect(synthesized).toAllow({ principal: EVENTS, action, resource: topicKey, context: { ...forTopic(TOPIC), "aws:SourceAccount": ACCOUNT } });
  });

  test.each(["kms:GenerateDataKey", "kms:Decrypt"])("cannot call %s for another topic (encryption context of another topic ARN)", async (action) => {
    const other = `arn:aws:sns:${REGION}:${ACCOUNT}:someone-elses-topic`;
    await expect(synthesized).toDeny(
      { principal: EVENTS, action, resource: topicKey, context: { ...forTopic(other), "aws:SourceAccount": ACCOUNT } },
      "implicit",
    );
  });

  test("cannot call kms:Decrypt without the topic's encryption context (any other ciphertext under the key)", async () => {
    await expect(synthesized).toDeny({ principal: EVENTS, action: "kms:Decrypt", resource: topicKey, context: { "aws:SourceAccount": ACCOUNT } }, "implicit");
  });

  test("cannot use the key on behalf of another account's rule", async () => {
    await expect(synthesized).toDeny(
      { principal: EVENTS, action: "kms:GenerateDataKey", resource: topicKey, context: { ...forTopic(TOPIC), "aws:SourceAccount": OTHER_ACCOUNT } },
      "implicit",
    );
  });

  test.each(["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:CreateGrant", "kms:Encrypt", "kms:ReEncryptFrom"])(
    "cannot call %s on the topic key (no administration, no other use)",
    async (action) => {
      await expect(synthesized).toDeny(
        { principal: EVENTS, action, resource: topicKey, context: { ...forTopic(TOPIC), "aws:SourceAccount": ACCOUNT } },
        "implicit",
      );
    },
  );
});

describe("EventBridge and the data key", () => {
  test.each(["kms:Decrypt", "kms:GenerateDataKey"])("cannot call %s on the data key through S3 (cannot read the bucket's objects)", async (action) => {
    await expect(synthesized).toDeny({ principal: EVENTS, action, resource: dataKey, viaS3: { bucket: BUCKET } }, "implicit");
  });

  test.each(["kms:Decrypt", "kms:GenerateDataKey"])("cannot call %s on the data key directly, even with the topic's context", async (action) => {
    await expect(synthesized).toDeny(
      { principal: EVENTS, action, resource: dataKey, context: { ...forTopic(TOPIC), "aws:SourceAccount": ACCOUNT } },
      "implicit",
    );
  });

  test.each(["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey"])("cannot call %s on the data key", async (action) => {
    await expect(synthesized).toDeny({ principal: EVENTS, action, resource: dataKey, context: { "aws:SourceAccount": ACCOUNT } }, "implicit");
  });
});

describe("separation of duties on the topic key", () => {
  test.each(["kms:Decrypt", "kms:GenerateDataKey"])("the topic key's administrator cannot call %s, even with allow-all IAM", async (action) => {
    await expect(synthesized).toDeny({ principal: ADMIN, action, resource: topicKey, identityPolicies: [allowAll], context: forTopic(TOPIC) }, "implicit");
  });

  test("the topic key's administrator may manage it (PutKeyPolicy)", async () => {
    await expect(synthesized).toAllow({ principal: ADMIN, action: "kms:PutKeyPolicy", resource: topicKey, identityPolicies: [allowAll] });
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

describe("who may publish to the topic", () => {
  test.each([RULE, API_RULE])("EventBridge, for the stack's rule %s", async (rule) => {
    await expect(synthesized).toAllow({
      principal: EVENTS,
      action: "sns:Publish",
      resource: TOPIC,
      context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": rule },
    });
  });

  test("not EventBridge for another rule of the account", async () => {
    const other = `arn:aws:events:${REGION}:${ACCOUNT}:rule/something-else`;
    await expect(synthesized).toDeny(
      { principal: EVENTS, action: "sns:Publish", resource: TOPIC, context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": other } },
      "implicit",
    );
  });

  test("not EventBridge for a rule of the same name in another account", async () => {
    const foreign = `arn:aws:events:${REGION}:${OTHER_ACCOUNT}:rule/test-stack-kms-key-events`;
    await expect(synthesized).toDeny(
      { principal: EVENTS, action: "sns:Publish", resource: TOPIC, context: { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": foreign } },
      "implicit",
    );
  });

  test("not another service principal", async () => {
    await expect(synthesized).toDeny({ principal: "s3.amazonaws.com", action: "sns:Publish", resource: TOPIC, context: fromRules }, "implicit");
  });

  test("not a role of another account, even with allow-all IAM", async () => {
    await expect(synthesized).toDeny(
      { principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/app`, action: "sns:Publish", resource: TOPIC, identityPolicies: [allowAll] },
      "implicit",
    );
  });
});

describe("controls: the proofs above hinge on the conditions", () => {
  // The same stack with one condition removed: the denials above must turn into allows, so they
  // are caused by the conditions, not by a request the simulator cannot match.
  const without = (mutate: (json: { resource: Record<string, Record<string, { policy: string }>> }) => void) => {
    const json = JSON.parse(synthesized);
    mutate(json);
    return JSON.stringify(json);
  };

  test("without aws:SourceArn in the topic policy, another rule of the account could publish", async () => {
    const open = without((j) => {
      const block = j.resource.aws_sns_topic_policy!.key_events!;
      const policy = JSON.parse(block.policy);
      delete policy.Statement[0].Condition.ArnEquals;
      block.policy = JSON.stringify(policy);
    });
    const other = `arn:aws:events:${REGION}:${ACCOUNT}:rule/something-else`;
    await expect(open).toAllow({
      principal: EVENTS,
      action: "sns:Publish",
      resource: TOPIC,
      context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": other },
    });
  });

  test("without the topic encryption context in the key policy, EventBridge could decrypt for another topic", async () => {
    const open = without((j) => {
      const block = j.resource.aws_kms_key!.key_events!;
      const policy = JSON.parse(block.policy);
      for (const s of policy.Statement) if (s.Sid === "TopicKeyUseByEventBridge") delete s.Condition.StringEquals["kms:EncryptionContext:aws:sns:topicArn"];
      block.policy = JSON.stringify(policy);
    });
    const other = `arn:aws:sns:${REGION}:${ACCOUNT}:someone-elses-topic`;
    await expect(open).toAllow({ principal: EVENTS, action: "kms:Decrypt", resource: topicKey, context: { ...forTopic(other), "aws:SourceAccount": ACCOUNT } });
  });
});
