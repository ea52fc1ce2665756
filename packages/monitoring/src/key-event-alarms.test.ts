import { synthJson } from "@sse-kms/construct-kit/testing";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { EncryptionKey } from "@sse-kms/key";
import { attachKeyEventAlarms } from "./attach";
import { KMS_API_CALLS, KMS_SERVICE_EVENTS } from "./events";
import { KeyEventAlarms, boundedName } from "./key-event-alarms";
import { ACCOUNT, ADMIN, REGION, monitoredStack } from "./test-support";

const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:test-stack-key-events`;
const RULES = [`arn:aws:events:${REGION}:${ACCOUNT}:rule/test-stack-kms-key-api-calls`, `arn:aws:events:${REGION}:${ACCOUNT}:rule/test-stack-kms-key-events`];

describe("KeyEventAlarms with a created topic", () => {
  const { stack } = monitoredStack({ topic: { create: { keyAdministrators: [ADMIN], deletionWindowInDays: 30 } } });
  const json = synthJson(stack);
  const r = json.resource;

  it("watches the KMS service events of the stack's keys (resources = the key ARNs)", () => {
    expect(JSON.parse(r.aws_cloudwatch_event_rule.kms_key_events.event_pattern)).toEqual({
      source: ["aws.kms"],
      "detail-type": ["KMS CMK Deletion", "KMS CMK Rotation", "KMS Imported Key Material Expiration"],
      resources: ["${aws_kms_key.data.arn}", "${aws_kms_key.key_events.arn}"],
    });
    expect(r.aws_cloudwatch_event_rule.kms_key_events.name).toBe("test-stack-kms-key-events");
  });

  it("watches the five API calls through CloudTrail, matched on detail.resources[].ARN", () => {
    const pattern = JSON.parse(r.aws_cloudwatch_event_rule.kms_key_api_calls.event_pattern);
    expect(pattern["detail-type"]).toEqual(["AWS API Call via CloudTrail"]);
    expect(pattern.detail.eventSource).toEqual(["kms.amazonaws.com"]);
    expect([...pattern.detail.eventName].sort()).toEqual(["CreateGrant", "DisableKey", "ImportKeyMaterial", "PutKeyPolicy", "ScheduleKeyDeletion"]);
    expect(pattern.detail.resources).toEqual({ ARN: ["${aws_kms_key.data.arn}", "${aws_kms_key.key_events.arn}"] });
    expect(pattern.detail.requestParameters).toBeUndefined(); // keyId there may be an alias or a bare id
  });

  it("targets the created topic from both rules", () => {
    for (const name of ["kms_key_events", "kms_key_api_calls"]) {
      expect(r.aws_cloudwatch_event_target[name].arn).toBe(TOPIC);
      expect(r.aws_cloudwatch_event_target[name].depends_on).toEqual(["aws_sns_topic.key_events"]);
      expect(r.aws_cloudwatch_event_target[name].rule).toBe(`\${aws_cloudwatch_event_rule.${name}.name}`);
    }
  });

  it("encrypts the topic with its own customer-managed key, not the data key", () => {
    expect(r.aws_sns_topic.key_events).toEqual({ name: "test-stack-key-events", kms_master_key_id: "${aws_kms_key.key_events.arn}" });
    const key = r.aws_kms_key.key_events;
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
  });

  it("lets EventBridge use the topic key only for that topic, with no administration", () => {
    const policy = JSON.parse(r.aws_kms_key.key_events.policy);
    const forEvents = policy.Statement.filter((s: { Principal: { Service?: string } }) => s.Principal.Service === "events.amazonaws.com");
    expect(forEvents).toEqual([
      {
        Sid: "TopicKeyUseByEventBridge",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT, "kms:EncryptionContext:aws:sns:topicArn": TOPIC } },
      },
    ]);
    // The administrators named in the config manage the topic key; the data key's policy does not mention EventBridge.
    expect(JSON.stringify(policy)).toContain(ADMIN);
    expect(r.aws_kms_key.data.policy).not.toContain("events.amazonaws.com");
  });

  it("lets only the two rules of this account publish to the topic", () => {
    const policy = JSON.parse(r.aws_sns_topic_policy.key_events.policy);
    const publish = policy.Statement.find((s: { Action: unknown }) => s.Action === "sns:Publish");
    expect(publish.Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(publish.Resource).toBe(TOPIC);
    expect(publish.Condition).toEqual({ ArnEquals: { "aws:SourceArn": RULES }, StringEquals: { "aws:SourceAccount": ACCOUNT } });
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
    expect(json.resource.aws_sns_topic).toBeUndefined();
    expect(json.resource.aws_sns_topic_policy).toBeUndefined();
    expect(Object.keys(json.resource.aws_kms_key)).toEqual(["data"]);
    expect(json.resource.aws_cloudwatch_event_target.kms_key_events.arn).toBe(EXISTING);
    expect(JSON.parse(json.resource.aws_cloudwatch_event_rule.kms_key_events.event_pattern).resources).toEqual(["${aws_kms_key.data.arn}"]);
  });

  it("hands over the topic-policy and topic-key statements its owner must add", () => {
    const publish = JSON.parse(json.output.key_events_topic_policy_statement.value);
    expect(publish.Sid).toBe("PublishFromKeyEventRulesTestStack");
    expect(publish.Resource).toBe(EXISTING);
    expect(publish.Condition.ArnEquals["aws:SourceArn"]).toEqual(RULES);
    const keyStatement = JSON.parse(json.output.key_events_topic_key_policy_statement.value);
    expect(keyStatement.Condition.StringEquals["kms:EncryptionContext:aws:sns:topicArn"]).toBe(EXISTING);
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
    expect(pattern.resources).toEqual(["${aws_kms_key.data.arn}"]);
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
    expect([...KMS_API_CALLS]).toEqual(["CreateGrant", "DisableKey", "ImportKeyMaterial", "PutKeyPolicy", "ScheduleKeyDeletion"]);
  });
});
