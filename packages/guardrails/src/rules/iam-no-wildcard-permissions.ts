/**
 * SKB-IAM-1: identity policies (role, user, group and managed policies, inline role policies)
 * grant no full-service wildcard (`*`, `s3:*`, `kms:*`, an Allow with NotAction), no KMS
 * cryptographic action on `Resource: "*"` unless restricted to S3 by kms:ViaService, and no
 * attachment of AWS managed full-access policies. Replication roles are the expected users here.
 *
 * Maps to checkov CKV_AWS_63 ("no IAM policies documents allow "*" as a statement's actions"),
 * CKV_AWS_109 / CKV_AWS_111 (permissions management / write access without constraints) and
 * cdk-nag AwsSolutions-IAM5 (wildcard permissions) / AwsSolutions-IAM4 (AWS managed policies).
 */
import { blocks, fail, failAll, notApplicable, strings } from "../json";
import { actionsOf } from "@sse-kms/policy";
import { cryptoActionsGranted, hasNotAction, isAllow, policyStatementsOf, restrictedToS3, statementName } from "../policy";
import type { GuardrailRule, Json, SynthesizedResource } from "../types";

const POLICY_TYPES = ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"];
const ATTACHMENT_TYPES = ["aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment"];
const FULL_ACCESS_MANAGED =
  /^arn:[a-z-]+:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess|AmazonS3FullAccess|AWSKeyManagementServicePowerUser)$/;

function policiesOf(resource: SynthesizedResource): { where: string; policy: Json | undefined }[] {
  if (resource.type === "aws_iam_role") {
    return blocks(resource.config.inline_policy)
      .filter((p) => p.policy !== undefined)
      .map((p, i) => ({ where: `inline_policy ${typeof p.name === "string" ? p.name : i}`, policy: p.policy }));
  }
  return resource.config.policy === undefined ? [] : [{ where: "policy", policy: resource.config.policy }];
}

export const iamNoWildcardPermissions: GuardrailRule = {
  id: "SKB-IAM-1",
  name: "iam-no-wildcard-permissions",
  description: "An identity policy grants wildcard or unconstrained permissions.",
  rationale:
    "Roles created with these stacks (replication roles) act on encrypted data across accounts. A wildcard action or kms:Decrypt on every key turns a narrow replication role into a way to read or re-key everything the account can reach.",
  fix: "List the actions (REPLICATION_* tables in @sse-kms/policy) and the resources (bucket, object and key ARNs); restrict KMS use with kms:ViaService = s3.<region>.amazonaws.com (replicationRolePolicy does). Attach no AWS managed full-access policy.",
  appliesTo: ["aws_iam_role", ...POLICY_TYPES, ...ATTACHMENT_TYPES],
  mappings: { checkov: ["CKV_AWS_63", "CKV_AWS_109", "CKV_AWS_111"], cdkNag: ["AwsSolutions-IAM5", "AwsSolutions-IAM4"] },
  check(resource) {
    const problems: string[] = [];
    if (ATTACHMENT_TYPES.includes(resource.type)) {
      const arn = resource.config.policy_arn;
      return typeof arn === "string" && FULL_ACCESS_MANAGED.test(arn) ? fail(`attaches ${arn}`) : notApplicable();
    }
    for (const arn of strings(resource.config.managed_policy_arns)) if (FULL_ACCESS_MANAGED.test(arn)) problems.push(`attaches ${arn}`);
    const sources = policiesOf(resource);
    if (sources.length === 0 && problems.length === 0) return notApplicable("no policy document");
    for (const { where, policy: raw } of sources) {
      const policy = policyStatementsOf(raw);
      if (!policy.ok) {
        problems.push(`${where}: ${policy.reason}`);
        continue;
      }
      policy.statements.forEach((s, i) => {
        if (!isAllow(s)) return;
        const name = `${where} ${statementName(s, i)}`;
        if (hasNotAction(s)) problems.push(`${name} allows NotAction (everything but the listed actions)`);
        const wildcards = actionsOf(s).filter((a) => a === "*" || /^[a-z0-9-]+:\*$/i.test(a));
        if (wildcards.length > 0) problems.push(`${name} allows ${wildcards.join(", ")}`);
        const resources = strings(s.Resource);
        const crypto = cryptoActionsGranted(s);
        if (crypto.length > 0 && (resources.length === 0 || resources.includes("*")) && !restrictedToS3(s)) {
          problems.push(`${name} allows ${crypto.join(", ")} on every key (Resource "*") without kms:ViaService`);
        }
      });
    }
    return failAll(problems);
  },
};
