/**
 * Every mermaid diagram under docs/ parses with mermaid 11's own parser (GitHub renders them with
 * it; a diagram that does not parse shows as an error box). The parser runs in a child node
 * process (tools/docs/mermaid-check.mjs: mermaid is ESM-only and needs a DOM, which jsdom supplies).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";

const root = findRepoRoot(__dirname);
jest.setTimeout(120_000);

interface Result {
  readonly file: string;
  readonly line: number;
  readonly error: string | null;
}

function check(files: readonly string[]): Result[] {
  const run = spawnSync(process.execPath, [join(root, "tools/docs/mermaid-check.mjs"), ...files], { cwd: root, encoding: "utf8", timeout: 110_000 });
  if (run.status !== 0) throw new Error(`mermaid-check.mjs failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Result[];
}

function markdownUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? markdownUnder(path) : name.endsWith(".md") ? [relative(root, path)] : [];
  });
}

test("every mermaid diagram in docs/ parses", () => {
  const results = check(markdownUnder(join(root, "docs")));
  expect(results.length).toBeGreaterThan(0);
  expect(results.filter((r) => r.error !== null)).toEqual([]);
});

test("the check catches what mermaid 11 refuses: unquoted parentheses in a decision label", () => {
  const dir = mkdtempSync(join(tmpdir(), "sse-kms-mermaid-"));
  try {
    const file = join(dir, "bad.md");
    writeFileSync(
      file,
      '```mermaid\nflowchart TD\n  a --> b{Need a copy<br/>(backup, archive)?}\n```\n\n```mermaid\nflowchart TD\n  a --> b{"Need a copy<br/>(backup, archive)?"}\n```\n',
    );
    const [bad, quoted] = check([file]);
    expect(bad.error).toMatch(/got 'PS'/);
    expect(quoted.error).toBeNull();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
