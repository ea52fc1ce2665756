/**
 * The generator tests' in-memory Nx tree, shaped like this workspace where formatting is concerned:
 * the repository's own .prettierrc.json, and no `.oxfmtrc.json` (Nx's createTreeWithEmptyWorkspace()
 * seeds one by default, with which Nx's formatFiles() chose oxfmt, not installed here, and printed
 * "Could not format files with oxfmt" on every generator run).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Tree } from "@nx/devkit";
import { createTreeWithEmptyWorkspace } from "@nx/devkit/testing";

const repoRoot = resolve(__dirname, "../../..");

/** An empty Nx workspace tree with the repository's prettier configuration. */
export function workspaceTree(): Tree {
  const tree = createTreeWithEmptyWorkspace({ formatter: "none" });
  tree.write(".prettierrc.json", readFileSync(join(repoRoot, ".prettierrc.json")));
  return tree;
}

/**
 * Records what is printed with console.warn / console.error while a test runs (Nx's formatFiles
 * reports a formatter it cannot run on console.warn); call in a beforeEach.
 */
export function recordWarnings(): string[] {
  const lines: string[] = [];
  for (const method of ["warn", "error"] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
  }
  return lines;
}
