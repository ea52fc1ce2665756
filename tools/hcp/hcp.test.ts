import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { createApp, findRepoRoot, loadEnvironments } from "@sse-kms/blueprint-catalog";
import { EnvironmentStack } from "@sse-kms/stack";
import { TerraformSession, describeFailure, simulateAccess, terraformAvailability } from "@sse-kms/testing";
import { findMotoServer, motoOverride, startMotoServer } from "@sse-kms/testing/moto";
import { WORKSPACES_STACK, awsStackName, buildBootstrap, runSubject } from "./bootstrap";
import { parseHcpConfig } from "./config";
import { bootstrapStacks } from "./load";
import { runRoleStatements } from "./permissions";

jest.setTimeout(600_000);

/** A synthesized stack, read loosely (tests index into it). */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = findRepoRoot(__dirname);
const config = parseHcpConfig(readFileSync(join(__dirname, "hcp.example.json"), "utf8"), "tools/hcp/hcp.example.json");
const environments = loadEnvironments(root);
const stacks = bootstrapStacks(config, environments);

/** The shipped stacks, as `npm run synth` names them (independently of the bootstrap's loader). */
const shipped = createApp(root)
  .node.children.filter((c): c is EnvironmentStack => c instanceof EnvironmentStack)
  .map((s) => s.node.id)
  .sort();

