/**
 * `npm run synth:hcl`: writes every stack as HCL (`cdktf.out.hcl/stacks/<stack>/cdk.tf`), the
 * exit for teams leaving CDK. Same app, same environments as `npm run synth`, rendered with
 * cdktf's HCL output (what `cdktf synth --hcl` does), then repaired where cdktf 0.21 leaves
 * string attributes with references unescaped or outputs retyped (see fix-hcl.ts), and formatted
 * with `terraform fmt` where a terraform binary exists.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
// The argument parser is loaded alone; cdktf and the provider only once the command line is valid.
import { parseCliArgs, runCli } from "@sse-kms/config/args";

export const HCL_OUTDIR = "cdktf.out.hcl";

/** One stack written as HCL. */
export interface HclStack {
  readonly stack: string;
  readonly file: string;
  /** Attributes repaired after cdktf's rendering. */
  readonly repaired: string[];
}

/**
 * Formats the written files with `terraform fmt` (cdktf writes no indentation) when a terraform
 * binary is found (`fmt` needs no provider and no network). Returns the binary, or undefined when
 * there is none (the files are then valid but not in canonical layout).
 */
export async function formatHcl(outdir: string): Promise<string | undefined> {
  const { findTerraform } = await import("@sse-kms/testing/terraform");
  const terraform = findTerraform();
  if (terraform === undefined) return undefined;
  const r = spawnSync(terraform, ["fmt", "-recursive", "-no-color", outdir], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (r.status !== 0) throw new Error(`terraform fmt failed on ${outdir} (exit ${r.status}): ${r.stderr}`);
  return terraform;
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
Writes every stack as HCL into ${HCL_OUTDIR}/stacks/<stack>/cdk.tf (formatted with terraform fmt when a terraform binary exists). Takes no arguments.`;

if (require.main === module) {
  runCli("synth:hcl", USAGE, async (args) => {
    parseCliArgs(args, {});
    const { findRepoRoot } = await import("@sse-kms/blueprint-catalog");
    const root = findRepoRoot(__dirname);
    const outdir = join(root, HCL_OUTDIR);
    for (const r of await synthHcl(root, outdir)) {
      console.log(`${r.stack}: ${HCL_OUTDIR}/stacks/${r.stack}/cdk.tf${r.repaired.length ? ` (repaired cdktf's rendering of ${r.repaired.join(", ")})` : ""}`);
    }
    if ((await formatHcl(outdir)) === undefined)
      console.log("not formatted: no terraform binary on PATH for terraform fmt (the files are valid HCL without canonical indentation)");
    else console.log(`formatted ${HCL_OUTDIR} with terraform fmt`);
    return 0;
  });
}
