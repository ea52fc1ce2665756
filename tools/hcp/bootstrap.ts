import { type App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { type Construct } from "constructs";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { Project } from "@cdktf/provider-tfe/lib/project";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import { WorkspaceSettings } from "@cdktf/provider-tfe/lib/workspace-settings";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { type HcpConfig, nameFor } from "./config";
import { runRoleStatements, stackProviders } from "./permissions";

/**
 * The HCP Terraform bootstrap: one stack `hcp-workspaces` (tfe provider) with a project and one
 * CLI-driven workspace per synthesized stack, and one stack `hcp-aws-<account>` per AWS account with
 * the OIDC provider for HCP Terraform and a run role per stack of that account, trusted by that
 * stack's workspace only.
 *
 * Dynamic credentials, as HashiCorp documents them
 * (https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration):
 * "You can use HCP Terraform’s native OpenID Connect integration with AWS to get dynamic credentials
 * for the AWS provider in your HCP Terraform runs. [...] Configure AWS: Set up a trust configuration
 * between AWS and HCP Terraform. Then, you must create AWS roles and policies for your HCP Terraform
 * workspaces. Configure HCP Terraform: Add environment variables to the HCP Terraform workspaces where
 * you want to use Dynamic Credentials." The variables are `TFC_AWS_PROVIDER_AUTH = true` and
 * `TFC_AWS_RUN_ROLE_ARN = <role ARN>` (same page, "Configure HCP Terraform").
 */

/** One synthesized stack the bootstrap gives a workspace and a run role. */
export interface BootstrapStack {
  /** `<env>-<blueprint>`. */
  readonly name: string;
  readonly environment: string;
  readonly blueprint: string;
  /** The synthesized `cdk.tf.json`. */
  readonly json: string;
  /** The environment's `backend`, when it is `cloud` (its organization and workspace naming must agree). */
  readonly cloud?: {
    readonly organization: string;
    readonly hostname?: string;
    readonly workspaces: { readonly name?: string; readonly tags?: readonly string[] };
  };
}

/** Names of the bootstrap's stacks. */
export const WORKSPACES_STACK = "hcp-workspaces";
export const awsStackName = (account: string): string => `hcp-aws-${account}`;

/**
 * The run token's subject for a workspace's runs, any phase. HashiCorp's format
 * (https://support.hashicorp.com/hc/en-us/articles/13138701895699-Updating-Workload-Identity-for-Projects):
 * "organization:[org name]:project:[project name]:workspace:[workspace name]:run_phase:[run phase]".
 */
export function runSubject(config: HcpConfig, workspace: string): string {
  return `organization:${config.organization}:project:${config.project}:workspace:${workspace}:run_phase:*`;
}

/**
 * The trust policy of a stack's run role: only `sts:AssumeRoleWithWebIdentity`, only through the
 * account's OIDC provider for `config.hostname`, only with the configured audience and only for
 * runs of that one workspace.
 *
 * - `<hostname>:aud` = `aws.workload.identity`: HashiCorp's example trust policy (support article
 *   above) has `"StringEquals": { "app.terraform.io:aud": "aws.workload.identity" }`, the default of
 *   `TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE`.
 * - `<hostname>:sub` with `StringLike` and `run_phase:*`: the same example has
 *   `"StringLike": { "app.terraform.io:sub": "organization:my-org:project:Default Project:workspace:my-ws:run_phase:*" }`.
 *   `*` stands for `plan` and `apply` only; organization, project and workspace are literal, so
 *   another workspace's token never matches (project and workspace names here hold no `*` or `?`:
 *   the config schema refuses them).
 * - AWS evaluates these keys for web identity federation: IAM User Guide, "IAM and AWS STS
 *   condition context keys", section "Available keys for AWS OIDC federation"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif),
 *   which lists `<provider>:aud` and `<provider>:sub` as the keys "you can use [...] in the trust
 *   policy of a role" assumed through an OIDC provider (`amr` and `azp` are the others). The English
 *   page could not be retrieved word for word here; the key names are the ones both HashiCorp's and
 *   AWS's examples use.
 */
export function trustPolicy(config: HcpConfig, providerArn: string, workspace: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "HcpTerraformRunsOfOneWorkspace",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { [`${config.hostname}:aud`]: config.audience },
          StringLike: { [`${config.hostname}:sub`]: runSubject(config, workspace) },
        },
      },
    ],
  });
}

