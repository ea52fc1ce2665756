import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { type PolicyStatement, policyDocument, renderPolicy } from "@sse-kms/policy";
import type { TerraformStack } from "cdktf";
import { ACCOUNT, REGION, findings, goodKeyStatements, keyPolicy, newStack, rawBucket, rawKey, statusOf } from "../test-support";
import { kmsUseViaS3Only, snsTopicCustomerKey, snsTopicKeyUseScoped, snsTopicPublishScoped } from ".";

const TOPIC_NAME = "test-stack-key-events";
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:${TOPIC_NAME}`;
const RULE = `arn:aws:events:${REGION}:${ACCOUNT}:rule/test-stack-kms-key-events`;
const TOPIC_KEY = "aws_kms_key.key_events";

const eventsStatement = (overrides: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Sid: "TopicKeyUseByEventBridge",
  Effect: "Allow",
  Principal: { Service: "events.amazonaws.com" },
  Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
  Resource: "*",
  Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT, "kms:EncryptionContext:aws:sns:topicArn": TOPIC } },
  ...overrides,
});

/** A stack with a topic key (with `statement`) encrypting a topic; `alsoBucket` makes the key encrypt a bucket too. */
function topicStack(statement: PolicyStatement, alsoBucket = false): TerraformStack {
  const { stack } = newStack();
  const key = rawKey(stack, { policy: keyPolicy([...goodKeyStatements().filter((s) => s.Sid !== "KeyUseViaS3"), statement]) }, "key_events");
  new SnsTopic(stack, "topic", { name: TOPIC_NAME, kmsMasterKeyId: key.arn }).overrideLogicalId("key_events");
  if (alsoBucket) rawBucket(stack, { key });
  return stack;
}

describe("SKB-SNS-1 sns-topic-key-use-scoped", () => {
  test("compliant: EventBridge may use the topic key only for its topic and account", () => {
    expect(statusOf(topicStack(eventsStatement()), snsTopicKeyUseScoped, TOPIC_KEY)).toBe("compliant");
  });
  test("non-compliant: no topic encryption context", () => {
    const stack = topicStack(eventsStatement({ Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }));
    expect(findings(stack, snsTopicKeyUseScoped)).toEqual([
      expect.objectContaining({ status: "non-compliant", detail: expect.stringContaining("without StringEquals kms:EncryptionContext:aws:sns:topicArn") }),
    ]);
  });
  test("non-compliant: the context names a topic this key does not encrypt", () => {
    const other = `arn:aws:sns:${REGION}:${ACCOUNT}:another-topic`;
    const stack = topicStack(
      eventsStatement({ Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT, "kms:EncryptionContext:aws:sns:topicArn": other } } }),
    );
    expect(statusOf(stack, snsTopicKeyUseScoped, TOPIC_KEY)).toBe("non-compliant");
  });
  test("non-compliant: more than Decrypt and GenerateDataKey*", () => {
    const stack = topicStack(eventsStatement({ Action: ["kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"] }));
    expect(findings(stack, snsTopicKeyUseScoped)).toEqual([
      expect.objectContaining({ status: "non-compliant", detail: expect.stringContaining("grants kms:ReEncryptFrom, kms:ReEncryptTo") }),
    ]);
  });
  test("non-compliant: no caller restriction", () => {
    const stack = topicStack(eventsStatement({ Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": TOPIC } } }));
    expect(findings(stack, snsTopicKeyUseScoped)).toEqual([
      expect.objectContaining({ status: "non-compliant", detail: expect.stringContaining("does not restrict the caller") }),
    ]);
  });
  test("not applicable to a key that encrypts no topic", () => {
    const { stack } = newStack();
    rawKey(stack);
    expect(statusOf(stack, snsTopicKeyUseScoped, "aws_kms_key.data")).toBe("not-applicable");
  });
});

describe("SKB-KMS-7 and topic keys", () => {
  test("a key that encrypts only a topic is left to SKB-SNS-1", () => {
    expect(statusOf(topicStack(eventsStatement()), kmsUseViaS3Only, TOPIC_KEY)).toBe("not-applicable");
  });
  test("a key that encrypts a topic and a bucket is still an S3 key: the EventBridge grant fails SKB-KMS-7", () => {
    expect(statusOf(topicStack(eventsStatement(), true), kmsUseViaS3Only, TOPIC_KEY)).toBe("non-compliant");
  });
});

describe("SKB-SNS-2 sns-topic-customer-key", () => {
  const topic = (kmsMasterKeyId?: string) => {
    const { stack } = newStack();
    new SnsTopic(stack, "topic", { name: TOPIC_NAME, kmsMasterKeyId }).overrideLogicalId("t");
    return stack;
  };
  test("compliant: a key of the stack, or a literal key ARN", () => {
    const { stack } = newStack();
    const key = rawKey(stack);
    new SnsTopic(stack, "topic", { name: TOPIC_NAME, kmsMasterKeyId: key.arn }).overrideLogicalId("t");
    expect(statusOf(stack, snsTopicCustomerKey, "aws_sns_topic.t")).toBe("compliant");
    expect(statusOf(topic(`arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`), snsTopicCustomerKey, "aws_sns_topic.t")).toBe(
      "compliant",
    );
  });
  test("non-compliant: unencrypted, or the AWS managed alias/aws/sns", () => {
    expect(findings(topic(), snsTopicCustomerKey)).toEqual([expect.objectContaining({ status: "non-compliant", detail: expect.stringContaining("absent") })]);
    expect(findings(topic("alias/aws/sns"), snsTopicCustomerKey)).toEqual([
      expect.objectContaining({ status: "non-compliant", detail: "kms_master_key_id is the AWS managed key alias/aws/sns" }),
    ]);
  });
});

describe("SKB-SNS-3 sns-topic-publish-scoped", () => {
  const withPolicy = (statement: PolicyStatement) => {
    const { stack } = newStack();
    const t = new SnsTopic(stack, "topic", { name: TOPIC_NAME });
    t.overrideLogicalId("t");
    new SnsTopicPolicy(stack, "policy", { arn: t.arn, policy: renderPolicy(policyDocument([statement])) }).overrideLogicalId("t");
    return stack;
  };
  const publish = (overrides: Partial<PolicyStatement> = {}): PolicyStatement => ({
    Sid: "Publish",
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: "sns:Publish",
    Resource: TOPIC,
    Condition: { ArnEquals: { "aws:SourceArn": RULE } },
    ...overrides,
  });
  test("compliant: the service publishes only for the named rule", () => {
    expect(statusOf(withPolicy(publish()), snsTopicPublishScoped, "aws_sns_topic_policy.t")).toBe("compliant");
  });
  test("non-compliant: a service principal or anyone without a source condition", () => {
    expect(findings(withPolicy(publish({ Condition: undefined })), snsTopicPublishScoped)).toEqual([
      expect.objectContaining({
        status: "non-compliant",
        detail: 'statement "Publish" lets events.amazonaws.com publish without aws:SourceArn or aws:SourceAccount',
      }),
    ]);
    expect(statusOf(withPolicy(publish({ Principal: "*", Condition: undefined })), snsTopicPublishScoped, "aws_sns_topic_policy.t")).toBe("non-compliant");
  });
  test("compliant: a named role of the account needs no source condition", () => {
    expect(
      statusOf(
        withPolicy(publish({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` }, Condition: undefined })),
        snsTopicPublishScoped,
        "aws_sns_topic_policy.t",
      ),
    ).toBe("compliant");
  });
});
