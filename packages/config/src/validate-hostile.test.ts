/**
 * Hostile environment files (packages/config/fixtures/hostile) against the real validate CLI
 * (dist/validate.js): each refused with exit 1 and exactly one line naming the field.
 * Plus what is not a file's content: devices, FIFOs, oversized files, the folder-name rule,
 * rules across files, and the command line itself.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { MAX_CONFIG_FILE_BYTES } from "./validate";

const repoRoot = resolve(__dirname, "../../..");
const cli = join(repoRoot, "dist/validate.js");
const fixtures = join(repoRoot, "packages/config/fixtures/hostile");
let dir: string;

beforeAll(() => {
  const built = spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "validate"], { cwd: repoRoot, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`node tools/build.mjs failed (${built.status}):\n${built.stderr}${built.stdout}`);
  dir = mkdtempSync(join(tmpdir(), "sse-kms-hostile-"));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function validate(args: string[]) {
  const raw = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: "utf8", timeout: 20_000 });
  const lines = (s: string) => s.split("\n").filter((l) => l !== "");
  return { status: raw.status, signal: raw.signal, stdout: lines(raw.stdout), stderr: lines(raw.stderr) };
}

const fixture = (name: string) => `packages/config/fixtures/hostile/${name}`;

test.each<[string, string, RegExp]>([
  ["bom.json", "(root)", /byte-order mark \(U\+FEFF.*save it as UTF-8 without BOM/],
  ["duplicate-account.json", "account", /not valid JSON at line 4 column 3: duplicate key "account" \(also at line 3\)/],
  ["proto-tag.json", "tags.__proto__", /not valid JSON at line 5 column \d+: key "__proto__" is not allowed/],
  ["trailing-comma.json", "(root)", /not valid JSON at line 4 column \d+: /],
  ["missing-blueprints.json", "blueprints", /^required: must be a JSON object \(got nothing\)$/],
  ["foreign-administrator.json", "blueprints.customer-managed.key.administrators[0]", /not of account 111111111112: an administrator holds kms:PutKeyPolicy/],
  ["foreign-user.json", "blueprints.customer-managed.key.users[0]", /kms:CallerAccount/],
  [
    "source-admin-of-destination-key.json",
    "blueprints.cross-account-replication.destination.key.administrators[0]",
    /source account would administer the backup key/,
  ],
  ["cloud-shared-workspace.json", "backend.workspaces.name", /must contain \{stack\}.*shares one workspace and one state/],
  ["local-directory-escape.json", "backend.directory", /must stay inside the repository/],
])("%s: exit 1, one line at %s", (name, path, message) => {
  const file = fixture(name);
  const run = validate([file]);
  expect(run.status).toBe(1);
  expect(run.stdout).toEqual([]);
  expect(run.stderr).toHaveLength(1);
  const prefix = `${file}: ${path}: `;
  expect(run.stderr[0].startsWith(prefix)).toBe(true);
  expect(run.stderr[0].slice(prefix.length)).toMatch(message);
  expect(run.stderr[0]).not.toMatch(/Invalid input|\uFEFF/);
});

test("every hostile fixture has a row above", () => {
  expect(readdirSync(fixtures).length).toBe(10);
});

test("/dev/zero (a device): refused at once, not read", () => {
  const run = validate(["/dev/zero"]);
  expect(run.status).toBe(1);
  expect(run.stderr).toEqual(["/dev/zero: (root): cannot read the file (a device): only regular files are accepted (got nothing)"]);
});

const mkfifo = spawnSync("mkfifo", ["--version"]).status === 0;
(mkfifo ? test : test.skip)("a FIFO: refused at once, never opened (opening it would wait for a writer)", () => {
  const fifo = join(dir, "fifo.json");
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  const run = validate([fifo]);
  expect(run.signal).toBeNull();
  expect(run.status).toBe(1);
  expect(run.stderr).toEqual([`${fifo}: (root): cannot read the file (a FIFO): only regular files are accepted (got nothing)`]);
});

test("a file over the size limit is refused, naming size and limit", () => {
  const big = join(dir, "big.json");
  writeFileSync(big, `{"name": "${"x".repeat(MAX_CONFIG_FILE_BYTES)}"}`);
  const run = validate([big]);
  expect(run.status).toBe(1);
  expect(run.stderr).toEqual([
    `${big}: (root): the file is ${MAX_CONFIG_FILE_BYTES + 12} bytes, more than the limit of ${MAX_CONFIG_FILE_BYTES} bytes for a configuration file (got nothing)`,
  ]);
});

test("invalid UTF-8 is refused rather than read with replacement characters", () => {
  const file = join(dir, "latin1.json");
  writeFileSync(file, Buffer.concat([Buffer.from('{"name": "'), Buffer.from([0xe9]), Buffer.from('"}')]));
  const run = validate([file]);
  expect(run.stderr).toEqual([`${file}: (root): not valid UTF-8: save the file as UTF-8 (got nothing)`]);
});

test("apps/<folder>/environment.json must be named after its folder", () => {
  const app = join(dir, "apps", "qa");
  mkdirSync(app, { recursive: true });
  const file = join(app, "environment.json");
  writeFileSync(file, readFileSync(join(fixtures, "foreign-user.json"), "utf8").replace("999999999999", "111111111111"));
  const run = validate([file]);
  expect(run.status).toBe(1);
  expect(run.stderr).toEqual([
    `${file}: name: must equal the folder name "qa" of apps/qa/environment.json (rename the folder or the environment) (got "hostile")`,
  ]);
});

test("files valid alone but not together: the same name, bucket and alias in two files", () => {
  const good = readFileSync(join(fixtures, "foreign-user.json"), "utf8").replace("999999999999", "111111111111");
  const a = join(dir, "a.json");
  const b = join(dir, "b.json");
  writeFileSync(a, good);
  writeFileSync(b, good);
  const run = validate([a, b]);
  expect(run.status).toBe(1);
  expect(run.stdout).toHaveLength(2);
  expect(run.stderr.map((l) => l.split(": ").slice(0, 2).join(": "))).toEqual([
    `${b}: name`,
    `${b}: blueprints.customer-managed.key.alias`,
    `${b}: blueprints.customer-managed.buckets[0].name`,
  ]);
});

test.each([["--chek"], ["--write-schema=yes"], ["-x"]])("bad command line %j: one line, exit 2", (...args) => {
  const run = validate(args);
  expect(run.status).toBe(2);
  expect(run.stdout).toEqual([]);
  expect(run.stderr).toHaveLength(1);
  expect(run.stderr[0]).toMatch(/^validate: .*\(--help prints the usage\)$/);
});

test("--help: usage on stdout, exit 0", () => {
  const run = validate(["--help"]);
  expect(run.status).toBe(0);
  expect(run.stdout[0]).toMatch(/^usage: npm run validate -- /);
});
