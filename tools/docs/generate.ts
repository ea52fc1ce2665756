/**
 * `npm run docs` (every generated page) and `npm run docs:access` (only the access matrices):
 * - docs/blueprints/<blueprint>.md: diagrams and rendered policies, from the synthesized stacks;
 * - docs/access/<env>.md: who may do what, computed by the IAM policy simulator;
 * - docs/handover/<stack>.md: the statements owners of an existing replication destination add.
 * A test (docs.test.ts) fails when a committed page differs from what this generates.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
// The argument parser is loaded alone, the rest (cdktf, the provider, the simulator) only when used.
import { parseCliArgs, runCli } from "@sse-kms/config/src/args";
import type { DocStack } from "./blueprint-doc";

/** Which pages to generate. */
export type DocSet = "all" | "access";

/** Repo-relative folders that hold only generated pages. */
export const GENERATED_DIRS = ["docs/blueprints", "docs/access", "docs/handover"] as const;

/** Every generated page: repo-relative path -> content. */
export async function generateDocs(root: string, set: DocSet = "all"): Promise<Map<string, string>> {
  const { BLUEPRINT_NAMES } = await import("@sse-kms/config");
  const { loadEnvironments, synthEnvironment } = await import("@sse-kms/blueprint-catalog");
  const { renderAccessMatrix } = await import("@sse-kms/blueprint-catalog/src/access-matrix");
  const { handoverPath, renderHandover, replicationHandover } = await import("@sse-kms/blueprint-cross-account-replication");
  const { renderBlueprintDoc } = await import("./blueprint-doc");
  const pages = new Map<string, string>();
  const envs = loadEnvironments(root);
  const stacks: (DocStack & { blueprint: string })[] = [];
  for (const env of envs) {
    const synthesized = synthEnvironment(env);
    stacks.push(...synthesized.map((s) => ({ name: s.name, env: env.name, blueprint: s.blueprint, json: s.json })));
    // The synthesized JSON carries no stack name (normalized away): give each its name, so the
    // matrix titles read `prod-customer-managed`, not `stack0`. Auditors read these pages.
    const named = synthesized.map((s) => withStackName(JSON.parse(s.json) as Record<string, unknown>, s.name));
    pages.set(`docs/access/${env.name}.md`, await renderAccessMatrix(env.name, named));
    if (set === "all") {
      const handover = replicationHandover(env);
      if (handover) pages.set(handoverPath(handover.stackName), renderHandover(handover));
    }
  }
  if (set === "all") {
    for (const blueprint of BLUEPRINT_NAMES) {
      const of = stacks.filter((s) => s.blueprint === blueprint);
      if (of.length > 0) pages.set(`docs/blueprints/${blueprint}.md`, renderBlueprintDoc(blueprint, of));
    }
  }
  return new Map([...pages.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The stack JSON with `//.metadata.stackName` set, where the access layer reads a stack's name. */
export function withStackName(json: Record<string, unknown>, name: string): Record<string, unknown> {
  const meta = (json["//"] ?? {}) as Record<string, unknown>;
  return { ...json, "//": { ...meta, metadata: { ...((meta.metadata ?? {}) as Record<string, unknown>), stackName: name } } };
}

const USAGE = `npm run docs [-- --access]
Regenerates docs/blueprints, docs/access and docs/handover from the environments (--access: only docs/access).`;

async function main(args: readonly string[]): Promise<number> {
  const parsed = parseCliArgs(args, { access: { type: "boolean" } });
  const { findRepoRoot } = await import("@sse-kms/blueprint-catalog");
  const root = findRepoRoot(__dirname);
  const set: DocSet = parsed.flags.has("access") ? "access" : "all";
  for (const [path, content] of await generateDocs(root, set)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    console.log(`wrote ${path}`);
  }
  return 0;
}

if (require.main === module) runCli("docs", USAGE, main);
