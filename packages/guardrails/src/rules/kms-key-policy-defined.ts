/**
 * SKB-KMS-9: every key has exactly one key policy, written as literal JSON: inline on the key
 * (`policy`), not also an `aws_kms_key_policy` resource (two owners fight: a perpetual diff), and
 * not absent (KMS would apply its default policy: `kms:*` for the account root, delegating all use
 * to IAM).
 *
 * Maps to checkov CKV2_AWS_64 ("Ensure KMS key Policy is defined").
 */
import { fail, ok } from "../json";
import { policyStatementsOf } from "../policy";
import type { GuardrailRule } from "../types";

export const kmsKeyPolicyDefined: GuardrailRule = {
  id: "SKB-KMS-9",
  name: "kms-key-policy-defined",
  description: "The key has no explicit key policy, two competing ones, or one that is not literal JSON.",
  rationale:
    "Without a policy KMS applies its default (kms:* for the account root), so any IAM policy in the account can grant decryption. Two owners (inline policy and aws_kms_key_policy) overwrite each other on every apply. A policy built by an expression cannot be reviewed or simulated from cdk.tf.json, and the other key-policy guardrails cannot check it.",
  fix: "Let the EncryptionKey construct render the policy inline (policy = JSON string); remove aws_kms_key_policy resources and aws_iam_policy_document/jsonencode expressions.",
  appliesTo: ["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key", "aws_kms_key_policy"],
  mappings: { checkov: ["CKV2_AWS_64"] },
  check(resource, ctx) {
    if (resource.type === "aws_kms_key_policy") {
      const policy = policyStatementsOf(resource.config.policy);
      return policy.ok ? ok() : fail(policy.reason);
    }
    const external = ctx.byType("aws_kms_key_policy").filter((p) => typeof p.config.key_id === "string" && p.config.key_id.includes(`\${${resource.address}.`));
    const inline = resource.config.policy;
    if (inline !== undefined && external.length > 0) {
      return fail(`the key has an inline policy and is also the target of ${external.map((p) => p.address).join(", ")}`);
    }
    if (external.length > 1) return fail(`the key is the target of several key policies: ${external.map((p) => p.address).join(", ")}`);
    if (external.length === 1) return ok(`policy owned by ${external[0]?.address}`);
    if (inline === undefined) return fail("no policy: KMS applies its default key policy (kms:* for the account root)");
    const policy = policyStatementsOf(inline);
    return policy.ok ? ok() : fail(policy.reason);
  },
};
