/**
 * SKB-KMS-3: keys are symmetric encryption keys (`SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`), the only
 * kind S3 SSE-KMS accepts.
 *
 * No checkov / cdk-nag equivalent (cdk-nag's KMS5 merely skips asymmetric keys). AWS S3 User Guide:
 * "Amazon S3 supports only symmetric encryption KMS keys".
 */
import { failAll, show } from "../json";
import type { GuardrailRule } from "../types";

export const kmsSymmetricKeySpec: GuardrailRule = {
  id: "SKB-KMS-3",
  name: "kms-symmetric-key-spec",
  description: "The key is not a symmetric encryption key (key spec SYMMETRIC_DEFAULT, key usage ENCRYPT_DECRYPT).",
  rationale:
    "S3 SSE-KMS works with symmetric encryption keys only: with an asymmetric or HMAC key every upload that relies on the bucket's default encryption fails.",
  fix: "Remove customer_master_key_spec / key_spec and key_usage, or set them to SYMMETRIC_DEFAULT and ENCRYPT_DECRYPT (keySpec in environment.json).",
  appliesTo: ["aws_kms_key", "aws_kms_external_key"],
  mappings: { other: ["S3 User Guide: SSE-KMS supports symmetric encryption KMS keys only"] },
  check(resource) {
    const c = resource.config;
    const specAttribute = resource.type === "aws_kms_key" ? "customer_master_key_spec" : "key_spec";
    const problems: string[] = [];
    const spec = c[specAttribute] ?? c.key_spec;
    if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") problems.push(`${specAttribute} is ${show(spec)}`);
    if (c.key_usage !== undefined && c.key_usage !== "ENCRYPT_DECRYPT") problems.push(`key_usage is ${show(c.key_usage)}`);
    return failAll(problems);
  },
};
