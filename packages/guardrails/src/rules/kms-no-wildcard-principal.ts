/**
 * SKB-KMS-4: no key policy statement allows `Principal: "*"` (or `{"AWS": "*"}`, or NotPrincipal)
 * without a condition that pins the caller to known accounts or an organisation.
 *
 * Maps to checkov CKV_AWS_33 ("Ensure KMS key policy does not contain wildcard (*) principal").
 */
import { KEY_POLICY_TYPES, checkKeyPolicy, hasRestrictingCondition, isAllow, principalsOf, statementName } from "../policy";
import type { GuardrailRule } from "../types";

export const kmsNoWildcardPrincipal: GuardrailRule = {
  id: "SKB-KMS-4",
  name: "kms-no-wildcard-principal",
  description: 'A key policy statement allows any principal ("*") without a condition restricting the caller.',
  rationale:
    "A key policy is the root of access to a KMS key: an unrestricted wildcard principal lets any AWS account (or anyone IAM lets through) use or manage the key.",
  fix: "Name the principals (role ARNs, the account root), or add a condition such as kms:CallerAccount, aws:PrincipalAccount or aws:PrincipalOrgID with StringEquals.",
  appliesTo: [...KEY_POLICY_TYPES],
  mappings: { checkov: ["CKV_AWS_33"] },
  check(resource, ctx) {
    return checkKeyPolicy(resource, ctx, (statements) =>
      statements.flatMap((s, i) =>
        isAllow(s) && principalsOf(s).wildcard && !hasRestrictingCondition(s)
          ? [`${statementName(s, i)} allows a wildcard principal without a restricting condition`]
          : [],
      ),
    );
  },
};
