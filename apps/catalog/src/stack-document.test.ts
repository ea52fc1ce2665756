/**
 * Every stack of every environment of this repository is written as cdktf's own
 * TerraformStack.toTerraform() would write it: EnvironmentStack.toTerraform() skips cdktf's second
 * resolution of the whole document (stackDocument in @sse-kms/stack), and this holds the shortcut to
 * the original on real stacks (the corner cases: packages/stack/src/stack-document.test.ts).
 */
import { rmSync } from "node:fs";
import { TerraformStack, Testing } from "cdktf";
import { findRepoRoot, loadEnvironments } from "./app";
import { buildEnvironment } from "./catalog";

const environments = loadEnvironments(findRepoRoot(__dirname));

test.each(environments.map((env) => [env.name, env] as const))("%s: each stack's document is the one cdktf's toTerraform() returns", (_name, env) => {
  const app = Testing.app({ stackTraces: false });
  try {
    const stacks = buildEnvironment(app, env);
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      Testing.synth(stack, true); // aspects (the guardrail pack) and validations ran, as in a synth
      const written = stack.toTerraform();
      expect(Object.keys(written)).toEqual(expect.arrayContaining(["//", "terraform", "provider"]));
      expect(written).toStrictEqual(TerraformStack.prototype.toTerraform.call(stack));
    }
  } finally {
    rmSync(app.outdir, { recursive: true, force: true });
  }
});
