/**
 * The day-two workflows of the README ("Make it yours"), run word for word in a temporary clone of
 * this repository with nothing beside it, each ending with `npm test` green:
 * set up (the README's first command), add an environment, add a bucket, rename a key without
 * destroying it, move a bucket to another stack, fork a blueprint (and enable the fork), remove the
 * environment, remove a shipped blueprint.
 * The commands come from the README's `<!-- workflow: NAME -->` blocks; only the JSON edits that
 * the README shows as JSON are made here in code. If the repository already has an environment
 * named like the README's example (`qa`), another unused name replaces it in every command.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

const repoRoot = resolve(__dirname, "../..");
const readme = readFileSync(join(repoRoot, "README.md"), "utf8");

/** The README's example environment name, or an unused one when the repository has it already. */
const NAME = ["qa", "wfqa", "wfqa-2", "wfqa-3"].find((n) => !existsSync(join(repoRoot, "apps", n)))!;
const FORK = ["customer-managed-eu", "customer-managed-wf"].find((n) => !existsSync(join(repoRoot, "blueprints", n)))!;

/** The commands of a README block: `<!-- workflow: name -->` followed by a ```sh block. */
function recipe(name: string): string[] {
  const at = readme.indexOf(`<!-- workflow: ${name} -->`);
  if (at < 0) throw new Error(`README.md has no <!-- workflow: ${name} --> block`);
  const block = /```sh\n([\s\S]*?)\n```/.exec(readme.slice(at));
  if (!block) throw new Error(`README.md: no sh block after <!-- workflow: ${name} -->`);
  return block[1]!
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l !== "")
    .map((l) => l.replace(/\bqa\b/g, NAME).replace(/\bcustomer-managed-eu\b/g, FORK));
}

let parent: string;
let clone: string;
const timings: [string, number][] = [];

/** Runs one shell command in the clone, as a user would; throws with its output when it fails. */
function sh(command: string): string {
  const env: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("NX_") || k === "NX_SKIP_NX_CACHE"),
  );
  const r = spawnSync("bash", ["-c", command], {
    cwd: clone,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    // The real-Terraform tier plans the shipped stacks in the main `npm test`; here it would plan the
    // same stacks again in every step (minutes each), so the clone's `npm test` skips it (visibly).
    env: {
      ...env,
      NX_DAEMON: "false",
      NX_TUI: "false",
      NX_NO_CLOUD: "true",
      FORCE_COLOR: "0",
      NO_COLOR: "1",
      CHECKPOINT_DISABLE: "1",
      SSE_KMS_TERRAFORM: "/nonexistent/terraform",
    },
  });
  const out = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) {
    // The failing tests first (jest's "●" blocks and FAIL lines, which the tail may have scrolled past), then the tail.
    const lines = out.split("\n");
    const failures = lines.flatMap((l, i) => (/^\s*(●|FAIL\b)/.test(l) ? lines.slice(i, i + 25) : [])).slice(0, 300);
    throw new Error(`\`${command}\` failed in the clone (exit ${r.status}):\n${failures.join("\n")}\n...\n${lines.slice(-80).join("\n")}`);
  }
  return out;
}

/** Runs a README block's commands in order; returns their output. */
function run(name: string, commands = recipe(name)): string {
  const started = Date.now();
  const out = commands.map((c) => sh(c)).join("\n");
  timings.push([name, (Date.now() - started) / 1000]);
  return out;
}

