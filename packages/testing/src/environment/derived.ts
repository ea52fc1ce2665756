/**
 * Derived artefacts: files generated from the configuration and committed (stack snapshots, the
 * JSON Schema, docs, lock additions). `npm run refresh` rewrites them all; each test that checks
 * one fails with a message naming the file and that command.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The one command that regenerates every derived artefact. */
export const REFRESH_COMMAND = "npm run refresh";

/** The first line where two texts differ, for a failure message. */
function firstDifference(actual: string, expected: string): string {
  const a = actual.split("\n");
  const e = expected.split("\n");
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    if (a[i] !== e[i]) return `line ${i + 1}: committed ${JSON.stringify(a[i] ?? "(end of file)")}, generated ${JSON.stringify(e[i] ?? "(end of file)")}`;
  }
  return "identical";
}

/**
 * Throws unless `root/path` holds exactly `expected`; the error names the file, the first
 * difference and the refresh command (`what` says what the file is, e.g. "the snapshot of stack x").
 */
export function expectCurrent(root: string, path: string, expected: string, what: string): void {
  const file = join(root, path);
  if (!existsSync(file)) throw new Error(`${path} (${what}) is missing: run \`${REFRESH_COMMAND}\` and commit the result`);
  const actual = readFileSync(file, "utf8");
  if (actual !== expected) {
    throw new Error(`${path} (${what}) is stale (${firstDifference(actual, expected)}): run \`${REFRESH_COMMAND}\`, review the diff and commit it`);
  }
}
