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
    const compliant = report.findings.filter((f) => f.status === "compliant");
    const topicRules = ALL_RULES.filter((r) => TOPIC_TYPES.some((t) => r.appliesTo.includes(t) || (r.needsInStack ?? []).includes(t)));
    expect(topicRules.length).toBeGreaterThan(0);
    for (const rule of topicRules) {
      const onAlarms = compliant.filter((f) => f.ruleId === rule.id && f.address.endsWith(".key_events")).map((f) => f.address);
      expect([rule.id, onAlarms.length > 0]).toEqual([rule.id, true]);
    }
    if (production) {
      // Every rule relevant to the stack's blocks (its own appliesTo and needsInStack) found something compliant.
      const types = new Set(contextFromStackJson(stack.toTerraform() as JsonObject).resources.map((r) => r.type));
      const relevant = ALL_RULES.filter((r) => ruleIsRelevant(r, types)).map((r) => r.id);
      expect([...new Set(compliant.map((f) => f.ruleId))].sort()).toEqual([...relevant].sort());
      expect(compliant.some((f) => f.ruleId === "SKB-STATE-1" && f.address === "aws_kms_key.key_events")).toBe(true);
    }
  });

  test("an existing topic adds nothing the pack objects to", () => {
    const { stack } = monitoredStack({ topic: { existingTopicArn: "arn:aws:sns:us-east-1:333333333333:security-alarms" } }, { production });
    expect(evaluateStack(stack, { production }).violations).toEqual([]);
  });
});
