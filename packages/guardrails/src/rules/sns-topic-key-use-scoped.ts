/**
 * SKB-SNS-1: the key of an SNS topic grants cryptographic use to principals other than the key
 * account's root only for that topic: every such Allow statement grants nothing but
 * `kms:Decrypt` and `kms:GenerateDataKey*` (what SNS needs from a publisher of an encrypted
 * topic), requires (StringEquals) SNS's encryption context `kms:EncryptionContext:aws:sns:topicArn`
 * naming only topics of the stack that this key encrypts, and restricts the caller
 * (`aws:SourceAccount`, `aws:SourceArn`, ... with a positive operator).
 *
 * No checkov / cdk-nag equivalent. AWS documentation: SNS "Key management" (publishers need
 * kms:GenerateDataKey* and kms:Decrypt); the SNS encryption context appears as
 * kms:EncryptionContext:aws:sns:topicArn in AWS's examples of service publishers.
 */
import { notApplicable } from "../json";
import {
  KEY_POLICY_TYPES,
  allPrincipals,
  checkKeyPolicy,
  conditionEntries,
  cryptoActionsGranted,
  grantedFrom,
  hasRestrictingCondition,
  isAllow,
  isOwnRoot,
  statementName,
} from "../policy";
import { keyAddressOf, topicsEncryptedBy } from "../sns";
import type { GuardrailRule } from "../types";

/** What a publisher of an encrypted topic needs. */
const TOPIC_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"];

export const snsTopicKeyUseScoped: GuardrailRule = {
  id: "SKB-SNS-1",
  name: "sns-topic-key-use-scoped",
  description:
    "The key of an SNS topic grants cryptographic use beyond that topic (actions other than Decrypt/GenerateDataKey*, or no aws:sns:topicArn encryption context, or no caller restriction).",
  rationale:
    "A topic key is not an S3 key: the service that publishes (EventBridge) needs it, but only to encrypt messages of this topic. Scoped by the topic's encryption context and the source account, the grant cannot decrypt anything else under the key, and the publisher gets no administration of it (separation of duties).",
  fix: 'Grant only ["kms:Decrypt", "kms:GenerateDataKey*"] with "Condition": {"StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": "<topic ARN>", "aws:SourceAccount": "<account>"}} (topicKeyUseByEventBridgeStatement in @sse-kms/monitoring does), or suppress with the reason.',
  appliesTo: [...KEY_POLICY_TYPES],
  needsInStack: ["aws_sns_topic"],
  mappings: { other: ["Amazon SNS: key management for encrypted topics"] },
  check(resource, ctx) {
    const address = keyAddressOf(resource);
    const topics = address === undefined ? [] : topicsEncryptedBy(address, ctx);
    if (topics.length === 0) return notApplicable("the key encrypts no SNS topic of the stack");
    const topicNames = topics.map((t) => t.config.name).filter((n): n is string => typeof n === "string");
    return checkKeyPolicy(resource, ctx, (statements, account) =>
      statements.flatMap((s, i) => {
        if (!isAllow(s)) return [];
        const crypto = cryptoActionsGranted(s);
        const principals = allPrincipals(s).filter((p) => !isOwnRoot(p, account));
        if (crypto.length === 0 || principals.length === 0) return [];
        const problems: string[] = [];
        const name = statementName(s, i);
        const extra = crypto.filter((a) => grantedFrom({ Effect: "Allow", Action: TOPIC_KEY_ACTIONS }, [a]).length === 0);
        if (extra.length > 0) problems.push(`${name} grants ${extra.join(", ")} (a topic publisher needs only kms:Decrypt and kms:GenerateDataKey*)`);
        const context = conditionEntries(s, "kms:EncryptionContext:aws:sns:topicArn").filter((c) => c.operator === "StringEquals");
        const scoped =
          context.length > 0 &&
          context.every(
            (c) =>
              c.values.length > 0 &&
              c.values.every((v) => /^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(v) && topicNames.includes(v.split(":")[5] as string)),
          );
        if (!scoped)
          problems.push(
            `${name} grants ${crypto.join(", ")} to ${principals.join(", ")} without StringEquals kms:EncryptionContext:aws:sns:topicArn naming only topics this key encrypts (${topicNames.join(", ")})`,
          );
        if (!hasRestrictingCondition(s)) problems.push(`${name} does not restrict the caller (aws:SourceAccount or aws:SourceArn)`);
        return problems;
      }),
    );
  },
};
