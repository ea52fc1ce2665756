/**
 * `npm run hcp:synth` synthesizes the opt-in HCP Terraform bootstrap from `hcp.json` (see
 * tools/hcp/hcp.example.json) into `cdktf.out.hcp/stacks/<stack>/cdk.tf.json`:
 * `hcp-workspaces` (tfe provider: a project, one workspace per stack with its dynamic-credential
 * variables) and `hcp-aws-<account>` per AWS account (the OIDC provider and one run role per stack).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseCliArgs, runCli } from "@sse-kms/config/args";

const USAGE = `npm run hcp:synth [-- --config <file>] [--out <dir>]
Synthesizes the HCP Terraform bootstrap (workspaces, OIDC providers, run roles) for every stack.
  --config <file>  the bootstrap configuration (default: hcp.json at the repository root)
  --out <dir>      output directory (default: cdktf.out.hcp)`;

async function main(args: readonly string[]): Promise<number> {
  const parsed = parseCliArgs(args, { config: { type: "string" }, out: { type: "string" } });
  const { findRepoRoot, loadEnvironments } = await import("@sse-kms/blueprint-catalog");
  const root = findRepoRoot(__dirname);
  const configFile = parsed.strings.config ?? "hcp.json";
  const configPath = join(root, configFile);
  if (!existsSync(configPath)) {
    console.error(`hcp:synth: no ${configFile}: the HCP Terraform bootstrap is opt-in; copy tools/hcp/hcp.example.json to hcp.json and set your organization`);
    return 1;
  }
  const { parseHcpConfig } = await import("./config");
  const config = parseHcpConfig(readFileSync(configPath, "utf8"), configFile);
  const { bootstrapStacks } = await import("./load");
  const { buildBootstrap } = await import("./bootstrap");
  const { App } = await import("cdktf");
  const out = parsed.strings.out ?? "cdktf.out.hcp";
  const app = new App({ outdir: resolve(root, out), stackTraces: false });
  const stacks = bootstrapStacks(config, loadEnvironments(root));
  const built = buildBootstrap(app, config, stacks);
  app.synth();
  console.log(`synthesized ${built.length} stacks into ${out}/stacks: ${built.map((s) => s.node.id).join(", ")} (${stacks.length} workspaces and run roles)`);
  for (const s of stacks.filter((x) => x.cloud === undefined))
    console.log(`note: ${s.name}: environment ${s.environment} has no "cloud" backend: its workspace stays unused until the backend names it`);
  return 0;
}

runCli("hcp:synth", USAGE, main);
