/**
 * SKB-KMS-1: automatic rotation is on for every customer-managed `aws_kms_key`.
 *
 * Maps to checkov CKV_AWS_7 ("Ensure rotation for customer created CMKs is enabled") and cdk-nag
 * AwsSolutions-KMS5 / NIST.800.53.R5-KMSBackingKeyRotationEnabled. Not applicable to
 * `aws_kms_external_key`: KMS cannot rotate imported material (rotation is manual there).
 */
import { ROTATION_PERIOD_DAYS } from "@sse-kms/config";
import { fail, ok, show } from "../json";
import type { GuardrailRule } from "../types";

export const kmsRotationEnabled: GuardrailRule = {
  id: "SKB-KMS-1",
  name: "kms-rotation-enabled",
  description: "The customer-managed KMS key does not rotate its key material automatically.",
  rationale:
    "Automatic rotation limits how much data one key version protects and how long a leaked version stays useful; KMS keeps old versions, so nothing has to be re-encrypted.",
  fix: `Set enable_key_rotation = true (the EncryptionKey construct does so by default) with rotation_period_in_days between ${ROTATION_PERIOD_DAYS.min} and ${ROTATION_PERIOD_DAYS.max}.`,
  appliesTo: ["aws_kms_key"],
  mappings: { checkov: ["CKV_AWS_7"], cdkNag: ["AwsSolutions-KMS5", "NIST.800.53.R5-KMSBackingKeyRotationEnabled"] },
  check(resource) {
    const c = resource.config;
    if (c.enable_key_rotation !== true) return fail(`enable_key_rotation is ${show(c.enable_key_rotation)}`);
    const period = c.rotation_period_in_days;
    if (period !== undefined && (typeof period !== "number" || period < ROTATION_PERIOD_DAYS.min || period > ROTATION_PERIOD_DAYS.max)) {
      return fail(`rotation_period_in_days is ${show(period)}, outside ${ROTATION_PERIOD_DAYS.min}..${ROTATION_PERIOD_DAYS.max}`);
    }
    return ok();
  },
};
