import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadEnvironmentFile } from "@sse-kms/config";
import { App } from "cdktf";
import { type Environment, EnvironmentSchema, buildEnvironment } from "./catalog";

/** The repository root: the nearest folder above `from` that holds cdktf.json. */
export function findRepoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, "cdktf.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no cdktf.json above ${from}: run from inside the sse-kms-blueprints repository`);
    dir = up;
  }
  return dir;
}

/** Every `apps/<env>/environment.json`, sorted by folder name. */
export function environmentFiles(repoRoot: string): string[] {
  const appsDir = join(repoRoot, "apps");
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(appsDir, d.name, "environment.json")))
    .map((d) => join(appsDir, d.name, "environment.json"))
    .sort();
}

/** Loads and validates one environment file with the schema of the registered blueprints. */
export function loadEnvironment(file: string): Environment {
  return loadEnvironmentFile(file, EnvironmentSchema);
}

/** Loads and validates every environment. Throws a ConfigError naming each bad field. */
export function loadEnvironments(repoRoot: string): Environment[] {
  const envs = environmentFiles(repoRoot).map((f) => loadEnvironment(f));
  const seen = new Map<string, string>();
  for (const env of envs) {
    if (seen.has(env.name)) throw new Error(`environment name "${env.name}" is used twice: every apps/<env>/environment.json needs a distinct name`);
    seen.set(env.name, env.name);
  }
  return envs;
}

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /** @default "cdktf.out" (or CDKTF_OUTDIR when run by the cdktf CLI) */
  readonly outdir?: string;
  /** Only these environments. @default all */
  readonly environments?: readonly Environment[];
}

/**
 * The cdktf app with every environment's stacks. Stack traces are off: they hold machine paths.
 *
 * cdktf's own construct validations are skipped: the only ones our stacks carry are the
 * provider-presence check (every EnvironmentStack creates its providers, and the guardrail pack
 * checks them) and the `cloud` backend's Terraform version check, which runs `terraform version`
 * at every synth and fails synth where no Terraform is installed (CI, `npm test`). Terraform
 * itself refuses a `cloud` block below 1.1 when it runs, so nothing is lost.
 */
export function createApp(repoRoot: string, options: CreateAppOptions = {}): App {
  const app = new App({ outdir: options.outdir, stackTraces: false, skipValidation: true });
  for (const env of options.environments ?? loadEnvironments(repoRoot)) buildEnvironment(app, env);
  return app;
}
