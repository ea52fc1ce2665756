// tools/synth.mjs loads the app's third-party dependencies from one bundle, dist/deps.js, with
// a V8 code cache (tools/deps.mjs). These tests prove that this changes nothing but the time:
// same synthesized bytes as from node_modules, one copy of each module, a cache V8 rejects is
// survived and replaced, and a stale bundle is noticed.
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";
import { fileTree } from "@sse-kms/testing/files";

const root = findRepoRoot(__dirname);
const scratch = mkdtempSync(join(tmpdir(), "sse-kms-synth-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const synth = (outdir: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ["tools/synth.mjs", "--force"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CDKTF_OUTDIR: outdir, SSE_KMS_SYNTH_TRACE: "1", ...env },
  });

/** Runs an ES module snippet in a fresh node (require.cache is per process); returns its JSON output. */
function driver(code: string): unknown {
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`driver failed (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

describe("synth through dist/deps.js", () => {
  test("writes exactly the bytes the same app writes with its dependencies from node_modules", () => {
    const viaDeps = synth(join(scratch, "deps"));
    expect(viaDeps.status).toBe(0);
    expect(viaDeps.stderr).toMatch(/^synth: loaded \d+ modules from dist\/deps\.js \(code cache (none|accepted|rejected)\)/m);
    const viaNodeModules = synth(join(scratch, "node-modules"), { SSE_KMS_SYNTH_DEPS: "0" });
    expect(viaNodeModules.status).toBe(0);
    expect(viaNodeModules.stderr).not.toMatch(/deps\.js/);

    const a = fileTree(join(scratch, "deps"));
    const b = fileTree(join(scratch, "node-modules"));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect([...a.keys()].filter((f) => f.endsWith("cdk.tf.json"))).toHaveLength(7);
    for (const [file, bytes] of a) expect({ file, same: bytes.equals(b.get(file) ?? Buffer.alloc(0)) }).toEqual({ file, same: true });
  });

  test("the app gets every third-party module from the bundle: nothing else loads from node_modules", () => {
    const app = join(root, "dist", "app.js");
    const result = driver(`
      import { createRequire } from "node:module";
      import { depsRecord } from "./tools/build.mjs";
      import { loadDeps } from "./tools/deps.mjs";
      process.env.CDKTF_OUTDIR = ${JSON.stringify(join(scratch, "identity"))};
      const record = depsRecord();
      const deps = loadDeps({ file: ${JSON.stringify(join(root, "dist", "deps.js"))}, modules: record.modules, from: ${JSON.stringify(app)} });
      const r = createRequire(${JSON.stringify(app)});
      const registered = record.modules.map((m) => r.resolve(m));
      r(${JSON.stringify(app)});
      const fromNodeModules = Object.keys(r.cache).filter((f) => f.includes("/node_modules/"));
      console.log(JSON.stringify({ loaded: Boolean(deps), exitCode: process.exitCode ?? 0, modules: record.modules.length, extra: fromNodeModules.filter((f) => !registered.includes(f)) }));`) as { loaded: boolean; exitCode: number; modules: number; extra: string[] };
    expect(result).toEqual({ loaded: true, exitCode: 0, modules: expect.any(Number), extra: [] });
    expect(result.modules).toBeGreaterThanOrEqual(4); // cdktf, constructs, zod and provider resources
  });

  test("the second cold synth starts from V8's code cache", () => {
    expect(synth(join(scratch, "first")).status).toBe(0);
    const second = synth(join(scratch, "second"));
    expect(second.status).toBe(0);
    expect(second.stderr).toMatch(/code cache accepted/);
  });
});

describe("tools/deps.mjs and the deps bundle", () => {
  // A small bundle of one package, built into the scratch folder: zod (95 files in node_modules).
  const out = join(scratch, "zod-deps.js");
  const load = (extra = "", file = JSON.stringify(out)) => `
    import { createRequire } from "node:module";
    import { depsRecord } from "./tools/build.mjs";
    import { loadDeps } from "./tools/deps.mjs";
    const from = ${JSON.stringify(join(root, "dist", "app.js"))};
    const record = depsRecord(${JSON.stringify(out)});
    ${extra}
    const deps = loadDeps({ file: ${file}, modules: record.modules, from });
    const z = createRequire(from)("zod");
    const zodFiles = Object.keys(createRequire(from).cache).filter((f) => f.includes("/node_modules/zod/"));
    const parsed = z.object({ a: z.string() }).safeParse({ a: 1 }).success;
    const saved = deps ? deps.saveCache() : null;
    console.log(JSON.stringify({ loaded: Boolean(deps), cache: deps?.cache, zodFiles: zodFiles.length, parsed, saved }));`;

  beforeAll(() => {
    driver(`import { buildDeps } from "./tools/build.mjs"; console.log(JSON.stringify(await buildDeps(["zod"], { out: ${JSON.stringify(out)} })));`);
  });

  test("one copy of each module: require() returns the bundled one, nothing else loads from node_modules", () => {
    // From node_modules, zod is 95 files; from the bundle, only the one entry registered for it.
    const plain = driver(`import { createRequire } from "node:module"; const r = createRequire(${JSON.stringify(join(root, "dist", "app.js"))}); r("zod"); console.log(JSON.stringify(Object.keys(r.cache).filter((f) => f.includes("/node_modules/zod/")).length));`);
    expect(plain).toBeGreaterThan(50);
    expect(driver(load())).toMatchObject({ loaded: true, zodFiles: 1, parsed: false });
  });

  test("code cache: none, then accepted; a cache V8 rejects is survived and rewritten", () => {
    rmSync(`${out}.v8cache`, { force: true });
    expect(driver(load())).toMatchObject({ loaded: true, cache: "none", saved: true });
    expect(driver(load())).toMatchObject({ loaded: true, cache: "accepted", saved: false });
    // Same header (so it is offered to V8), garbage code: V8 must refuse it, the module must still work.
    const cache = readFileSync(`${out}.v8cache`);
    const header = cache.subarray(0, cache.indexOf(10) + 1);
    writeFileSync(`${out}.v8cache`, Buffer.concat([header, Buffer.alloc(cache.length - header.length, 7)]));
    expect(driver(load())).toMatchObject({ loaded: true, cache: "rejected", parsed: false, saved: true });
    expect(driver(load())).toMatchObject({ cache: "accepted" });
  });

  test("a cache written for another bundle is not offered to V8", () => {
    expect(driver(load())).toMatchObject({ cache: "accepted" });
    // The same code under another bundle hash, next to the first one's cache.
    const other = join(scratch, "other-deps.js");
    const bytes = readFileSync(out, "utf8");
    writeFileSync(other, bytes.replace(/^\/\* sse-kms deps bundle [0-9a-f]{64} \*\//, `/* sse-kms deps bundle ${"0".repeat(64)} */`));
    writeFileSync(`${other}.v8cache`, readFileSync(`${out}.v8cache`));
    expect(driver(load("", JSON.stringify(other)))).toMatchObject({ loaded: true, cache: "none", parsed: false });
  });

  test("nothing is registered when a module is already loaded from node_modules", () => {
    const result = driver(load("createRequire(from)('zod');")) as { loaded: boolean; zodFiles: number };
    expect(result.loaded).toBe(false);
    expect(result.zodFiles).toBeGreaterThan(50);
  });

  test("freshness: other modules, another checkout, or a changed bundle make it stale", () => {
    const fresh = (modules: string[]) => driver(`import { depsFresh } from "./tools/build.mjs"; console.log(JSON.stringify(depsFresh(${JSON.stringify(modules)}, ${JSON.stringify(out)})));`);
    expect(fresh(["zod"])).toBe(true);
    expect(fresh(["cdktf", "zod"])).toBe(false);
    const recordFile = `${out}.inputs.json`;
    const record = readFileSync(recordFile, "utf8");
    writeFileSync(recordFile, record.replace(`"root":${JSON.stringify(root)}`, `"root":"/elsewhere"`));
    expect(fresh(["zod"])).toBe(false);
    writeFileSync(recordFile, record);
    expect(fresh(["zod"])).toBe(true);
    appendFileSync(out, "\n");
    expect(fresh(["zod"])).toBe(false);
  });
});

test("the deps bundle gives bundled code its own file name (cdktf runs `node ${__filename}` to copy assets)", () => {
  expect(spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "--if-stale", "deps"], { cwd: root }).status).toBe(0);
  const deps = readFileSync(join(root, "dist", "deps.js"), "utf8");
  const fsModule = join(dirname(require.resolve("cdktf")), "private", "fs.js");
  // esbuild drops the unused __dirname; the __filename that fs.js uses must be its own path.
  // ... after its "use strict", which must stay a directive.
  expect(deps.match(/"use strict";\s*var __filename = "[^"]*";/g)?.map((m) => m.replace(/^"use strict";\s*/, ""))).toContain(`var __filename = ${JSON.stringify(fsModule)};`);
});
