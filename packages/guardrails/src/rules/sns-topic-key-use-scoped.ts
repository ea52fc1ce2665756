/**
 * SKB-SNS-1: the key of an SNS topic grants cryptographic use to principals other than the key
 * account's root only as a topic publisher needs it: every such Allow statement grants nothing but
 * `kms:Decrypt` and `kms:GenerateDataKey*` (Amazon SNS Developer Guide, Key management: "To allow
 * the AWS service to have the kms:GenerateDataKey* and kms:Decrypt permissions, add the following
 * statement to the KMS policy."), and is scoped by at least one of:
 * - SNS's encryption context `kms:EncryptionContext:aws:sns:topicArn` (StringEquals, or
 *   StringEqualsIfExists where the caller is a service that may not send it) naming only topics of
 *   the stack that this key encrypts;
 * - a source or caller restriction (`aws:SourceArn`, `aws:SourceAccount`, ... with a positive operator).
 *
 * Which condition keys a service principal may be given is SKB-SVC-1's question (the table of
 * documented service-principal conditions): EventBridge, for instance, sends no aws:SourceAccount to
 * KMS for an encrypted topic, so its statement can only be scoped by the topic context.
 *
 * No checkov / cdk-nag equivalent.
 */
import { arnRegExp } from "@sse-kms/config";
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

/** A topic ARN as the encryption context names it: `arn:<partition>:sns:<region>:<account>:<topic name>`. */
const TOPIC_ARN = arnRegExp("sns", "[a-z0-9-]+", "[A-Za-z0-9_-]+");

/** What a publisher of an encrypted topic needs. */
const TOPIC_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"];

export const snsTopicKeyUseScoped: GuardrailRule = {
  id: "SKB-SNS-1",
  name: "sns-topic-key-use-scoped",
  description:
    "The key of an SNS topic grants cryptographic use beyond what a topic publisher needs (actions other than Decrypt/GenerateDataKey*, or scoped neither to its topics' aws:sns:topicArn encryption context nor to a source).",
  rationale:
    "A topic key is not an S3 key: the service that publishes (EventBridge, CloudWatch) needs it, but only to encrypt messages of its topics. Scoped by the topic's encryption context or by the source the service documents sending, the grant covers nothing else under the key, and the publisher gets no administration of it (separation of duties).",
  fix: 'Grant only ["kms:Decrypt", "kms:GenerateDataKey*"] with a condition the service documents sending: for EventBridge {"StringEqualsIfExists": {"kms:EncryptionContext:aws:sns:topicArn": "<topic ARN>"}} (topicKeyUseByEventBridgeStatement in @sse-kms/monitoring), for CloudWatch aws:SourceAccount and aws:SourceArn (alarmTopicKeyUseByCloudWatchStatement); or suppress with the reason.',
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
        const context = conditionEntries(s, "kms:EncryptionContext:aws:sns:topicArn").filter((c) => /^StringEquals(IfExists)?$/.test(c.operator));
        const byContext =
          context.length > 0 &&
          context.every((c) => c.values.length > 0 && c.values.every((v) => TOPIC_ARN.test(v) && topicNames.includes(v.split(":")[5] as string)));
        const wrongContext = context.length > 0 && !byContext;
        if (wrongContext)
          problems.push(`${name}: kms:EncryptionContext:aws:sns:topicArn names a topic this key does not encrypt (it encrypts ${topicNames.join(", ")})`);
        else if (!byContext && !hasRestrictingCondition(s))
          problems.push(
            `${name} grants ${crypto.join(", ")} to ${principals.join(", ")} scoped neither to the topics this key encrypts (kms:EncryptionContext:aws:sns:topicArn: ${topicNames.join(", ")}) nor to a source (aws:SourceArn / aws:SourceAccount)`,
          );
        return problems;
      }),
    );
  },
};
