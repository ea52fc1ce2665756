/**
 * Tested by running the generator in a temporary workspace copy: the real `nx g` (the CLI loading
 * the esbuild bundle this package's generators.json points at, as on a fresh clone after npm ci)
 * in a copy of the workspace, then the real synth there. Also checks that a refusal prints the
 * very line `npm run validate` prints for such a file, and exits non-zero.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { BLUEPRINT_NAMES } from "@sse-kms/blueprint-catalog";

const repoRoot = resolve(__dirname, "../../../..");
const nxBin = join(
  repoRoot,
  "node_modules/nx",
  (JSON.parse(readFileSync(join(repoRoot, "node_modules/nx/package.json"), "utf8")) as { bin: { nx: string } }).bin.nx,
);
const GENERATOR = "@sse-kms/workspace-plugin:environment";
const ACCOUNT_MESSAGE = "account: must be an AWS account id: exactly 12 digits, as a string (quote it; leading zeros count)";
const SKIPPED = new Set(["node_modules", "dist", "cdktf.out", "cdktf.out.hcl", ".nx", "terraform-state", "coverage"]);

let copy: string;

/** Environment names no apps/<env> of the repository uses (a team's own `qa` must not collide with this test's). */
const [QA, QA2, QA3] = ["gen", "gen2", "gen3"].map((base) => {
  let name = base;
  for (let i = 1; existsSync(join(repoRoot, "apps", name)); i++) name = `${base}-${i}`;
  return name;
}) as [string, string, string];

/** `node <args>` in the copy, without the Nx variables of an enclosing `nx run-many` (NX_WORKSPACE_ROOT_PATH would point Nx back at the real repo). */
function run(args: string[], timeout = 60_000): SpawnSyncReturns<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("NX_")));
  return spawnSync(process.execPath, args, {
    cwd: copy,
    encoding: "utf8",
    timeout,
    env: { ...env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false", NX_SKIP_NX_CACHE: "true", FORCE_COLOR: "0", NO_COLOR: "1", CI: "true" },
  });
}

const output = (r: SpawnSyncReturns<string>) => `exit ${r.status} ${r.signal ?? ""}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

function generate(...options: string[]): SpawnSyncReturns<string> {
  return run([nxBin, "g", GENERATOR, ...options, "--no-interactive"]);
}

beforeAll(() => {
  // The plugin as Nx loads it: the bundle `npm ci` (prepare) builds.
  const built = spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "workspace-plugin"], { cwd: repoRoot, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`node tools/build.mjs workspace-plugin failed:\n${built.stderr}${built.stdout}`);

  copy = mkdtempSync(join(tmpdir(), "sse-kms-generator-"));
  for (const file of ["package.json", "nx.json", "tsconfig.base.json", "cdktf.json", "jest.preset.js"]) {
    cpSync(join(repoRoot, file), join(copy, file));
  }
  for (const dir of ["apps", "packages", "blueprints", "tools"]) {
    cpSync(join(repoRoot, dir), join(copy, dir), { recursive: true, filter: (src) => !SKIPPED.has(basename(src)) });
  }
  symlinkSync(join(repoRoot, "node_modules"), join(copy, "node_modules"), "dir");
}, 60_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

test("nx g creates apps/<name>, and the next synth writes its stack with no other edit", () => {
  const gen = generate("--name", QA, "--account", "123456789012", "--region", "eu-central-1");
  if (gen.status !== 0) throw new Error(output(gen));
  for (const file of ["environment.json", "project.json", "tsconfig.json", "jest.config.js", "environment.test.ts"]) {
    expect(existsSync(join(copy, "apps", QA, file))).toBe(true);
  }
  const env = JSON.parse(readFileSync(join(copy, "apps", QA, "environment.json"), "utf8")) as Record<string, unknown>;
  expect(env).toMatchObject({ name: QA, account: "123456789012", region: "eu-central-1" }); // a string, not Nx's number
  expect(gen.stdout).toContain("npm run refresh");

  const synth = run(["tools/build.mjs", "--quiet", "app"]);
  if (synth.status !== 0) throw new Error(output(synth));
  const app = run(["dist/app.js"]);
  if (app.status !== 0) throw new Error(output(app));
  expect(app.stdout).toContain(`${QA}-customer-managed`);
  const stack = join(copy, `cdktf.out/stacks/${QA}-customer-managed/cdk.tf.json`);
  expect(existsSync(stack)).toBe(true);
  const tf = JSON.parse(readFileSync(stack, "utf8")) as { resource: Record<string, Record<string, unknown>> };
  expect(Object.keys(tf.resource.aws_s3_bucket ?? {})).toEqual([`${QA.replace(/-/g, "_")}_data_123456789012`]);
}, 60_000);

test("a bad account: validate's line, a non-zero exit, nothing written", () => {
  const gen = generate("--name", QA2, "--account", "123", "--region", "eu-central-1");
  expect(gen.status).not.toBe(0);
  const line = `apps/${QA2}/environment.json: ${ACCOUNT_MESSAGE} (got "123")`;
  expect(gen.stderr.split("\n")).toContain(line);
  expect(existsSync(join(copy, "apps", QA2))).toBe(false);

  // The real `npm run validate` prints the same line for a file with that account.
  const file = JSON.parse(readFileSync(join(copy, "apps/catalog/fixtures/environment.json"), "utf8")) as Record<string, unknown>;
  mkdirSync(join(copy, "apps", QA2));
  writeFileSync(join(copy, "apps", QA2, "environment.json"), JSON.stringify({ ...file, name: QA2, account: "123" }));
  const validate = run(["tools/build.mjs", "--quiet", "validate"]);
  if (validate.status !== 0) throw new Error(output(validate));
  const checked = run(["dist/validate.js", `apps/${QA2}/environment.json`]);
  expect(checked.status).toBe(1);
  expect(checked.stderr.split("\n").filter((l) => l !== "")).toEqual([line]);
}, 60_000);

test("an unknown blueprint is refused with the known ones", () => {
  const gen = generate("--name", QA3, "--account", "123456789012", "--region", "eu-central-1", "--blueprints", "customer-managed,cmk");
  expect(gen.status).not.toBe(0);
  expect(gen.stderr).toContain(`unknown blueprint "cmk" in --blueprints; the known blueprints are: ${BLUEPRINT_NAMES.join(", ")}`);
  expect(existsSync(join(copy, "apps", QA3))).toBe(false);
}, 60_000);
