import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { type PolicyStatement, policyDocument, renderPolicy } from "@sse-kms/policy";
import type { TerraformStack } from "cdktf";
import { ACCOUNT, REGION, findings, goodKeyStatements, keyPolicy, newStack, rawBucket, rawKey, statusOf } from "../test-support";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { SERVICE_PRINCIPAL_CALLS } from "@sse-kms/policy";
import { kmsUseViaS3Only, servicePrincipalDocumentedConditions, snsTopicCustomerKey, snsTopicKeyUseScoped, snsTopicPublishScoped } from ".";

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
  Condition: { StringEqualsIfExists: { "kms:EncryptionContext:aws:sns:topicArn": TOPIC } },
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
  test("compliant: EventBridge may use the topic key for its topic's context (if sent)", () => {
    expect(statusOf(topicStack(eventsStatement()), snsTopicKeyUseScoped, TOPIC_KEY)).toBe("compliant");
    const strict = eventsStatement({ Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": TOPIC } } });
    expect(statusOf(topicStack(strict), snsTopicKeyUseScoped, TOPIC_KEY)).toBe("compliant");
  });
  test("compliant: a publisher scoped by its source (CloudWatch: aws:SourceAccount / aws:SourceArn)", () => {
    const cloudwatch = eventsStatement({
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:a` } },
    });
    expect(statusOf(topicStack(cloudwatch), snsTopicKeyUseScoped, TOPIC_KEY)).toBe("compliant");
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
  test("non-compliant: scoped neither by the topic context nor by a source", () => {
    const stack = topicStack(eventsStatement({ Condition: undefined }));
    expect(findings(stack, snsTopicKeyUseScoped)).toEqual([
      expect.objectContaining({ status: "non-compliant", detail: expect.stringContaining("scoped neither to the topics this key encrypts") }),
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
  test("compliant: EventBridge with ArnEqualsIfExists aws:SourceArn (the table lists it as possibly sent on sns:Publish)", () => {
    expect(
      statusOf(withPolicy(publish({ Condition: { ArnEqualsIfExists: { "aws:SourceArn": RULE } } })), snsTopicPublishScoped, "aws_sns_topic_policy.t"),
    ).toBe("compliant");
  });
  test("non-compliant: IfExists for a key the table does not list as possibly sent (CloudWatch's aws:SourceArn is documented: require it)", () => {
    const cw = publish({ Principal: { Service: "cloudwatch.amazonaws.com" }, Condition: { ArnLikeIfExists: { "aws:SourceArn": RULE } } });
    expect(statusOf(withPolicy(cw), snsTopicPublishScoped, "aws_sns_topic_policy.t")).toBe("non-compliant");
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

describe("SKB-SVC-1 service-principal-documented-conditions", () => {
  const keyWith = (statement: PolicyStatement) => topicStack(statement);
  test("fires on aws:SourceAccount for events.amazonaws.com in a key policy (AWS documents it as not sent), citing the SNS guide", () => {
    const stack = keyWith(eventsStatement({ Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT, "kms:EncryptionContext:aws:sns:topicArn": TOPIC } } }));
    const f = findings(stack, servicePrincipalDocumentedConditions);
    expect(f).toEqual([expect.objectContaining({ status: "non-compliant", address: TOPIC_KEY })]);
    expect(f[0]!.detail).toContain(
      "conditions on aws:SourceAccount, which AWS documents as not sent: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
    );
    expect(f[0]!.detail).toContain("is not supported for EventBridge-to-encrypted topics");
    // StringEquals (not IfExists) on the topic context: documented only as possibly sent for EventBridge.
    expect(f[0]!.detail).toContain("kms:EncryptionContext:aws:sns:topicArn with StringEquals, but AWS documents that key for this call only possibly");
  });
  test("fires on aws:SourceArn for events.amazonaws.com in a key policy too", () => {
    const stack = keyWith(eventsStatement({ Condition: { ArnEquals: { "aws:SourceArn": RULE } } }));
    expect(findings(stack, servicePrincipalDocumentedConditions)[0]!.detail).toContain("aws:SourceArn, which AWS documents as not sent");
  });
  test("compliant: the topic context with StringEqualsIfExists, or no condition at all", () => {
    expect(statusOf(keyWith(eventsStatement()), servicePrincipalDocumentedConditions, TOPIC_KEY)).toBe("compliant");
    expect(statusOf(keyWith(eventsStatement({ Condition: undefined })), servicePrincipalDocumentedConditions, TOPIC_KEY)).toBe("compliant");
  });
  test("fires on a key the table does not list for the call, and on a call the table does not know", () => {
    const odd = keyWith(eventsStatement({ Condition: { StringEquals: { "aws:SourceOrgPaths": "o-1/r-1/" } } }));
    expect(findings(odd, servicePrincipalDocumentedConditions)[0]!.detail).toContain("which AWS does not document events.amazonaws.com sending on this call");
    const unknown = keyWith(eventsStatement({ Principal: { Service: "lambda.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } } }));
    expect(findings(unknown, servicePrincipalDocumentedConditions)[0]!.detail).toContain("has no row for this call");
  });
  test("queue policies: aws:SourceArn for EventBridge's dead letters is documented; aws:SourceAccount is not", () => {
    const queue = (condition: PolicyStatement["Condition"]) => {
      const { stack } = newStack();
      const q = new SqsQueue(stack, "q", { name: "dlq" });
      q.overrideLogicalId("dlq");
      const statement: PolicyStatement = {
        Sid: "Dlq",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: "*",
        Condition: condition,
      };
      new SqsQueuePolicy(stack, "p", { queueUrl: q.id, policy: renderPolicy(policyDocument([statement])) }).overrideLogicalId("dlq");
      return stack;
    };
    expect(statusOf(queue({ ArnEquals: { "aws:SourceArn": RULE } }), servicePrincipalDocumentedConditions, "aws_sqs_queue_policy.dlq")).toBe("compliant");
    expect(statusOf(queue({ StringEquals: { "aws:SourceAccount": ACCOUNT } }), servicePrincipalDocumentedConditions, "aws_sqs_queue_policy.dlq")).toBe(
      "non-compliant",
    );
  });
  test("trust policies: S3's source keys only with IfExists (possibly sent); none at all is compliant", () => {
    const role = (condition: PolicyStatement["Condition"]) => {
      const { stack } = newStack();
      const statement: PolicyStatement = {
        Sid: "S3",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: condition,
      };
      new IamRole(stack, "r", { name: "replication", assumeRolePolicy: renderPolicy(policyDocument([statement])) }).overrideLogicalId("r");
      return stack;
    };
    expect(statusOf(role(undefined), servicePrincipalDocumentedConditions, "aws_iam_role.r")).toBe("compliant");
    expect(statusOf(role({ StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } }), servicePrincipalDocumentedConditions, "aws_iam_role.r")).toBe(
      "compliant",
    );
    expect(statusOf(role({ StringEquals: { "aws:SourceAccount": ACCOUNT } }), servicePrincipalDocumentedConditions, "aws_iam_role.r")).toBe("non-compliant");
  });
  test("every row of the table cites an AWS documentation URL and a quote for each key", () => {
    for (const call of SERVICE_PRINCIPAL_CALLS) {
      for (const source of [call.source, ...call.keys.map((k) => k.source), ...(call.notSent ?? []).map((k) => k.source)]) {
        expect(source.url).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|repost\.aws)\//);
        expect(source.quote.length).toBeGreaterThan(20);
      }
    }
  });
});