/** What the bootstrap builds for each stack. */
export interface BootstrapPlan {
  readonly stack: BootstrapStack;
  readonly workspace: string;
  readonly account: string;
  readonly runRole: string;
  readonly runRoleArn: string;
}

/** Checks the stacks against the config and names every workspace and run role; throws one line per problem. */
export function planBootstrap(config: HcpConfig, stacks: readonly BootstrapStack[]): BootstrapPlan[] {
  const problems: string[] = [];
  const plans = stacks.map((stack) => {
    const p = stackProviders(stack.name, stack.json);
    const workspace = nameFor(config.workspaceName, stack.name);
    const runRole = nameFor(config.runRoleName, stack.name);
    if (runRole.length > 64) problems.push(`hcp.json: runRoleName: "${runRole}" is longer than IAM's 64 characters for a role name; shorten the pattern`);
    if (stack.cloud) {
      if (stack.cloud.organization !== config.organization)
        problems.push(
          `hcp.json: organization: environment ${stack.environment} runs in HCP Terraform organization ${stack.cloud.organization} (its backend), not ${config.organization}`,
        );
      if ((stack.cloud.hostname ?? "app.terraform.io") !== config.hostname)
        problems.push(`hcp.json: hostname: environment ${stack.environment}'s backend names ${stack.cloud.hostname}, not ${config.hostname}`);
      const named = stack.cloud.workspaces.name;
      if (named !== undefined && nameFor(named, stack.name) !== workspace)
        problems.push(
          `hcp.json: workspaceName: environment ${stack.environment}'s backend names workspace ${nameFor(named, stack.name)} for ${stack.name}, the bootstrap ${workspace}; use the same pattern ("${named}")`,
        );
    }
    return { stack, workspace, account: p.account, runRole, runRoleArn: `arn:${p.partition}:iam::${p.account}:role/${runRole}` };
  });
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return plans;
}

/** The tags of a stack's workspace: `sse-kms`, `env:<env>`, `blueprint:<blueprint>` and the configured extras. */
export function workspaceTags(config: HcpConfig, stack: BootstrapStack): string[] {
  return [...new Set(["sse-kms", `env:${stack.environment}`, `blueprint:${stack.blueprint}`, ...config.tags])].sort();
}

/** Builds the bootstrap's stacks into `app`. */
export function buildBootstrap(app: App, config: HcpConfig, stacks: readonly BootstrapStack[]): TerraformStack[] {
  const plans = planBootstrap(config, stacks);
  const result: TerraformStack[] = [workspacesStack(app, config, plans)];
  const accounts = [...new Set(plans.map((p) => p.account))].sort();
  for (const account of accounts)
    result.push(
      accountStack(
        app,
        config,
        account,
        plans.filter((p) => p.account === account),
      ),
    );
  return result;
}

/** The one hashicorp/aws version the stacks pin; throws when they disagree. */
export function fleetAwsVersion(plans: readonly BootstrapPlan[]): string {
  const versions = [
    ...new Set(
      plans.map(
        (p) =>
          (JSON.parse(p.stack.json) as { terraform?: { required_providers?: { aws?: { version?: string } } } }).terraform?.required_providers?.aws?.version ??
          "(none)",
      ),
    ),
  ].sort();
  if (versions.length !== 1)
    throw new Error(
      `hcp bootstrap: the stacks of account ${plans[0]?.account} pin hashicorp/aws ${versions.join(" and ")}: pin one version (awsProviderVersion) in every environment of the account`,
    );
  return versions[0];
}

function localBackend(stack: TerraformStack, name: string): void {
  // Relative, so the output is the same on every machine (cdktf's default writes an absolute path).
  new LocalBackend(stack, { path: `../../../terraform-state/${name}.tfstate` });
}

