/**
 * `npm run refresh`: regenerates everything derived from the configuration, in one go:
 * - the JSON Schema of environment.json (apps/catalog/schema/environment.schema.json), assembled
 *   from the registered blueprints;
 * - every environment's stack snapshots (apps/<env>/snapshots/<stack>.json), removing those of
 *   stacks that no longer exist;
 * - the generated docs (docs/blueprints, docs/access, docs/handover), removing stale pages;
 * - the guardrail rule table of packages/guardrails/README.md, from the rules' own metadata;
 * - ADDITIONS to stateful-resources.lock.json (new keys and buckets). Removals are never made
 *   here: a locked address that disappeared is printed, and stays until a reviewed
 *   `npm run lock:update`.
 * Every environment is synthesized once, in memory (nothing is left in the system temp folder).
 * Writes only files whose content changes, and prints each one. Exit 0, or 1 with one line per
 * problem when the configuration is invalid (nothing is written then).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  ENVIRONMENT_JSON_SCHEMA_PATH,
  type SynthesizedStack,
  environmentFiles,
  findRepoRoot,
  loadEnvironments,
  renderJsonSchema,
  synthEnvironment,
} from "@sse-kms/blueprint-catalog";
import { SNAPSHOT_DIR, snapshotFiles } from "@sse-kms/testing/environment";
import { ConfigError } from "@sse-kms/config";
import { LOCK_FILE, RULE_TABLE_README, type StatefulLock, compareLock, lockOf, parseLock, renderLock, withRuleTable } from "@sse-kms/guardrails";
import { GENERATED_DIRS, type SynthesizedEnvironment, generateDocs } from "./docs/docs";

const USAGE = "usage: npm run refresh (no options): regenerates the JSON Schema, stack snapshots, docs, the guardrail rule table and lock additions";

/** The lock with every synthesized address added and nothing removed. */
export function lockWithAdditions(previous: StatefulLock, stacks: readonly SynthesizedStack[]): StatefulLock {
  const next: Record<string, string[]> = Object.fromEntries(Object.entries(previous).map(([k, v]) => [k, [...v]]));
  for (const [stack, addresses] of Object.entries(lockOf(stacks))) next[stack] = [...new Set([...(next[stack] ?? []), ...addresses])].sort();
  return next;
}

/** What refresh computes before writing anything. */
export interface DerivedFiles {
  /** Repo-relative path -> the content it should have. */
  readonly wanted: Map<string, string>;
  /** Every synthesized stack (for the lock). */
  readonly stacks: readonly SynthesizedStack[];
  /** The lock as committed. */
  readonly previousLock: StatefulLock;
  /** Each environment's snapshot folder (repo-relative) -> the snapshot files it should hold. */
  readonly snapshotDirs: Map<string, Set<string>>;
}

/** Every derived file, computed from one synth of every environment; writes nothing. */
export async function derivedFiles(root: string): Promise<DerivedFiles> {
  const wanted = new Map<string, string>();
  const envs = loadEnvironments(root);
  wanted.set(ENVIRONMENT_JSON_SCHEMA_PATH, renderJsonSchema());
  const synthesized: SynthesizedEnvironment[] = [];
  const snapshotDirs = new Map<string, Set<string>>();
  // loadEnvironments returns the environments in the order of their files.
  for (const [i, file] of environmentFiles(root).entries()) {
    const appDir = dirname(file)
      .slice(root.length + 1)
      .split("\\")
      .join("/");
    const env = envs[i]!;
    const stacks = synthEnvironment(env);
    synthesized.push({ env, stacks });
    const files = snapshotFiles(appDir, stacks);
    snapshotDirs.set(`${appDir}/${SNAPSHOT_DIR}`, new Set(files.keys()));
    for (const [path, text] of files) wanted.set(path, text);
  }
  for (const [path, text] of await generateDocs(root, "all", synthesized)) wanted.set(path, text);
  wanted.set(RULE_TABLE_README, withRuleTable(readFileSync(join(root, RULE_TABLE_README), "utf8")));
  const stacks = synthesized.flatMap((e) => e.stacks);
  const lockPath = join(root, LOCK_FILE);
  const previousLock: StatefulLock = existsSync(lockPath) ? parseLock(readFileSync(lockPath, "utf8"), LOCK_FILE) : {};
  wanted.set(LOCK_FILE, renderLock(lockWithAdditions(previousLock, stacks)));
  return { wanted, stacks, previousLock, snapshotDirs };
}

async function main(args: string[]): Promise<number> {
  if (args.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  if (args.length > 0) {
    console.error(`refresh: unknown argument ${JSON.stringify(args[0])}; ${USAGE}`);
    return 2;
  }
  const root = findRepoRoot(__dirname);
  // Everything is computed before anything is written: a bad configuration writes nothing.
  const { wanted, stacks, previousLock: previous, snapshotDirs } = await derivedFiles(root);

  let changed = 0;
  for (const [path, text] of wanted) {
    const full = join(root, path);
    if (existsSync(full) && readFileSync(full, "utf8") === text) continue;
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    console.log(`wrote ${path}`);
    changed++;
  }
  // Stale derived files: snapshots of stacks that are gone, generated pages nothing generates.
  const stale: string[] = [];
  for (const [dir, keep] of snapshotDirs)
    if (existsSync(join(root, dir))) for (const f of readdirSync(join(root, dir))) if (!keep.has(`${dir}/${f}`)) stale.push(`${dir}/${f}`);
  for (const dir of GENERATED_DIRS)
    if (existsSync(join(root, dir))) for (const f of readdirSync(join(root, dir))) if (!wanted.has(`${dir}/${f}`)) stale.push(`${dir}/${f}`);
  for (const path of stale) {
    rmSync(join(root, path));
    console.log(`removed ${path}`);
    changed++;
  }
  console.log(
    changed === 0
      ? "refresh: every derived file is up to date"
      : `refresh: ${changed} file(s) changed; review the diff and commit it with the configuration change`,
  );
  const destroyed = compareLock(previous, stacks).destroyed;
  if (destroyed.length > 0) {
    console.log(`\n${destroyed.length} locked KMS key/bucket address(es) are no longer synthesized; terraform apply would DESTROY them:`);
    for (const d of destroyed) console.log(`  - ${d.stack}: ${d.address}`);
    console.log(
      "refresh never removes them from the lock: if this is deliberate, review it and run `npm run lock:update`; if it is a rename, record it (key.previousNames).",
    );
  }
  return 0;
}

if (require.main === module)
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      if (e instanceof ConfigError) {
        console.error(e.message);
        console.error("refresh: nothing was written (fix the configuration first)");
      } else console.error(`refresh: error: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
