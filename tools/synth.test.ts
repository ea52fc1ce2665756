// tools/synth.mjs (`npm run synth`): one stack folder per environment and enabled blueprint, as
// many as apps/*/environment.json define, and no folder left behind by an earlier synth whose
// stack is gone. tools/run.mjs (`npm run validate|cost|...`): builds and runs one entry.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BLUEPRINTS, findRepoRoot, loadEnvironments } from "@sse-kms/blueprint-catalog";
import { enabledBlueprints } from "@sse-kms/config";

const root = findRepoRoot(__dirname);
const scratch = mkdtempSync(join(tmpdir(), "sse-kms-synth-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `<env>-<blueprint>` for every environment that exists and every blueprint it enables, sorted. */
const expectedStacks = loadEnvironments(root)
  .flatMap((env) => enabledBlueprints(env, BLUEPRINTS).map((blueprint) => `${env.name}-${blueprint.name}`))
  .sort();

const synth = (outdir: string) =>
  spawnSync(process.execPath, ["tools/synth.mjs"], { cwd: root, encoding: "utf8", env: { ...process.env, CDKTF_OUTDIR: outdir } });
const folders = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
type Manifest = { stacks: Record<string, { workingDirectory: string; [k: string]: unknown }> };

test("writes one stack per environment and enabled blueprint, as apps/*/environment.json define them", () => {
  expect(expectedStacks.length).toBeGreaterThan(0);
  const out = join(scratch, "all");
  const run = synth(out);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
  expect(folders(join(out, "stacks"))).toEqual(expectedStacks);
  for (const stack of expectedStacks) expect(existsSync(join(out, "stacks", stack, "cdk.tf.json"))).toBe(true);
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
  expect(Object.keys(manifest.stacks).sort()).toEqual(expectedStacks);
});

test("removes the stack folders the previous synth wrote and this one does not, and nothing else", () => {
  const out = join(scratch, "prune");
  expect(synth(out).status).toBe(0);
  // What the previous synth wrote, as if an environment `old` (since removed or renamed) had been
  // synthesized with it: its folder, listed in cdktf's manifest like every other stack.
  const manifestFile = join(out, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
  const [first] = expectedStacks;
  for (const gone of ["old-customer-managed", "old-imported-material"]) {
    cpSync(join(out, "stacks", first), join(out, "stacks", gone), { recursive: true });
    manifest.stacks[gone] = { ...manifest.stacks[first], name: gone, constructPath: gone, workingDirectory: `stacks/${gone}` };
  }
  // A manifest entry pointing outside stacks/ is never followed.
  mkdirSync(join(scratch, "outside"));
  manifest.stacks.escape = { ...manifest.stacks[first], workingDirectory: "../outside" };
  writeFileSync(manifestFile, JSON.stringify(manifest));
  // A folder no synth wrote (someone's notes, a hand-made stack) stays.
  mkdirSync(join(out, "stacks", "hand-made"));
  writeFileSync(join(out, "stacks", "hand-made", "main.tf"), "# mine\n");

  const run = synth(out);
  expect(run.status).toBe(0);
  expect(folders(join(out, "stacks"))).toEqual([...expectedStacks, "hand-made"].sort());
  expect(run.stdout).toContain("removed stacks/old-customer-managed:");
  expect(run.stdout).toContain("removed stacks/old-imported-material:");
  expect(existsSync(join(scratch, "outside"))).toBe(true);
  expect(readFileSync(join(out, "stacks", "hand-made", "main.tf"), "utf8")).toBe("# mine\n");
  // The next synth has nothing to remove: its manifest lists exactly what it wrote.
  const again = synth(out);
  expect(again.status).toBe(0);
  expect(again.stdout).not.toContain("removed");
  expect(folders(join(out, "stacks"))).toEqual([...expectedStacks, "hand-made"].sort());
});

test("an unreadable manifest removes nothing", () => {
  const out = join(scratch, "bad-manifest");
  mkdirSync(join(out, "stacks", "old-customer-managed"), { recursive: true });
  writeFileSync(join(out, "manifest.json"), "not json");
  expect(synth(out).status).toBe(0);
  expect(folders(join(out, "stacks"))).toEqual([...expectedStacks, "old-customer-managed"].sort());
});

describe("tools/run.mjs", () => {
  test("builds the entry from the current sources and runs it with the arguments, passing on its exit code", () => {
    const ok = spawnSync(process.execPath, ["tools/run.mjs", "validate", "apps/dev/environment.json"], { cwd: root, encoding: "utf8" });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^apps\/dev\/environment\.json: ok \(environment dev, /);
    const bad = join(scratch, "bad.json");
    writeFileSync(bad, "{}");
    expect(spawnSync(process.execPath, ["tools/run.mjs", "validate", bad], { cwd: root, encoding: "utf8" }).status).toBe(1);
  });

  test("an unknown entry is refused with the list of entries", () => {
    const run = spawnSync(process.execPath, ["tools/run.mjs", "valdate"], { cwd: root, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('entry "valdate" unknown; the entries are app, validate,');
  });
});
