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
import { findRepoRoot } from "@sse-kms/blueprint-catalog";
import { parsePlan } from "@sse-kms/testing";
import { checkPlan } from "./checks";

function onPath(binary: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));
}

function run(cwd: string, args: string[]): string {
  const r = spawnSync("terraform", args, { cwd, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`terraform ${args.join(" ")} failed in ${cwd} (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

function main(argv: string[]): number {
  const envIndex = argv.indexOf("--env");
  const env = envIndex >= 0 ? argv[envIndex + 1] : undefined;
  if (!onPath("terraform")) {
    console.log(`skipped: no terraform on PATH${env ? ` (environment ${env})` : ""}`);
    return 0;
  }
  const root = findRepoRoot(__dirname);
  const stacksDir = join(root, "cdktf.out/stacks");
  const stacks = existsSync(stacksDir) ? readdirSync(stacksDir).filter((s) => !env || s.startsWith(`${env}-`)).sort() : [];
  if (stacks.length === 0) {
    console.error(`plan: error: no synthesized stacks${env ? ` for ${env}` : ""} under cdktf.out/stacks (run npm run synth first)`);
    return 1;
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

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`plan: error: ${(e as Error).message}`);
  process.exitCode = 1;
}
