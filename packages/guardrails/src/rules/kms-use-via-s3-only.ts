/**
 * SKB-KMS-7: key users may use the key only through S3: every Allow statement that grants a
 * cryptographic action to a principal other than the key account's root carries a
 * `kms:ViaService` condition (StringEquals/StringLike, not ...IfExists) naming only S3 endpoints
 * (`s3.<region>.amazonaws.com`).
 *
 * A key that encrypts only SNS topics of its stack (no bucket) is not an S3 key: SKB-SNS-1 checks
 * its use instead (scoped to the topic's encryption context).
 *
 * No checkov / cdk-nag equivalent. AWS KMS documentation, "kms:ViaService".
 */
import { KEY_POLICY_TYPES, allPrincipals, checkKeyPolicy, cryptoActionsGranted, isOwnRoot, restrictedToS3, statementName } from "../policy";
import { notApplicable } from "../json";
import { isTopicOnlyKey } from "../sns";
import type { GuardrailRule } from "../types";

export const kmsUseViaS3Only: GuardrailRule = {
  id: "SKB-KMS-7",
  name: "kms-use-via-s3-only",
  description: "A key policy statement grants cryptographic use of the key without restricting it to S3 (kms:ViaService).",
  rationale:
    "These keys exist to encrypt S3 objects. Without kms:ViaService a key user can call kms:Decrypt directly on any ciphertext encrypted under the key, bypassing the bucket policy, S3 access logs and the TLS rule.",
  fix: 'Add "Condition": {"StringEquals": {"kms:ViaService": "s3.<region>.amazonaws.com", "kms:CallerAccount": "<account>"}} (keyUseViaS3Statement does), or suppress with the reason the principal needs direct use.',
  appliesTo: [...KEY_POLICY_TYPES],
  mappings: { other: ["AWS KMS: kms:ViaService condition key"] },
  check(resource, ctx) {
    if (isTopicOnlyKey(resource, ctx)) return notApplicable("the key encrypts SNS topics only, no bucket (SKB-SNS-1 checks its use)");
    return checkKeyPolicy(resource, ctx, (statements, account) =>
      statements.flatMap((s, i) => {
        const crypto = cryptoActionsGranted(s);
        if (crypto.length === 0 || restrictedToS3(s)) return [];
        const principals = allPrincipals(s).filter((p) => !isOwnRoot(p, account));
        return principals.length > 0
          ? [`${statementName(s, i)} grants ${crypto.join(", ")} to ${principals.join(", ")} without kms:ViaService = s3.<region>.amazonaws.com`]
          : [];
      }),
    );
  },
};
