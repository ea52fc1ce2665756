/**
 * `npm run docs` (every generated page) and `npm run docs:access` (only the access matrices): writes
 * what ./docs.ts generates. `npm run refresh` writes the same pages and every other derived file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
// The argument parser is loaded alone, the rest (cdktf, the provider, the simulator) only when used.
import { parseCliArgs, runCli } from "@sse-kms/config/args";
import type { DocSet } from "./docs";

const USAGE = `npm run docs [-- --access]
Regenerates docs/blueprints, docs/access and docs/handover from the environments (--access: only docs/access).`;

async function main(args: readonly string[]): Promise<number> {
  const parsed = parseCliArgs(args, { access: { type: "boolean" } });
  const { findRepoRoot } = await import("@sse-kms/blueprint-catalog");
  const { generateDocs } = await import("./docs");
  const root = findRepoRoot(__dirname);
  const set: DocSet = parsed.flags.has("access") ? "access" : "all";
  for (const [path, content] of await generateDocs(root, set)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    console.log(`wrote ${path}`);
  }
  return 0;
}

runCli("docs", USAGE, main);
