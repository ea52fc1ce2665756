// "Is dist/app.js newer than everything it is built from?" - a measurement helper for the warm
// synth (the bench only; tools/build.mjs does not do this today). Inputs are over-approximated:
// every non-test source and manifest in the workspaces, plus the root manifests and the build
// script. Files read at run time (apps/*/environment.json) are not inputs of the bundle.
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

const WORKSPACE_DIRS = ["apps", "blueprints", "packages", "tools"];
const ROOT_FILES = ["package.json", "package-lock.json", "tsconfig.base.json", "tools/build.mjs"];
const SKIP_DIRS = new Set(["node_modules", "dist", "cdktf.out", "coverage", "__snapshots__", ".nx", "bench"]);
const SOURCE = /\.(c|m)?(t|j)s$/;
const TEST = /\.test\.(c|m)?(t|j)s$/;
const MANIFEST = /^(package\.json|tsconfig(\..+)?\.json)$/;

/** Newest mtime (ms) of the bundle's inputs, and how many files were looked at. */
export function newestInput(root = repoRoot) {
  let newest = 0;
  let files = 0;
  const visit = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) visit(join(dir, e.name));
      } else if ((SOURCE.test(e.name) && !TEST.test(e.name)) || MANIFEST.test(e.name)) {
        files++;
        newest = Math.max(newest, statSync(join(dir, e.name)).mtimeMs);
      }
    }
  };
  for (const d of WORKSPACE_DIRS) visit(join(root, d));
  for (const f of ROOT_FILES) {
    try {
      newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
      files++;
    } catch {
      // optional file
    }
  }
  return { newest, files };
}

/** True when `outputs` (repo-relative) all exist and are newer than every input. */
export function isFresh(outputs = ["dist/app.js"], root = repoRoot) {
  let oldestOutput = Infinity;
  for (const o of outputs) {
    try {
      oldestOutput = Math.min(oldestOutput, statSync(join(root, o)).mtimeMs);
    } catch {
      return false;
    }
  }
  return newestInput(root).newest < oldestOutput;
}