function workspacesStack(scope: Construct, config: HcpConfig, plans: readonly BootstrapPlan[]): TerraformStack {
  const stack = new TerraformStack(scope, WORKSPACES_STACK);
  localBackend(stack, WORKSPACES_STACK);
  // Token from TFE_TOKEN (or the CLI's credentials for the host): never in configuration.
  new TfeProvider(stack, "tfe", { hostname: config.hostname, organization: config.organization });
  const project = new Project(stack, "project", { name: config.project, organization: config.organization });
  for (const plan of plans) {
    const id = plan.stack.name.replace(/[^A-Za-z0-9_]/g, "_");
    const ws = new Workspace(stack, `ws_${id}`, {
      name: plan.workspace,
      organization: config.organization,
      projectId: project.id,
      description: `sse-kms stack ${plan.stack.name}: CLI-driven, uploaded from cdktf.out/stacks/${plan.stack.name} (no working directory)`,
      tagNames: workspaceTags(config, plan.stack),
      // CLI-driven: no VCS connection, and no working directory, so a run uploads the stack folder
      // it is started from and nothing above it.
      workingDirectory: "",
      queueAllRuns: false,
      autoApply: false,
    });
    ws.overrideLogicalId(`ws_${id}`);
    const settings = new WorkspaceSettings(stack, `settings_${id}`, { workspaceId: ws.id, executionMode: "remote" });
    settings.overrideLogicalId(`settings_${id}`);
    const auth = new Variable(stack, `auth_${id}`, {
      workspaceId: ws.id,
      category: "env",
      key: "TFC_AWS_PROVIDER_AUTH",
      value: "true",
      description: "dynamic AWS credentials (OIDC), no static keys",
    });
    auth.overrideLogicalId(`auth_${id}`);
    const role = new Variable(stack, `role_${id}`, {
      workspaceId: ws.id,
      category: "env",
      key: "TFC_AWS_RUN_ROLE_ARN",
      value: plan.runRoleArn,
      description: `run role of ${plan.stack.name}, trusted by this workspace's runs only`,
    });
    role.overrideLogicalId(`role_${id}`);
  }
  return stack;
}

function accountStack(scope: Construct, config: HcpConfig, account: string, plans: readonly BootstrapPlan[]): TerraformStack {
  const name = awsStackName(account);
  const stack = new TerraformStack(scope, name);
  localBackend(stack, name);
  const partition = plans[0].runRoleArn.split(":")[1];
  const region = partition === "aws-cn" ? "cn-north-1" : partition === "aws-us-gov" ? "us-gov-west-1" : "us-east-1";
  // IAM is global: the region only picks the endpoint.
  new AwsProvider(stack, "aws", { region, allowedAccountIds: [account] });
  // The hashicorp/aws version the fleet pins (one fleet, one provider version).
  stack.addOverride("terraform.required_providers.aws.version", fleetAwsVersion(plans));
  const oidc = new IamOpenidConnectProvider(stack, "hcp_terraform", {
    url: `https://${config.hostname}`,
    clientIdList: [config.audience],
    thumbprintList: config.thumbprints,
  });
  oidc.overrideLogicalId("hcp_terraform");
  const providerArn = `arn:${partition}:iam::${account}:oidc-provider/${config.hostname}`;
  for (const plan of plans) {
    const id = plan.stack.name.replace(/[^A-Za-z0-9_]/g, "_");
    const role = new IamRole(stack, `run_${id}`, {
      name: plan.runRole,
      description: `HCP Terraform runs of workspace ${plan.workspace} (stack ${plan.stack.name})`,
      assumeRolePolicy: trustPolicy(config, providerArn, plan.workspace),
      maxSessionDuration: 3600,
      dependsOn: [oidc],
    });
    role.overrideLogicalId(`run_${id}`);
    const policy = new IamRolePolicy(stack, `run_${id}_permissions`, {
      name: "manage-stack",
      role: role.name,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: runRoleStatements(plan.stack.name, plan.stack.json) }),
    });
    policy.overrideLogicalId(`run_${id}_permissions`);
    new TerraformOutput(stack, `run_role_arn_${id}`, { value: role.arn });
  }
  return stack;
}
