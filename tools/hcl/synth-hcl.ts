/**
 * `npm run synth:hcl`: writes every stack as HCL (`cdktf.out.hcl/stacks/<stack>/cdk.tf`), the
 * exit for teams leaving CDK. Same app, same environments as `npm run synth`, rendered with
 * cdktf's HCL output (what `cdktf synth --hcl` does), then repaired where cdktf 0.21 leaves
 * string attributes with references unescaped (see fix-hcl.ts).
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
// The argument parser is loaded alone; cdktf and the provider only once the command line is valid.
import { parseCliArgs, runCli } from "@sse-kms/config/args";

export const HCL_OUTDIR = "cdktf.out.hcl";

/** One stack written as HCL. */
export interface HclStack {
  readonly stack: string;
  readonly file: string;
  /** Attributes whose unescaped references were repaired. */
  readonly repaired: string[];
}

/** Synthesizes HCL for every stack into `outdir`; returns the stacks and the repaired attributes. */
export async function synthHcl(root: string, outdir: string): Promise<HclStack[]> {
  const { createApp } = await import("@sse-kms/blueprint-catalog");
  const { Testing } = await import("cdktf");
  const { repairHcl } = await import("./fix-hcl");
  rmSync(outdir, { recursive: true, force: true });
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = "true";
  try {
    const app = createApp(root, { outdir });
    app.synth();
    return app.stacks.map((stack) => {
      const file = join(outdir, "stacks", stack.node.id, "cdk.tf");
      // The exact values come from the JSON rendering of the same stack.
      const json = JSON.parse(Testing.synth(stack)) as Parameters<typeof repairHcl>[1];
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
  runCli("synth:hcl", USAGE, async (args) => {
    parseCliArgs(args, {});
    const { findRepoRoot } = await import("@sse-kms/blueprint-catalog");
    const root = findRepoRoot(__dirname);
    for (const r of await synthHcl(root, join(root, HCL_OUTDIR))) {
      console.log(`${r.stack}: ${HCL_OUTDIR}/stacks/${r.stack}/cdk.tf${r.repaired.length ? ` (repaired cdktf's unescaped ${r.repaired.join(", ")})` : ""}`);
    }
    return 0;
  });
}
