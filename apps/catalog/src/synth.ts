import { rmSync } from "node:fs";
import { Testing } from "cdktf";
import { SynthError, annotationsOf } from "./app";
import { type Environment, buildEnvironment } from "./catalog";

/** A synthesized stack of an environment. */
export interface SynthesizedStack {
  readonly name: string;
  readonly blueprint: string;
  readonly json: string;
}

/**
 * Synthesizes every stack of one environment in memory (nothing is left on disk): what
 * `npm run refresh`, `lock:update`, `cost` and the docs read, and the environment suites compare.
 */
export function synthEnvironment(env: Environment): SynthesizedStack[] {
  const app = Testing.app({ stackTraces: false });
  try {
    return buildEnvironment(app, env).map((stack) => {
      const json = Testing.synth(stack, true); // with cdktf's construct validations
      // Guardrail findings are annotations: fail as `app.synth()` does, naming every error.
      const errors = annotationsOf(stack).filter((a) => a.level === "error");
      if (errors.length > 0) throw new SynthError(errors);
      return { name: stack.node.id, blueprint: stack.blueprint, json };
    });
  } finally {
    // Testing.app() creates a cdktf.outdir.* folder in the system temp folder, which Testing.synth
    // never writes to and cdktf never removes.
    rmSync(app.outdir, { recursive: true, force: true });
  }
}
