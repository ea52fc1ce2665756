/**
 * The opt-in real plan: `nx run-many -t plan` (or `node dist/plan.js --env <env>`). Where a
 * `terraform` binary is on PATH (and credentials for the account exist), it runs
 * `terraform init`, `terraform plan -out`, `terraform show -json` in each synthesized stack of
 * the environment and feeds the plan JSON to the same checks as the offline tier. Without
 * terraform it prints "skipped: no terraform on PATH" and exits 0. Not part of `npm test`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
// The argument parser is loaded alone, the rest only once the command line is valid.
import { CliError, parseCliArgs, runCli, UsageError } from "@sse-kms/config/args";

function onPath(binary: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));
}

function run(cwd: string, args: string[]): string {
  const r = spawnSync("terraform", args, { cwd, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${cwd} (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

const USAGE = `node dist/plan.js [--env <env>]
Runs terraform init/plan/show in each synthesized stack (of <env>) and checks the plans; skipped without terraform on PATH.`;

async function main(argv: readonly string[]): Promise<number> {
  const env = parseCliArgs(argv, { env: { type: "string" } }).strings.env;
  if (env !== undefined && !/^[a-z][a-z0-9-]{0,19}$/.test(env))
    throw new UsageError(`--env must be an environment name (a folder of apps/), got ${JSON.stringify(env)}`);
  if (!onPath("terraform")) {
    console.log(`skipped: no terraform on PATH${env ? ` (environment ${env})` : ""}`);
    return 0;
  }
  const { findRepoRoot } = await import("@sse-kms/blueprint-catalog");
  const { parsePlan } = await import("@sse-kms/testing");
  const { checkPlan } = await import("./checks");
  const root = findRepoRoot(__dirname);
  const stacksDir = join(root, "cdktf.out/stacks");
  const stacks = existsSync(stacksDir)
    ? readdirSync(stacksDir)
        .filter((s) => !env || s.startsWith(`${env}-`))
        .sort()
    : [];
  if (stacks.length === 0) {
    throw new CliError(`no synthesized stacks${env ? ` for ${env}` : ""} under cdktf.out/stacks (run npm run synth first)`);
  }
  let failed = false;
  for (const stack of stacks) {
    const dir = join(stacksDir, stack);
    run(dir, ["init", "-input=false", "-no-color"]);
    run(dir, ["plan", "-input=false", "-no-color", "-out=plan.tfplan"]);
    const json = run(dir, ["show", "-json", "plan.tfplan"]);
    writeFileSync(join(dir, "plan.json"), json);
    for (const r of checkPlan(parsePlan(json, join(dir, "plan.json")))) {
      console.log(`${stack}: ${r.pass ? "ok  " : "FAIL"} ${r.check}${r.pass ? "" : `: ${r.message}`}`);
      if (!r.pass) failed = true;
    }
  }
  return failed ? 1 : 0;
}

runCli("plan", USAGE, main);
