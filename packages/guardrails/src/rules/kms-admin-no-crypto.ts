/**
 * SKB-KMS-6: key administrators (principals of a statement that grants administration such as
 * kms:PutKeyPolicy or kms:ScheduleKeyDeletion) hold no cryptographic action (kms:Decrypt,
 * kms:GenerateDataKey, kms:CreateGrant, ...) anywhere in the key policy. The key account's root is
 * exempt: its management statement carries no cryptographic action unless allowRootFullAccess.
 *
 * No checkov / cdk-nag equivalent. AWS KMS best practice (separation of duties); the action tables
 * are @sse-kms/policy's KEY_ADMIN_ACTIONS and KEY_CRYPTOGRAPHIC_ACTIONS.
 */
import {
  KEY_ADMIN_DEFINING_ACTIONS,
  KEY_POLICY_TYPES,
  allPrincipals,
  checkKeyPolicy,
  cryptoActionsGranted,
  grantedFrom,
  isOwnRoot,
  statementName,
} from "../policy";
import type { GuardrailRule } from "../types";

export const kmsAdminNoCrypto: GuardrailRule = {
  id: "SKB-KMS-6",
  name: "kms-admin-no-crypto",
  description: "A key administrator also holds cryptographic actions on the key.",
  rationale:
    "Separation of duties: whoever can change the key policy or delete the key must not also read the data. A compromised administrator role should not decrypt anything, and a data reader should not be able to widen its own access.",
  fix: "Use different principals for administration (keyAdministratorsStatement: no kms:Decrypt, kms:Encrypt, kms:GenerateDataKey*, kms:ReEncrypt*, kms:CreateGrant) and for use (keyUseViaS3Statement).",
  appliesTo: [...KEY_POLICY_TYPES],
  mappings: { other: ["AWS KMS best practices: separation of duties"] },
  check(resource, ctx) {
    return checkKeyPolicy(resource, ctx, (statements, account) => {
      const admins = new Map<string, string>(); // principal -> "kms:PutKeyPolicy (statement X)"
      statements.forEach((s, i) => {
        const adminActions = grantedFrom(s, KEY_ADMIN_DEFINING_ACTIONS);
        if (adminActions.length === 0) return;
        for (const p of allPrincipals(s)) {
          if (!isOwnRoot(p, account) && !admins.has(p)) admins.set(p, `${adminActions[0]} (${statementName(s, i)})`);
        }
      });
      const problems: string[] = [];
      statements.forEach((s, i) => {
        const crypto = cryptoActionsGranted(s);
        if (crypto.length === 0) return;
        for (const p of allPrincipals(s)) {
          const admin = admins.get(p);
          if (admin) problems.push(`${p} administers the key (${admin}) and holds ${crypto.join(", ")} (${statementName(s, i)})`);
        }
      });
      return problems;
    });
  },
};
