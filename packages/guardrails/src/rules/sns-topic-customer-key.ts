/**
 * SKB-SNS-2: every SNS topic of the stack is encrypted (`kms_master_key_id`) with a
 * customer-managed key: not absent (unencrypted) and not the AWS managed `alias/aws/sns`, whose key
 * policy cannot be changed and does not let EventBridge (or any other AWS service publisher) use it.
 *
 * Maps to checkov CKV_AWS_26 ("Ensure all data stored in the SNS topic is encrypted") and cdk-nag
 * AwsSolutions-SNS2 (SNS topic without server-side encryption).
 */
import { wholeReference } from "@sse-kms/policy";
import { fail, ok, show } from "../json";
import type { GuardrailRule } from "../types";

const KEY_TYPES = ["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key", "aws_kms_alias"];

export const snsTopicCustomerKey: GuardrailRule = {
  id: "SKB-SNS-2",
  name: "sns-topic-customer-key",
  description: "The SNS topic is not encrypted with a customer-managed KMS key (no kms_master_key_id, or the AWS managed alias/aws/sns).",
  rationale:
    "Alarms about keys carry key ARNs, principals and API calls: encrypt them at rest. The AWS managed alias/aws/sns key's policy cannot be edited, so EventBridge could not publish to a topic encrypted with it; a customer-managed key's policy can grant exactly that publisher, for exactly that topic.",
  fix: "Set kms_master_key_id to a customer-managed key of the stack (KeyEventAlarms with topic.create does), or a literal key ARN; for a deliberately unencrypted topic, suppress with the reason.",
  appliesTo: ["aws_sns_topic"],
  mappings: { checkov: ["CKV_AWS_26"], cdkNag: ["AwsSolutions-SNS2"] },
  check(topic) {
    const value = topic.config.kms_master_key_id;
    if (value === undefined || value === null || value === "") return fail("kms_master_key_id is absent: the topic is not encrypted at rest");
    if (typeof value !== "string") return fail(`kms_master_key_id is ${show(value)}`);
    const ref = wholeReference(value);
    if (ref) return KEY_TYPES.includes(ref.type) ? ok() : fail(`kms_master_key_id is ${value}: it cannot be verified as a customer-managed key at synth`);
    if (/(^|:)alias\/aws\//.test(value)) return fail(`kms_master_key_id is the AWS managed key ${value}`);
    return value.includes("${") ? fail(`kms_master_key_id is an expression (${value}) that cannot be verified at synth`) : ok();
  },
};
