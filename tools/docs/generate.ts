/**
 * `npm run docs` (every generated page) and `npm run docs:access` (only the access matrices): writes
 * what ./docs.ts generates. `npm run refresh` writes the same pages and every other derived file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";
import { type DocSet, generateDocs } from "./docs";

async function main(): Promise<void> {
  const root = findRepoRoot(__dirname);
  const set: DocSet = process.argv.includes("--access") ? "access" : "all";
  for (const [path, content] of await generateDocs(root, set)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    console.log(`wrote ${path}`);
  }
}

main().catch((e: unknown) => {
  console.error(`docs: error: ${(e as Error).message}`);
  process.exitCode = 1;
});
