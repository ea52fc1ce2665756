/**
 * SKB-KMS-5: no key policy statement grants `kms:*` (or `*`, or an Allow with NotAction) to any
 * principal but the key's own account root, where it is the explicit `allowRootFullAccess` opt-in
 * (AWS's default key policy, delegating the key to IAM in the account).
 *
 * Nearest equivalents: checkov CKV_AWS_109 / CKV_AWS_111 (IAM permissions management / write access
 * without constraints) and cdk-nag AwsSolutions-IAM5 (wildcard permissions). Those check identity
 * policies; this applies the same idea to key policies.
 */
import { KEY_POLICY_TYPES, allPrincipals, checkKeyPolicy, grantsFullKmsAccess, isOwnRoot, statementName } from "../policy";
import type { GuardrailRule } from "../types";

export const kmsNoFullAccess: GuardrailRule = {
  id: "SKB-KMS-5",
  name: "kms-no-full-access",
  description: "A key policy statement grants kms:* (every KMS action) to a principal other than the key account's root.",
  rationale:
    "kms:* holds both key administration and every cryptographic use, so its holder can decrypt all data, rewrite the key policy and schedule the key's deletion: separation of duties is gone.",
  fix: "Grant administrators the administration actions (keyAdministratorsStatement) and users kms:Decrypt/kms:GenerateDataKey via S3 (keyUseViaS3Statement). kms:* belongs only to the account root, and only with allowRootFullAccess.",
  appliesTo: [...KEY_POLICY_TYPES],
  mappings: { other: ["related: checkov CKV_AWS_109 / CKV_AWS_111 and cdk-nag AwsSolutions-IAM5 (the same idea for identity policies)"] },
  check(resource, ctx) {
    return checkKeyPolicy(resource, ctx, (statements, account) =>
      statements.flatMap((s, i) => {
        if (!grantsFullKmsAccess(s)) return [];
        const others = allPrincipals(s).filter((p) => !isOwnRoot(p, account));
        return others.length > 0 ? [`${statementName(s, i)} grants every KMS action to ${others.join(", ")}`] : [];
      }),
    );
  },
};
