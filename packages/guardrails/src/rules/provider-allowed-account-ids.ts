/**
 * SKB-PROV-1: every AWS provider block (the default and every alias) pins allowed_account_ids.
 *
 * No checkov / cdk-nag equivalent (checkov's provider check CKV_AWS_41 looks for hard-coded
 * credentials, not account pinning). Terraform AWS provider documentation: allowed_account_ids.
 */
import { isAccountId } from "@sse-kms/config";
import { fail, ok, strings } from "../json";
import type { GuardrailRule } from "../types";

export const providerAllowedAccountIds: GuardrailRule = {
  id: "SKB-PROV-1",
  name: "provider-allowed-account-ids",
  description: "An AWS provider does not pin the account it may deploy to (allowed_account_ids).",
  rationale:
    "Key policies, bucket names and ARNs in this output are written for one account. Run with credentials for another account (a stale profile, a wrong CI secret), an unpinned provider would create or change keys and buckets there; a pinned one fails before planning.",
  fix: "Create providers with awsProviderConfig({ account, region, ... }) from @sse-kms/stack (allowedAccountIds: [account]), including aliased providers for a second account.",
  appliesTo: ["provider.aws"],
  mappings: { other: ["Terraform AWS provider: allowed_account_ids"] },
  check(provider) {
    const ids = strings(provider.config.allowed_account_ids);
    if (ids.length === 0) return fail(`${provider.address} has no allowed_account_ids`);
    const bad = ids.filter((id) => !isAccountId(id));
    return bad.length > 0 ? fail(`allowed_account_ids holds ${bad.join(", ")}, not 12-digit account ids`) : ok();
  },
};
