import { join } from "node:path";
import { type EnvironmentConfig, enabledBlueprints, loadEnvironmentFile } from "@sse-kms/config";
import { Testing } from "cdktf";
import { buildEnvironment } from "./catalog";
import { normalizeStack } from "./normalize";
import { SynthError, annotationsOf } from "./app";

/** A synthesized stack of an environment. */
export interface SynthesizedStack {
  readonly name: string;
  readonly blueprint: string;
  readonly json: string;
}

/** Synthesizes every stack of one environment in memory. */
export function synthEnvironment(env: EnvironmentConfig): SynthesizedStack[] {
  const app = Testing.app({ stackTraces: false });
  return buildEnvironment(app, env).map((stack) => {
    const json = Testing.synth(stack, true); // with cdktf's construct validations
    // Guardrail findings are annotations: fail as `app.synth()` does, naming every error.
    const errors = annotationsOf(stack).filter((a) => a.level === "error");
    if (errors.length > 0) throw new SynthError(errors);
    return { name: stack.node.id, blueprint: stack.blueprint, json };
  });
}

/**
 * The jest suite every `apps/<env>` runs: the config validates, and each stack matches its
 * normalised snapshot. Property assertions live in the blueprints' and guardrails' tests.
 */
export function environmentSuite(appDir: string): void {
  const env = loadEnvironmentFile(join(appDir, "environment.json"));
  const stacks = synthEnvironment(env);

  describe(`environment ${env.name}`, () => {
    test("the folder name is the environment name", () => {
      expect(appDir.split(/[\\/]/).pop()).toBe(env.name);
    });
    test("has one stack per enabled blueprint, named <env>-<blueprint>", () => {
      expect(stacks.map((s) => s.name)).toEqual(enabledBlueprints(env).map((b) => `${env.name}-${b}`));
    });
    test.each(stacks.map((s) => [s.name, s] as const))("%s matches its snapshot", (_name, stack) => {
      expect(normalizeStack(stack.json)).toMatchSnapshot();
    });
  });
}
