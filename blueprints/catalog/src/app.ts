import { existsSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { ConfigError, type EnvironmentConfig, checkEnvironmentSet, loadEnvironmentFile } from "@sse-kms/config";
import { App } from "cdktf";
import { buildEnvironment } from "./catalog";

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

/**
 * Loads and validates every environment, each file alone and then the set (distinct names,
 * bucket names, aliases per account and region). Throws a ConfigError naming each bad field.
 */
export function loadEnvironments(repoRoot: string): EnvironmentConfig[] {
  const files = environmentFiles(repoRoot).map((f) => ({ file: relative(repoRoot, f), env: loadEnvironmentFile(f) }));
  const problems = checkEnvironmentSet(files);
  if (problems.length > 0) throw new ConfigError(problems);
  return files.map((f) => f.env);
}

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /** @default "cdktf.out" (or CDKTF_OUTDIR when run by the cdktf CLI) */
  readonly outdir?: string;
  /** Only these environments. @default all */
  readonly environments?: readonly EnvironmentConfig[];
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