function synthBootstrap(): Map<string, Json> {
  const outdir = mkdtempSync(join(tmpdir(), "sse-kms-hcp-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    const built = buildBootstrap(app, config, stacks);
    app.synth();
    return new Map(built.map((s) => [s.node.id, JSON.parse(readFileSync(join(outdir, "stacks", s.node.id, "cdk.tf.json"), "utf8"))]));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
const out = synthBootstrap();
const accounts = [...new Set(environments.map((e) => e.account))].sort();

describe("HCP Terraform bootstrap: workspaces", () => {
  const tfe = out.get(WORKSPACES_STACK)!;
  const workspaces = Object.values(tfe.resource.tfe_workspace) as Json[];

  it("has one CLI-driven tfe_workspace per shipped stack, with no working directory", () => {
    expect(workspaces.map((w) => w.name).sort()).toEqual(shipped.map((s) => `sse-kms-${s}`));
    for (const w of workspaces) {
      expect(w.working_directory).toBe("");
      expect(w).not.toHaveProperty("vcs_repo");
      expect(w.organization).toBe("acme-platform");
      expect(w.project_id).toBe("${tfe_project.project.id}");
    }
    expect((Object.values(tfe.resource.tfe_workspace_settings) as Json[]).every((s) => s.execution_mode === "remote")).toBe(true);
  });

  it("tags each workspace by environment and blueprint", () => {
    const ws = tfe.resource.tfe_workspace.ws_prod_cross_account_replication;
    expect(ws.tag_names).toEqual(["blueprint:cross-account-replication", "env:prod", "sse-kms"]);
  });

  it("sets the dynamic-credential variables of each workspace to its own run role", () => {
    for (const stack of shipped) {
      const id = stack.replace(/-/g, "_");
      const env = environments.find((e) => stack.startsWith(`${e.name}-`))!;
      expect(tfe.resource.tfe_variable[`auth_${id}`]).toMatchObject({
        key: "TFC_AWS_PROVIDER_AUTH",
        value: "true",
        category: "env",
        workspace_id: `\${tfe_workspace.ws_${id}.id}`,
      });
      expect(tfe.resource.tfe_variable[`role_${id}`]).toMatchObject({
        key: "TFC_AWS_RUN_ROLE_ARN",
        value: `arn:aws:iam::${env.account}:role/hcp-terraform-${stack}`,
        workspace_id: `\${tfe_workspace.ws_${id}.id}`,
      });
    }
  });

  it("agrees with an environment's cloud backend, and refuses another organization or naming", () => {
    const staging = stacks.filter((s) => s.environment === "staging");
    expect(staging.length).toBeGreaterThan(0);
    expect(staging.every((s) => s.cloud?.workspaces.name === "sse-kms-{stack}")).toBe(true);
    const other = { ...config, organization: "someone-else" };
    expect(() => buildBootstrap(new App({ outdir: tmpdir() }), other, staging)).toThrow(
      "hcp.json: organization: environment staging runs in HCP Terraform organization acme-platform (its backend), not someone-else",
    );
    expect(() => buildBootstrap(new App({ outdir: tmpdir() }), { ...config, workspaceName: "ws-{stack}" }, staging)).toThrow(
      /workspaceName: environment staging's backend names workspace sse-kms-staging-customer-managed for staging-customer-managed, the bootstrap ws-staging-customer-managed/,
    );
  });
});

describe("HCP Terraform bootstrap: OIDC provider and run roles per account", () => {
  it("writes one stack per AWS account with the app.terraform.io OIDC provider", () => {
    expect([...out.keys()].filter((k) => k !== WORKSPACES_STACK).sort()).toEqual(accounts.map(awsStackName));
    for (const account of accounts) {
      const doc = out.get(awsStackName(account))!;
      expect(doc.resource.aws_iam_openid_connect_provider.hcp_terraform).toMatchObject({
        url: "https://app.terraform.io",
        client_id_list: ["aws.workload.identity"],
      });
      expect(doc.provider.aws[0].allowed_account_ids).toEqual([account]);
    }
  });

  it("gives every stack a run role in its account whose trust names its workspace", () => {
    for (const s of stacks) {
      const doc = out.get(
        awsStackName(s.cloud ? environments.find((e) => e.name === s.environment)!.account : environments.find((e) => e.name === s.environment)!.account),
      )!;
      const role = doc.resource.aws_iam_role[`run_${s.name.replace(/-/g, "_")}`];
      const trust = JSON.parse(role.assume_role_policy);
      expect(trust.Statement).toHaveLength(1);
      expect(trust.Statement[0].Condition.StringLike["app.terraform.io:sub"]).toBe(
        `organization:acme-platform:project:sse-kms:workspace:sse-kms-${s.name}:run_phase:*`,
      );
      expect(trust.Statement[0].Condition.StringEquals["app.terraform.io:aud"]).toBe("aws.workload.identity");
    }
  });

  it("scopes a run role's permissions to what its stack manages", () => {
    const s = stacks.find((x) => x.name === "prod-cross-account-replication")!;
    const statements = runRoleStatements(s.name, s.json);
    const byId = new Map(statements.map((st) => [st.Sid, st]));
    expect(byId.get("Unscoped")!.Action).toEqual(["kms:CreateKey", "kms:ListAliases"]);
    expect(byId.get("Buckets")!.Resource).toEqual(["arn:aws:s3:::acme-prod-replicated-333333333333"]); // not the destination's bucket
    expect(byId.get("AssumeProviderRoles")!.Resource).toEqual(["arn:aws:iam::444444444444:role/platform-deploy"]);
    expect(statements.flatMap((st) => st.Action)).not.toContain("kms:Decrypt");
    // The key-event alarms' dead-letter queue and delivery alarms: scoped to their own names.
    expect(byId.get("Queues")!.Resource).toEqual(["arn:aws:sqs:us-east-1:333333333333:prod-cross-account-replication-key-events-dlq"]);
    expect(byId.get("Queues")!.Action).toContain("sqs:SetQueueAttributes");
    expect(byId.get("Alarms")!.Resource.length).toBeGreaterThan(0);
    for (const arn of byId.get("Alarms")!.Resource) expect(arn).toMatch(/^arn:aws:cloudwatch:us-east-1:333333333333:alarm:prod-cross-account-replication-/);
    expect(() =>
      runRoleStatements(
        "x",
        JSON.stringify({ provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] }, resource: { aws_lambda_function: { f: {} } } }),
      ),
    ).toThrow("x: resource type aws_lambda_function has no permission mapping: add it to ACTIONS in tools/hcp/permissions.ts");
  });
});

describe("run role trust, proven with the access simulator", () => {
  const account = environments.find((e) => e.name === "prod")!.account;
  const stackJson = JSON.stringify(out.get(awsStackName(account)));
  const provider = `arn:aws:iam::${account}:oidc-provider/app.terraform.io`;
  const assume = (role: string, workspace: string, aud = "aws.workload.identity", phase = "plan") =>
    simulateAccess([stackJson], {
      principal: provider,
      action: "sts:AssumeRoleWithWebIdentity",
      resource: { role },
      context: { "app.terraform.io:aud": aud, "app.terraform.io:sub": runSubject(config, workspace).replace(/\*$/, phase) },
    });

  it("allows the workspace's own plan and apply runs", async () => {
    expect((await assume("hcp-terraform-prod-customer-managed", "sse-kms-prod-customer-managed")).decision).toBe("Allowed");
    expect((await assume("hcp-terraform-prod-customer-managed", "sse-kms-prod-customer-managed", undefined, "apply")).decision).toBe("Allowed");
  });

  it("denies another workspace's token, even of the same environment", async () => {
    expect((await assume("hcp-terraform-prod-customer-managed", "sse-kms-prod-imported-material")).decision).toBe("ImplicitlyDenied");
    expect((await assume("hcp-terraform-prod-customer-managed", "sse-kms-prod-customer-managed-evil")).decision).toBe("ImplicitlyDenied");
  });

  it("denies a token with the wrong audience", async () => {
    expect((await assume("hcp-terraform-prod-customer-managed", "sse-kms-prod-customer-managed", "sts.amazonaws.com")).decision).toBe("ImplicitlyDenied");
  });

  it("denies a token of another project or organization", async () => {
    const r = await simulateAccess([stackJson], {
      principal: provider,
      action: "sts:AssumeRoleWithWebIdentity",
      resource: { role: "hcp-terraform-prod-customer-managed" },
      context: {
        "app.terraform.io:aud": "aws.workload.identity",
        "app.terraform.io:sub": "organization:acme-platform:project:Default Project:workspace:sse-kms-prod-customer-managed:run_phase:plan",
      },
    });
    expect(r.decision).toBe("ImplicitlyDenied");
  });
});

// The AWS side applied for real, against moto_server on loopback. The tfe side cannot be: no mirror
// here holds the hashicorp/tfe provider (and HCP Terraform is not reachable).
const availability = terraformAvailability();
const moto = findMotoServer();
const why = !availability.available ? availability.reason : moto === undefined ? "no moto_server on PATH (or SSE_KMS_MOTO_SERVER)" : undefined;
if (why !== undefined) {
  test("the moto apply of the bootstrap's AWS stacks is skipped", () => {
    process.stdout.write(`skipped: hcp bootstrap apply against moto: ${why}\n`);
  });
} else {
  test("the AWS side applies against moto_server, then plans no change", async () => {
    if (!availability.available) throw new Error("unreachable");
    const account = environments.find((e) => e.name === "prod")!.account;
    const name = awsStackName(account);
    const json = JSON.stringify(out.get(name));
    const server = await startMotoServer({ accountId: account });
    const session = new TerraformSession(availability.terraform, availability.mirror);
    try {
      const work = session.workdir(name, json, {}, motoOverride(json, server.endpoint));
      const init = await session.init(work.dir);
      expect(init.ok ? "ok" : describeFailure({ name, steps: [init] })).toBe("ok");
      const apply = await session.run(work.dir, ["apply", "-input=false", "-no-color", "-auto-approve", "-lock=false"]);
      expect(apply.ok ? "ok" : describeFailure({ name, steps: [apply] })).toBe("ok");
      const roles = stacks.filter((s) => environments.find((e) => e.name === s.environment)!.account === account).length;
      expect(apply.stdout).toContain(`Apply complete! Resources: ${1 + 2 * roles} added, 0 changed, 0 destroyed.`);
      const plan = await session.run(work.dir, ["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode"]);
      expect(plan.exitCode === 0 ? "no changes" : describeFailure({ name, steps: [plan] })).toBe("no changes");
      process.stdout.write(`hcp bootstrap: ${name} applied against moto (${1 + 2 * roles} resources), re-plan empty\n`);
    } finally {
      session.dispose();
      await server.stop();
    }
  });
}
