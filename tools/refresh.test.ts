// tools/refresh.ts (`npm run refresh`): one synth of every environment, every derived file from it,
// and nothing left in the system temp folder (cdktf's Testing.app() makes a cdktf.outdir.* folder
// per app and never removes it). Each check runs in a child process whose TMPDIR (what os.tmpdir()
// returns) is a fresh folder: jest's process.env is not the one node's os module reads.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot, loadEnvironments } from "@sse-kms/blueprint-catalog";
import { expectCurrent } from "@sse-kms/testing/environment";
import { RULE_TABLE_README } from "@sse-kms/guardrails";

const root = findRepoRoot(__dirname);

/** Runs node with `args` in the repository, TMPDIR a fresh folder; returns stdout and what is left in that folder. */
function runWithFreshTemp(args: string[], env: NodeJS.ProcessEnv = {}): { stdout: string; left: string[] } {
  const fresh = mkdtempSync(join(tmpdir(), "sse-kms-fresh-tmp-"));
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env, TMPDIR: fresh } });
  // stdout only on failure: lock:update --check explains an exit 1 there, not on stderr.
  expect({ args, status: r.status, stderr: r.stderr, stdout: r.status === 0 ? "" : r.stdout }).toEqual({ args, status: 0, stderr: "", stdout: "" });
  return { stdout: r.stdout, left: readdirSync(fresh) };
}

test("refresh synthesizes each environment once, computes every derived file from that, and leaves nothing in the temp folder", () => {
  const built = spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "refresh"], { cwd: root, encoding: "utf8" });
  expect({ status: built.status, stderr: built.stderr }).toEqual({ status: 0, stderr: "" });
  // derivedFiles() is everything refresh does but the writing; Testing.app() is counted: one in-memory app per synth of an environment.
  const script = `
    const { Testing } = require("cdktf");
    let apps = 0;
    const app = Testing.app.bind(Testing);
    Testing.app = (options) => (apps++, app(options));
    require("./dist/refresh.js").derivedFiles(process.cwd()).then(({ wanted }) => process.stdout.write(JSON.stringify({ apps, wanted: [...wanted] })));`;
  const { stdout, left } = runWithFreshTemp(["-e", script]);
  expect(left).toEqual([]);
  const { apps, wanted } = JSON.parse(stdout) as { apps: number; wanted: [string, string][] };
  expect(apps).toBe(loadEnvironments(root).length);
  const paths = wanted.map(([path]) => path);
  expect(paths).toEqual(expect.arrayContaining([RULE_TABLE_README, "stateful-resources.lock.json"]));
  expect(paths.filter((p) => p.startsWith("docs/access/"))).toHaveLength(loadEnvironments(root).length);
  // The committed files are what it computes (the tests of each part say the same, one by one).
  for (const [path, text] of wanted) expectCurrent(root, path, text, "a derived file");
});

test("the CLIs that synthesize leave nothing in the temp folder: npm run synth, npm run lock:update -- --check", () => {
  const out = mkdtempSync(join(tmpdir(), "sse-kms-synth-out-"));
  expect(runWithFreshTemp(["tools/synth.mjs"], { CDKTF_OUTDIR: out }).left).toEqual([]);
  expect(runWithFreshTemp(["tools/run.mjs", "lock-update", "--check"]).left).toEqual([]);
});