const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.name=workflows", "-c", "user.email=workflows@example.invalid", ...args], { cwd: clone, encoding: "utf8" });
const commit = (message: string) => (git("add", "-A"), git("commit", "-qm", message, "--allow-empty"));
const readJson = (path: string) => JSON.parse(readFileSync(join(clone, path), "utf8")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const writeJson = (path: string, value: unknown) => writeFileSync(join(clone, path), `${JSON.stringify(value, null, 2)}\n`);
const envFile = `apps/${NAME}/environment.json`;
const lock = () => readJson("stateful-resources.lock.json") as Record<string, string[]>;

beforeAll(() => {
  // A clone with nothing beside it: the working tree's files (tracked and new, not ignored) only.
  parent = mkdtempSync(join(tmpdir(), "sse-kms-workflows-"));
  clone = join(parent, "sse-kms-blueprints");
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: repoRoot, encoding: "utf8" })
    .split("\0")
    .filter((f) => f !== "" && existsSync(join(repoRoot, f)));
  for (const f of files) {
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    cpSync(join(repoRoot, f), join(clone, f));
  }
  git("init", "-q");
  commit("the repository as tested");
  const [setup] = /```sh\n([^\n]*)/.exec(readme)!.slice(1);
  run("set up (README: npm ci && npm run synth)", [setup!.replace(/\s+#.*$/, "")]);
});

afterAll(() => {
  console.log(`workflow timings (s): ${timings.map(([n, s]) => `${n} ${s.toFixed(0)}`).join("; ")}`);
  if (parent) rmSync(parent, { recursive: true, force: true });
});

test("add an environment: generator, validate, synth, refresh, npm test", () => {
  run("add-environment");
  const env = readJson(envFile);
  expect(env.name).toBe(NAME);
  expect(readdirSync(join(clone, "apps", NAME, "snapshots"))).toEqual([`${NAME}-customer-managed.json`]);
  expect(lock()[`${NAME}-customer-managed`]).toEqual(expect.arrayContaining([`aws_kms_key.data`]));
  commit("add environment");
});

test("add a bucket: edit buckets, validate, synth, refresh, npm test", () => {
  const env = readJson(envFile);
  const bucket = `${NAME}-logs-123456789012`;
  env.blueprints["customer-managed"].buckets.push({ name: bucket });
  writeJson(envFile, env);
  run("add-bucket");
  const address = `aws_s3_bucket.${bucket.replace(/-/g, "_")}`;
  expect(lock()[`${NAME}-customer-managed`]).toContain(address);
  expect(readFileSync(join(clone, "apps", NAME, "snapshots", `${NAME}-customer-managed.json`), "utf8")).toContain(`"bucket": "${bucket}"`);
  commit("add bucket");
});

test("rename a key: previousNames records the move; nothing is destroyed", () => {
  const env = readJson(envFile);
  const key = env.blueprints["customer-managed"].key;
  expect(key.name).toBe("data");
  key.name = "records";
  key.previousNames = ["data"];
  writeJson(envFile, env);
  const out = run("rename-key");
  expect(out).not.toContain("DESTROY");
  const stack = readJson(`cdktf.out/stacks/${NAME}-customer-managed/cdk.tf.json`);
  expect(stack.moved).toEqual([{ from: "aws_kms_key.data", to: "aws_kms_key.records" }]);
  // refresh added the new address and kept the old one (a moved address is no destroy).
  expect(lock()[`${NAME}-customer-managed`]).toEqual(expect.arrayContaining(["aws_kms_key.data", "aws_kms_key.records"]));
  // CI's check agrees with what refresh left (it once failed here: --check wanted the old address gone).
  expect(sh("npm run lock:update -- --check")).toContain("is current");
  commit("rename key");
});

test("move a bucket to another stack: released by one stack (removed blocks), adopted by the other (import blocks); nothing destroyed", () => {
  const env = readJson(envFile);
  const logs = `${NAME}-logs-123456789012`;
  const cm = env.blueprints["customer-managed"];
  const admins = cm.key.administrators;
  // The README's JSON: out of customer-managed, into releasedBuckets and into imported-material with adopt.
  cm.buckets = cm.buckets.filter((b: { name: string }) => b.name !== logs);
  env.releasedBuckets = [{ blueprint: "customer-managed", bucket: logs }];
  env.blueprints["imported-material"] = {
    key: { name: "byok", alias: `alias/${NAME}-byok`, administrators: admins, users: cm.key.users },
    buckets: [{ name: logs, adopt: { existing: ["publicAccessBlock", "ownershipControls", "policy"] } }],
  };
  writeJson(envFile, env);
  run("move-bucket");
  const address = (type: string) => `${type}.${logs.replace(/-/g, "_")}`;
  const types = [
    "aws_s3_bucket",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_policy",
  ];
  const source = readJson(`cdktf.out/stacks/${NAME}-customer-managed/cdk.tf.json`);
  expect(source.removed).toEqual(types.map((t) => ({ from: address(t), lifecycle: { destroy: false } })));
  expect(source.resource.aws_s3_bucket[logs.replace(/-/g, "_")]).toBeUndefined();
  const target = readJson(`cdktf.out/stacks/${NAME}-imported-material/cdk.tf.json`);
  expect(target.import.map((i: { to: string; id: string }) => [i.to, i.id]).sort()).toEqual(types.map((t) => [address(t), logs]).sort());
  // The lock keeps the released address (forgotten, not destroyed) and adds the adopted one.
  expect(lock()[`${NAME}-customer-managed`]).toContain("aws_s3_bucket." + logs.replace(/-/g, "_"));
  expect(lock()[`${NAME}-imported-material`]).toContain("aws_s3_bucket." + logs.replace(/-/g, "_"));
  expect(sh("npm run lock:update -- --check")).toContain("is current");
  commit("move a bucket");
});

test("fork a blueprint: one command, only the expected files change, npm test green; then enable the fork", () => {
  const [generate, ...rest] = recipe("fork-blueprint");
  run("fork-blueprint (generator)", [generate!]);
  const changed = git("status", "--porcelain", "--untracked-files=all")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.slice(3));
  const unexpected = changed.filter(
    (p) =>
      !p.startsWith(`blueprints/${FORK}/`) &&
      !["apps/catalog/src/blueprints.ts", "package-lock.json", "apps/catalog/schema/environment.schema.json"].includes(p),
  );
  expect(unexpected).toEqual([]);
  expect(changed).toEqual(
    expect.arrayContaining([
      "apps/catalog/src/blueprints.ts",
      "package-lock.json",
      "apps/catalog/schema/environment.schema.json",
      `blueprints/${FORK}/package.json`,
    ]),
  );
  expect(
    git("diff", "--", "apps/catalog/src/blueprints.ts")
      .split("\n")
      .filter((l) => /^[+-][^+-]/.test(l)),
  ).toHaveLength(1);
  run("fork-blueprint (npm test)", rest);
  commit("fork");

  // Enable it beside its source, same shape, names of its own.
  const env = readJson(envFile);
  const source = env.blueprints["customer-managed"];
  env.blueprints[FORK] = {
    ...source,
    key: { ...source.key, name: "eu", alias: `alias/${NAME}-eu`, previousNames: [] },
    buckets: [{ name: `${NAME}-eu-123456789012` }],
  };
  writeJson(envFile, env);
  run("enable the fork", [`npm run validate -- ${envFile} && npm run synth`, "npm run refresh", "npm test"]);
  expect(existsSync(join(clone, `cdktf.out/stacks/${NAME}-${FORK}/cdk.tf.json`))).toBe(true);
  expect(lock()[`${NAME}-${FORK}`]).toEqual(expect.arrayContaining(["aws_kms_key.eu"]));
  commit("enable fork");
});

test("remove an environment: lock:update prints what is orphaned (no apply runs for a removed stack); refresh and npm test green", () => {
  const out = run("remove-environment");
  expect(out).toContain("are ORPHANED (left in AWS and in their state, unmanaged), not destroyed");
  expect(out).not.toContain("WARNING: terraform apply will DESTROY");
  expect(out).toContain(`${NAME}-customer-managed: aws_kms_key.records`);
  expect(Object.keys(lock()).filter((s) => s.startsWith(`${NAME}-`))).toEqual([]);
  expect(existsSync(join(clone, "docs/access", `${NAME}.md`))).toBe(false);
  commit("remove environment");
});

test("remove a blueprint: delete its folder, registry line and environment blocks; lock:update prints its stacks ORPHANED; npm test green", () => {
  const BLUEPRINT = "imported-material";
  const registry = "apps/catalog/src/blueprints.ts";
  const line = `export { blueprint as importedMaterial } from "@sse-kms/blueprint-${BLUEPRINT}";`;
  // The edits the README describes in words: the folder, the registry line, every environment's block.
  expect(readFileSync(join(clone, registry), "utf8").split("\n")).toContain(line);
  rmSync(join(clone, "blueprints", BLUEPRINT), { recursive: true });
  writeFileSync(
    join(clone, registry),
    readFileSync(join(clone, registry), "utf8")
      .split("\n")
      .filter((l) => l !== line)
      .join("\n"),
  );
  const enabling = readdirSync(join(clone, "apps"))
    .map((d) => `apps/${d}/environment.json`)
    .filter((f) => existsSync(join(clone, f)) && readJson(f).blueprints?.[BLUEPRINT] !== undefined);
  expect(enabling.length).toBeGreaterThan(0);
  for (const f of enabling) {
    const env = readJson(f);
    delete env.blueprints[BLUEPRINT];
    writeJson(f, env);
  }
  const stacks = Object.keys(lock()).filter((s) => s.endsWith(`-${BLUEPRINT}`));
  expect(stacks.length).toBe(enabling.length);

  const out = run("remove-blueprint");
  expect(out).toContain("are ORPHANED (left in AWS and in their state, unmanaged), not destroyed");
  expect(out).not.toContain("WARNING: terraform apply will DESTROY");
  for (const s of stacks) expect(out).toContain(`${s}: `);
  expect(Object.keys(lock()).filter((s) => s.endsWith(`-${BLUEPRINT}`))).toEqual([]);
  expect(existsSync(join(clone, "docs/blueprints", `${BLUEPRINT}.md`))).toBe(false);
  for (const f of enabling) expect(existsSync(join(clone, dirname(f), "snapshots", `${basename(dirname(f))}-${BLUEPRINT}.json`))).toBe(false);
  expect(existsSync(join(clone, "node_modules/@sse-kms", `blueprint-${BLUEPRINT}`))).toBe(false);
  expect(readFileSync(join(clone, "package-lock.json"), "utf8")).not.toContain(`blueprints/${BLUEPRINT}`);
  commit("remove a blueprint");
});
