/**
 * `npm run synth:hcl`: writes every stack as HCL (`cdktf.out.hcl/stacks/<stack>/cdk.tf`), the
 * exit for teams leaving CDK. Same app, same environments as `npm run synth`, rendered with
 * cdktf's HCL output (what `cdktf synth --hcl` does), then repaired where cdktf 0.21 leaves
 * string attributes with references unescaped (see fix-hcl.ts).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createApp, findRepoRoot } from "@sse-kms/blueprint-catalog";
import { findTerraform } from "@sse-kms/testing/src/terraform/discover";
import { Testing } from "cdktf";
import { repairHcl } from "./fix-hcl";

export const HCL_OUTDIR = "cdktf.out.hcl";

/** What {@link synthHcl} wrote. */
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
export function formatHcl(outdir: string): string | undefined {
  const terraform = findTerraform();
  if (terraform === undefined) return undefined;
  const r = spawnSync(terraform, ["fmt", "-recursive", "-no-color", outdir], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } });
  if (r.status !== 0) throw new Error(`terraform fmt failed on ${outdir} (exit ${r.status}): ${r.stderr}`);
  return terraform;
}

/** Synthesizes HCL for every stack into `outdir`; returns the stacks and the repaired attributes. */
export function synthHcl(root: string, outdir: string): HclStack[] {
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

if (require.main === module) {
  const root = findRepoRoot(__dirname);
  const outdir = join(root, HCL_OUTDIR);
  for (const r of synthHcl(root, outdir)) {
    console.log(`${r.stack}: ${HCL_OUTDIR}/stacks/${r.stack}/cdk.tf${r.repaired.length ? ` (repaired cdktf's rendering of ${r.repaired.join(", ")})` : ""}`);
  }
  if (formatHcl(outdir) === undefined) console.log("not formatted: no terraform binary on PATH for terraform fmt (the files are valid HCL without canonical indentation)");
  else console.log(`formatted ${HCL_OUTDIR} with terraform fmt`);
}
