/**
 * The real `npm run validate` CLI: bundled by tools/build.mjs into dist/validate.js and run with
 * node on temporary files. Exit codes, one stderr line per problem in the documented format
 * (`<file>: <field.path>: <message> (got <value>)`), and never a stack trace.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { environmentFiles, loadEnvironment } from "./app";
import { ENVIRONMENT_JSON_SCHEMA_PATH, renderJsonSchema } from "./catalog";

const repoRoot = resolve(__dirname, "../../..");
const cli = join(repoRoot, "dist/validate.js");
let dir: string;

beforeAll(() => {
  const built = spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "validate"], { cwd: repoRoot, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`node tools/build.mjs failed (${built.status}):\n${built.stderr}${built.stdout}`);
  dir = mkdtempSync(join(tmpdir(), "sse-kms-validate-"));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string[];
  stderr: string[];
  raw: SpawnSyncReturns<string>;
}

function validate(files: string[], cwd = repoRoot): Run {
  const raw = spawnSync(process.execPath, [cli, ...files], { cwd, encoding: "utf8", timeout: 30_000 });
  const lines = (s: string) => s.split("\n").filter((l) => l !== "");
  return { status: raw.status, stdout: lines(raw.stdout), stderr: lines(raw.stderr), raw };
}

/** A stack trace line, as node prints it. */
const STACK_LINE = /^\s+at /m;

