import { synthJson } from "@sse-kms/construct-kit/testing";
import { TOPIC_HANDOVER_OUTPUTS, renderTopicHandover, topicHandoverPath } from "./handover";
import { ACCOUNT, REGION, monitoredStack } from "./test-support";

const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:security-alarms`;

test("the hand-over page carries each stack's topic-policy statement and the key statement once", () => {
  const outputs = (name: string) => {
    const { stack } = monitoredStack({ topic: { existingTopicArn: TOPIC } });
    const o = synthJson(stack).output;
    return {
      stack: name,
      topicPolicyStatement: o[TOPIC_HANDOVER_OUTPUTS.topicPolicyStatement].value,
      topicKeyPolicyStatement: o[TOPIC_HANDOVER_OUTPUTS.topicKeyPolicyStatement].value,
    };
  };
  const page = renderTopicHandover("qa", TOPIC, [outputs("qa-a"), outputs("qa-b")]);
  expect(topicHandoverPath("qa")).toBe("docs/handover/qa-key-events.md");
  expect(page).toContain(`# Hand-over: key-event alarms of qa into ${TOPIC}`);
  expect(page).toContain("### `qa-a`");
  expect(page).toContain("### `qa-b`");
  expect(page.match(/"Sid": "PublishFromKeyEventRulesTestStack"/g)).toHaveLength(2);
  expect(page.match(/"Sid": "TopicKeyUseByEventBridge"/g)).toHaveLength(1);
  expect(page).toContain(`"kms:EncryptionContext:aws:sns:topicArn": "${TOPIC}"`);
  expect(page.endsWith("```\n")).toBe(true);
});
