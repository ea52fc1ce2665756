import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Every file below `dir`, as path relative to `dir` -> bytes: for comparing two synthesized
 * output folders byte for byte. Imported by its own subpath (`@sse-kms/testing/files`, in the package.json exports map) so that a
 * test that only compares files does not load the policy simulator.
 */
export function fileTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const visit = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else out.set(relative(dir, full), readFileSync(full));
    }
  };
  visit(dir);
  return out;
}
