/** The guardrail pack on the alarms: every rule passes, and every rule relevant to the alarms' blocks checks something. */
import { ALL_RULES, type JsonObject, contextFromStackJson, evaluateStack, ruleIsRelevant } from "@sse-kms/guardrails";
import { ADMIN, monitoredStack } from "./test-support";

/** Block types of the topic side: the rules about them (by `appliesTo` or `needsInStack`) must look at the alarms' blocks. */
const TOPIC_TYPES = ["aws_sns_topic", "aws_sns_topic_policy"];

describe.each([false, true])("guardrails on KeyEventAlarms (production: %s)", (production) => {
  test("a created topic, its key and policy pass every rule; the topic rules each find them compliant", () => {
    const { stack } = monitoredStack({ topic: { create: { keyAdministrators: [ADMIN], deletionWindowInDays: 30 } } }, { production });
    const report = evaluateStack(stack, { production });
    expect(report.violations).toEqual([]);
    const compliant = new Set(report.findings.filter((f) => f.status === "compliant").map((f) => `${f.ruleId} ${f.address}`));
    for (const expected of [
      "SKB-SNS-1 aws_kms_key.key_events",
      "SKB-SNS-2 aws_sns_topic.key_events",
      "SKB-SNS-3 aws_sns_topic_policy.key_events",
      "SKB-SNS-1 aws_kms_key.key_events_delivery",
      "SKB-SNS-2 aws_sns_topic.key_events_delivery_alarms",
      "SKB-SNS-3 aws_sns_topic_policy.key_events_delivery_alarms",
      "SKB-SVC-1 aws_kms_key.key_events",
      "SKB-SVC-1 aws_kms_key.key_events_delivery",
      "SKB-SVC-1 aws_sns_topic_policy.key_events",
      "SKB-SVC-1 aws_sns_topic_policy.key_events_delivery_alarms",
      "SKB-SVC-1 aws_sqs_queue_policy.key_events_dlq",
      "SKB-KMS-1 aws_kms_key.key_events",
      "SKB-KMS-6 aws_kms_key.key_events",
    ]) {
      expect([expected, compliant.has(expected)]).toEqual([expected, true]);
    }
    const compliantFindings = report.findings.filter((f) => f.status === "compliant");
    const topicRules = ALL_RULES.filter((r) => TOPIC_TYPES.some((t) => r.appliesTo.includes(t) || (r.needsInStack ?? []).includes(t)));
    expect(topicRules.length).toBeGreaterThan(0);
    for (const rule of topicRules) {
      const onAlarms = compliantFindings.filter((f) => f.ruleId === rule.id && f.address.endsWith(".key_events")).map((f) => f.address);
      expect([rule.id, onAlarms.length > 0]).toEqual([rule.id, true]);
    }
    if (production) {
      // Every rule relevant to the stack's blocks (its own appliesTo and needsInStack) found something compliant.
      const types = new Set(contextFromStackJson(stack.toTerraform() as JsonObject).resources.map((r) => r.type));
      const relevant = ALL_RULES.filter((r) => ruleIsRelevant(r, types)).map((r) => r.id);
      expect([...new Set(compliantFindings.map((f) => f.ruleId))].sort()).toEqual([...relevant].sort());
      expect(compliant.has("SKB-STATE-1 aws_kms_key.key_events")).toBe(true);
    }
  });

  test("an existing topic adds nothing the pack objects to", () => {
    const { stack } = monitoredStack({ topic: { existingTopicArn: "arn:aws:sns:us-east-1:333333333333:security-alarms" } }, { production });
    expect(evaluateStack(stack, { production }).violations).toEqual([]);
  });
});

test("ALL_RULES holds the three SNS rules and the service-principal conditions rule", () => {
  expect(ALL_RULES.map((r) => r.id).filter((id) => id.startsWith("SKB-SNS-") || id.startsWith("SKB-SVC-"))).toEqual([
    "SKB-SNS-1",
    "SKB-SNS-2",
    "SKB-SNS-3",
    "SKB-SVC-1",
  ]);
});

test("the guardrail fires when the topic key's EventBridge statement requires aws:SourceAccount (undocumented: the SNS guide says it is not sent)", () => {
  const { stack, alarms } = monitoredStack({ topic: { create: { keyAdministrators: [ADMIN], deletionWindowInDays: 30 } } });
  alarms!.topicKey!.addToResourcePolicy({
    Sid: "LegacyEventBridgeSourceAccount",
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: ["kms:GenerateDataKey*"],
    Resource: "*",
    Condition: { StringEquals: { "aws:SourceAccount": "333333333333" } },
  });
  const violations = evaluateStack(stack, { production: false }).violations.filter((f) => f.ruleId === "SKB-SVC-1");
  expect(violations).toEqual([
    expect.objectContaining({
      address: "aws_kms_key.key_events",
      detail: expect.stringContaining(
        '"LegacyEventBridgeSourceAccount" (events.amazonaws.com, kms:GenerateDataKey*) conditions on aws:SourceAccount, which AWS documents as not sent',
      ),
    }),
  ]);
});
