/**
 * `npm run plan:predict -- <stack>...`: writes cdktf.out/stacks/<stack>/plan.predicted.json,
 * the PREDICTED create-from-empty plan of a synthesized stack in Terraform's plan JSON format
 * (format_version 1.2). A prediction, not `terraform plan`: run `npm run synth` first.
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";
import { writePredictedPlan } from "@sse-kms/testing";
import { checkPlan } from "./checks";

function main(stacks: string[]): number {
  const root = findRepoRoot(__dirname);
  if (stacks.length === 0) {
    console.error("usage: npm run plan:predict -- <stack>...   (e.g. prod-customer-managed)");
    return 2;
  }
  let failed = false;
  for (const stack of stacks) {
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

process.exitCode = main(process.argv.slice(2));
