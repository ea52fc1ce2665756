/** The guardrail pack on the alarms: every rule passes, and the SNS rules each check something. */
import { ALL_RULES, evaluateStack } from "@sse-kms/guardrails";
import { ADMIN, monitoredStack } from "./test-support";

describe.each([false, true])("guardrails on KeyEventAlarms (production: %s)", (production) => {
  test("a created topic, its key and policy pass every rule", () => {
    const { stack } = monitoredStack({ topic: { create: { keyAdministrators: [ADMIN], deletionWindowInDays: 30 } } }, { production });
    const report = evaluateStack(stack, { production });
    expect(report.violations).toEqual([]);
    const compliant = new Set(report.findings.filter((f) => f.status === "compliant").map((f) => `${f.ruleId} ${f.address}`));
    for (const expected of [
      "SKB-SNS-1 aws_kms_key.key_events",
      "SKB-SNS-2 aws_sns_topic.key_events",
      "SKB-SNS-3 aws_sns_topic_policy.key_events",
      "SKB-KMS-1 aws_kms_key.key_events",
      "SKB-KMS-6 aws_kms_key.key_events",
    ]) {
      expect([expected, compliant.has(expected)]).toEqual([expected, true]);
    }
    if (production) expect(compliant.has("SKB-STATE-1 aws_kms_key.key_events")).toBe(true);
  });

  test("an existing topic adds nothing the pack objects to", () => {
    const { stack } = monitoredStack({ topic: { existingTopicArn: "arn:aws:sns:us-east-1:333333333333:security-alarms" } }, { production });
    expect(evaluateStack(stack, { production }).violations).toEqual([]);
  });
});

test("ALL_RULES holds the three SNS rules", () => {
  expect(ALL_RULES.map((r) => r.id).filter((id) => id.startsWith("SKB-SNS-"))).toEqual(["SKB-SNS-1", "SKB-SNS-2", "SKB-SNS-3"]);
});