function expectNoStack(run: Run): void {
  expect(run.raw.stderr).not.toMatch(STACK_LINE);
  expect(run.raw.stdout).not.toMatch(STACK_LINE);
  expect(run.raw.stderr).not.toMatch(/\b(TypeError|ReferenceError|SyntaxError|ZodError)\b/);
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function devConfig(): Record<string, any> {
  return JSON.parse(readFileSync(join(__dirname, "../fixtures/environment.json"), "utf8"));
}

let counter = 0;
function writeTemp(content: unknown, ext = "json"): string {
  const file = join(dir, `env-${++counter}.${ext}`);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

test("a valid file: exit 0, one ok line on stdout, nothing on stderr", () => {
  const file = writeTemp(devConfig());
  const run = validate([file]);
  expect(run.stderr).toEqual([]);
  expect(run.stdout).toEqual([`${file}: ok (environment dev, account 111111111111, eu-west-1)`]);
  expect(run.status).toBe(0);
});

test("bad account, region, ARN and an unknown key: exit 1, one exact line per problem", () => {
  const config = devConfig();
  config.account = "12345";
  config.region = "eu-west-1a";
  config.blueprints["customer-managed"].key.users = ["arn:aws:sts::111111111111:assumed-role/app/session"];
  config.colour = "blue";
  const file = writeTemp(config);
  const run = validate([file]);
  expect(run.status).toBe(1);
  expect(run.stdout).toEqual([]);
  expect([...run.stderr].sort()).toEqual(
    [
      `${file}: account: must be an AWS account id: exactly 12 digits, as a string (quote it; leading zeros count) (got "12345")`,
      `${file}: region: must be a known AWS region name such as eu-west-1 or us-east-1 (availability zones like eu-west-1a are not regions) (got "eu-west-1a")`,
      `${file}: blueprints.customer-managed.key.users[0]: must be an IAM role, user or account-root ARN such as arn:aws:iam::123456789012:role/app (no wildcards, no assumed-role session ARNs) (got "arn:aws:sts::111111111111:assumed-role/app/session")`,
      `${file}: colour: unknown field (check its spelling against the schema; unknown fields are errors) (got "blue")`,
    ].sort(),
  );
  expectNoStack(run);
});

test("an account given as a JSON number is reported with the number it got", () => {
  const config = devConfig();
  config.account = 111111111111;
  const file = writeTemp(config);
  const run = validate([file]);
  expect(run.status).toBe(1);
  expect(run.stderr).toEqual([`${file}: account: must be a string of 12 digits (got 111111111111)`]);
});

test("a missing required field is reported as got nothing", () => {
  const config = devConfig();
  delete config.region;
  const file = writeTemp(config);
  const run = validate([file]);
  expect(run.status).toBe(1);
  expect(run.stderr).toEqual([
    `${file}: region: must be a known AWS region name such as eu-west-1 or us-east-1 (availability zones like eu-west-1a are not regions) (got nothing)`,
  ]);
});

test("a reserved tag key is named in the path and its own message", () => {
  const config = devConfig();
  config.tags["aws:createdBy"] = "me";
  const file = writeTemp(config);
  const run = validate([file]);
  expect(run.status).toBe(1);
  expect(run.stderr).toEqual([`${file}: tags["aws:createdBy"]: tag keys must not start with aws: (reserved) (got "aws:createdBy")`]);
});

test.each([
  ["truncated JSON", '{ "name": "dev",'],
  ["YAML instead of JSON", "name: dev\naccount: '111111111111'\nregion: eu-west-1\n"],
  ["an empty file", ""],
  ["JSON with a comment", '{\n  // dev\n  "name": "dev"\n}\n'],
])("a file that is not valid JSON (%s): exit 1, one line, no stack trace", (_what, text) => {
  const file = writeTemp(text);
  const run = validate([file]);
  expect(run.status).toBe(1);
  expect(run.stdout).toEqual([]);
  expect(run.stderr).toHaveLength(1);
  expect(run.stderr[0]).toMatch(new RegExp(`^${escape(file)}: \\(root\\): not valid JSON at line \\d+ column \\d+: .+ \\(got nothing\\)$`));
  expectNoStack(run);
});

test.each([
  ["an array", "[]", "must be a JSON object, not a JSON array (got [])"],
  ["null", "null", "must be a JSON object, not a null (got null)"],
  ["a string", '"dev"', 'must be a JSON object, not a string (got "dev")'],
])("valid JSON that is %s: exit 1, one root line", (_what, text, rest) => {
  const file = writeTemp(text);
  const run = validate([file]);
  expect(run.status).toBe(1);
  expect(run.stderr).toEqual([`${file}: (root): ${rest}`]);
  expectNoStack(run);
});

test("a missing file: exit 1, one line", () => {
  const file = join(dir, "does-not-exist.json");
  const run = validate([file]);
  expect(run.status).toBe(1);
  expect(run.stdout).toEqual([]);
  expect(run.stderr).toEqual([`${file}: (root): cannot read the file (ENOENT) (got nothing)`]);
  expectNoStack(run);
});

test("a directory instead of a file: exit 1, one line", () => {
  const sub = join(dir, "a-directory.json");
  mkdirSync(sub, { recursive: true });
  const run = validate([sub]);
  expect(run.status).toBe(1);
  expect(run.stderr).toEqual([`${sub}: (root): cannot read the file (EISDIR: a directory): only regular files are accepted (got nothing)`]);
});

test("several files at once, one good and one bad: exit 1, the good one reported ok", () => {
  const good = writeTemp(devConfig());
  const badConfig = devConfig();
  badConfig.blueprints["customer-managed"].key.deletionWindowInDays = 3;
  const bad = writeTemp(badConfig);
  const missing = join(dir, "missing.json");
  const run = validate([bad, good, missing]);
  expect(run.status).toBe(1);
  expect(run.stdout).toEqual([`${good}: ok (environment dev, account 111111111111, eu-west-1)`]);
  expect(run.stderr).toEqual([
    `${bad}: blueprints.customer-managed.key.deletionWindowInDays: must be between 7 and 30 days (got 3)`,
    `${missing}: (root): cannot read the file (ENOENT) (got nothing)`,
  ]);
});

test("every apps/*/environment.json of the repository is valid: exit 0, one ok line each", () => {
  const files = environmentFiles(repoRoot).map((f) => f.slice(repoRoot.length + 1));
  expect(files.length).toBeGreaterThan(0);
  const run = validate(files);
  expect(run.stderr).toEqual([]);
  expect(run.stdout).toEqual(
    files.map((f) => {
      const env = loadEnvironment(join(repoRoot, f));
      return `${f}: ok (environment ${env.name}, account ${env.account}, ${env.region})`;
    }),
  );
  expect(run.status).toBe(0);
});

test("no arguments: usage on stderr, exit 2", () => {
  const run = validate([]);
  expect(run.status).toBe(2);
  expect(run.stderr).toEqual(["usage: npm run validate -- <environment.json>..."]);
});

test("--write-schema writes the rendered JSON Schema (run in a scratch directory)", () => {
  const scratch = mkdtempSync(join(dir, "write-schema-"));
  mkdirSync(join(scratch, ENVIRONMENT_JSON_SCHEMA_PATH, ".."), { recursive: true });
  const run = validate(["--write-schema"], scratch);
  expect(run.status).toBe(0);
  expect(run.stdout).toEqual([`wrote ${ENVIRONMENT_JSON_SCHEMA_PATH}`]);
  expect(readFileSync(join(scratch, ENVIRONMENT_JSON_SCHEMA_PATH), "utf8")).toBe(renderJsonSchema());
});

test("--write-schema outside the repository root: exit 1, one line, no stack trace", () => {
  const scratch = mkdtempSync(join(dir, "no-schema-dir-"));
  const run = validate(["--write-schema"], scratch);
  expect(run.status).toBe(1);
  expect(run.stderr).toEqual([`${ENVIRONMENT_JSON_SCHEMA_PATH}: cannot write the file (ENOENT); run from the repository root`]);
  expectNoStack(run);
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
