/**
 * The command-line cases the hardening review found, each against the built CLI as users run it:
 * `npm run cost -- --puts -5` printed node's "argument is ambiguous", `1e30`, `0x10` and `''`
 * were accepted, `--help` exited 1, an empty --prices file was not named, and
 * `npm run lock:update -- --chek` rewrote the lock with exit 0.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";

const root = findRepoRoot(__dirname);
let dir: string;
jest.setTimeout(120_000);

beforeAll(() => {
  const built = spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "cost", "lock-update"], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`node tools/build.mjs failed (${built.status}):\n${built.stderr}${built.stdout}`);
  dir = mkdtempSync(join(tmpdir(), "sse-kms-cli-args-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(bundle: string, args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "dist", bundle), ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.split("\n").filter((l) => l !== "") };
}

test.each<[string[], RegExp]>([
  [["--env", "dev", "--puts", "-5", "--gets", "1"], /^cost: option --puts needs a value \(a value that starts with '-' is given as --puts=<value>\)/],
  [["--env", "dev", "--puts=-5", "--gets", "1"], /^cost: --puts must be a whole number .* \(got "-5"\)/],
  [["--env", "dev", "--puts", "1e30", "--gets", "1"], /^cost: --puts must be a whole number .* \(got "1e30"\)/],
  [["--env", "dev", "--puts", "0x10", "--gets", "1"], /^cost: --puts must be a whole number .* \(got "0x10"\)/],
  [["--env", "dev", "--puts", "", "--gets", "1"], /^cost: option --puts has an empty value/],
  [["--env", "dev", "--gets", "1"], /^cost: --puts is required/],
  [["--reencrypt-objects", "0"], /^cost: --reencrypt-objects must be a whole number from 1 to .* \(got 0\)/],
  [["--reencrypt-objects", "1e6"], /^cost: --reencrypt-objects must be a whole number .* \(got "1e6"\)/],
  [["--reencrypt-objects", "10", "--source-encryption", "aes"], /^cost: --source-encryption must be one of none, sse-s3, sse-kms \(got "aes"\)/],
  [["--reencrypt-objects", "10", "--batch-jobs", "0"], /^cost: --batch-jobs must be a whole number from 1 to 10000/],
  [["--env", "dev", "--puts", "1", "--gets", "1", "--batch-jobs", "2"], /^cost: --batch-jobs needs --reencrypt-objects <n>/],
])("cost %j: one line, exit 2", (args, message) => {
  const r = run("cost.js", args);
  expect(r.status).toBe(2);
  expect(r.stderr).toHaveLength(1);
  expect(r.stderr[0]).toMatch(message);
  expect(r.stderr[0]).not.toMatch(/ambiguous/);
});

test("cost --help: usage on stdout, exit 0", () => {
  const r = run("cost.js", ["--help"]);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^usage: npm run cost -- --env <env>/);
});

test("cost with an empty --prices file: one line naming the file, exit 1", () => {
  const prices = join(dir, "empty-prices.json");
  writeFileSync(prices, "");
  const r = run("cost.js", ["--env", "dev", "--puts", "1", "--gets", "1", "--prices", prices]);
  expect(r.status).toBe(1);
  expect(r.stderr).toEqual([`${prices}: (root): not valid JSON at line 1 column 1: expected a value, found end of file (got nothing)`]);
});

test("lock:update --chek (a typo of --check): exit 2, one line, the lock untouched", () => {
  const lock = join(root, "stateful-resources.lock.json");
  const before = { text: readFileSync(lock, "utf8"), mtime: statSync(lock).mtimeMs };
  const r = run("lock-update.js", ["--chek"]);
  expect(r.status).toBe(2);
  expect(r.stderr).toEqual(["lock:update: unknown option --chek (did you mean --check?) (--help prints the usage)"]);
  expect(r.stdout).toBe("");
  expect({ text: readFileSync(lock, "utf8"), mtime: statSync(lock).mtimeMs }).toEqual(before);
});

test("cost --reencrypt-objects alone: the one-time table for both methods, no environment needed, exit 0", () => {
  const r = run("cost.js", ["--reencrypt-objects", "10000000"]);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain("| s3-batch-operations | 10.25 | 50.00 | 30.00 | 0.30 | 90.25 | 60.55 |");
  expect(r.stdout).toContain("| aws-s3-cp | 0.00 | 50.05 | 30.00 | 0.30 | 80.05 | 50.35 |");
  expect(r.stdout).toMatch(/^Not counted: .*versioned bucket/m);
  expect(r.stdout).not.toContain("monthly");
});
