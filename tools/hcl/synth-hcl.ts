/**
 * `npm run synth:hcl`: writes every stack as HCL (`cdktf.out.hcl/stacks/<stack>/cdk.tf`), the
 * exit for teams leaving CDK. Same app, same environments as `npm run synth`, rendered with
 * cdktf's HCL output (what `cdktf synth --hcl` does), then repaired where cdktf 0.21 leaves
 * string attributes with references unescaped (see fix-hcl.ts).
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createApp, findRepoRoot } from "@sse-kms/blueprint-catalog";
import { parseCliArgs, runCli } from "@sse-kms/config";
import { Testing } from "cdktf";
import { repairHcl } from "./fix-hcl";

export const HCL_OUTDIR = "cdktf.out.hcl";

/** Synthesizes HCL for every stack into `outdir`; returns the stacks and the repaired attributes. */
export function synthHcl(root: string, outdir: string): { stack: string; file: string; repaired: string[] }[] {
  rmSync(outdir, { recursive: true, force: true });
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = "true";
  try {
    const app = createApp(root, { outdir });
    app.synth();
    const stacks = app.node.children.filter((c) => c.node.id.includes("-"));
    return stacks.map((stack) => {
      const file = join(outdir, "stacks", stack.node.id, "cdk.tf");
      // The exact values come from the JSON rendering of the same stack.
      const json = JSON.parse(Testing.synth(stack as never)) as Parameters<typeof repairHcl>[1];
      const { text, repaired } = repairHcl(readFileSync(file, "utf8"), json);
      writeFileSync(file, text);
      return { stack: stack.node.id, file, repaired };
    });
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
}

const USAGE = `npm run synth:hcl
Writes every stack as HCL into ${HCL_OUTDIR}/stacks/<stack>/cdk.tf. Takes no arguments.`;

if (require.main === module) {
  runCli("synth:hcl", USAGE, (args) => {
    parseCliArgs(args, {});
    const root = findRepoRoot(__dirname);
    for (const r of synthHcl(root, join(root, HCL_OUTDIR))) {
      console.log(`${r.stack}: ${HCL_OUTDIR}/stacks/${r.stack}/cdk.tf${r.repaired.length ? ` (repaired cdktf's unescaped ${r.repaired.join(", ")})` : ""}`);
    }
    return 0;
  });
}
