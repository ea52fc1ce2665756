/**
 * `npm run plan:predict -- <stack>...`: writes cdktf.out/stacks/<stack>/plan.predicted.json,
 * the PREDICTED create-from-empty plan of a synthesized stack in Terraform's plan JSON format
 * (format_version 1.2). A prediction, not `terraform plan`: run `npm run synth` first.
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
// The argument parser is loaded alone, the rest only once the command line is valid.
import { parseCliArgs, runCli, UsageError } from "@sse-kms/config/args";

const USAGE = `npm run plan:predict -- <stack>...   (e.g. prod-customer-managed)
Writes cdktf.out/stacks/<stack>/plan.predicted.json and checks it. Run npm run synth first.`;

async function main(args: readonly string[]): Promise<number> {
  const stacks = parseCliArgs(args, {}, { positionals: true }).positionals;
  if (stacks.length === 0) throw new UsageError("name at least one stack");
  const { findRepoRoot } = await import("@sse-kms/blueprint-catalog");
  const { writePredictedPlan } = await import("@sse-kms/testing");
  const { checkPlan } = await import("./checks");
  const root = findRepoRoot(__dirname);
  let failed = false;
  for (const stack of stacks) {
    if (!/^[a-z][a-z0-9-]{0,80}$/.test(stack)) {
      console.error(`plan:predict: error: ${JSON.stringify(stack)} is not a stack name (<env>-<blueprint>, e.g. prod-customer-managed)`);
      failed = true;
      continue;
    }
    const dir = join(root, "cdktf.out/stacks", stack);
    if (!existsSync(join(dir, "cdk.tf.json"))) {
      console.error(`plan:predict: error: ${relative(root, dir)}/cdk.tf.json does not exist (run npm run synth first; stacks are named <env>-<blueprint>)`);
      failed = true;
      continue;
    }
    const { file, plan } = writePredictedPlan(dir);
    console.log(`${stack}: wrote ${relative(root, file)} (${plan.resource_changes.length} resources to create; predicted, not terraform plan)`);
    for (const r of checkPlan(plan)) {
      console.log(`  ${r.pass ? "ok  " : "FAIL"} ${r.check}${r.pass ? "" : `: ${r.message}`}`);
      if (!r.pass) failed = true;
    }
  }
  return failed ? 1 : 0;
}

runCli("plan:predict", USAGE, main);
