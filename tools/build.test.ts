/**
 * tools/build.mjs prepends dropCdktfDep0044 to every bundle: on Node >= 22, cdktf 0.21's
 * `util.isArray` call (lib/terraform-output.js) printed "[DEP0044] DeprecationWarning" on every
 * synth. The filter must drop exactly that warning from exactly that package: the same deprecation
 * from any other caller, and any other warning from cdktf, still print.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";

const root = findRepoRoot(__dirname);
let dir: string;
jest.setTimeout(60_000);

/** util.isArray is a runtime deprecation (a printed warning) from Node 22 on; before, documentation-only. */
const isArrayWarns = Number(process.versions.node.split(".")[0]) >= 22;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sse-kms-build-"));
  // A stand-in for node_modules/cdktf/lib/terraform-output.js, and a user's own module, each calling util.isArray.
  mkdirSync(join(dir, "node_modules/cdktf/lib"), { recursive: true });
  writeFileSync(join(dir, "node_modules/cdktf/lib/terraform-output.js"), 'module.exports = (x) => require("node:util").isArray(x);\n');
  writeFileSync(
    join(dir, "node_modules/cdktf/lib/other.js"),
    'module.exports = () => process.emitWarning("something else", "DeprecationWarning", "DEP0999");\n',
  );
  writeFileSync(join(dir, "mine.js"), 'module.exports = (x) => require("node:util").isArray(x);\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `calls` (module paths under `dir`, each called once) in a fresh node with the filter installed first. */
function run(...calls: string[]) {
  const script = [
    `import { createRequire } from "node:module";`,
    `import { dropCdktfDep0044 } from ${JSON.stringify(join(root, "tools/build.mjs"))};`,
    `dropCdktfDep0044();`,
    `const require = createRequire(${JSON.stringify(join(dir, "x.js"))});`,
    ...calls.map((c) => `require(${JSON.stringify(`./${c}`)})([]);`),
  ].join("\n");
  return spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, encoding: "utf8", timeout: 30_000 });
}

test("DEP0044 emitted from node_modules/cdktf/lib/ is dropped", () => {
  const r = run("node_modules/cdktf/lib/terraform-output.js");
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
});

test("DEP0044 from any other caller still prints (where this Node warns at all)", () => {
  const r = run("mine.js");
  expect(r.status).toBe(0);
  if (isArrayWarns) expect(r.stderr).toContain("[DEP0044] DeprecationWarning: The `util.isArray` API is deprecated");
  else expect(r.stderr).toBe("");
});

test("any other warning from cdktf still prints", () => {
  const r = run("node_modules/cdktf/lib/other.js");
  expect(r.status).toBe(0);
  expect(r.stderr).toContain("[DEP0999] DeprecationWarning: something else");
});

test("every bundle starts with the filter", () => {
  const built = spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "app", "validate"], { cwd: root, encoding: "utf8" });
  expect({ status: built.status, stderr: built.stderr }).toEqual({ status: 0, stderr: "" });
  for (const bundle of ["dist/app.js", "dist/validate.js"]) {
    const head = readFileSync(join(root, bundle), "utf8").slice(0, 2000);
    expect({ bundle, filter: head.includes("function dropCdktfDep0044()") && head.includes('code === "DEP0044"') }).toEqual({ bundle, filter: true });
  }
});

test("a rebuild replaces each bundle with a new file (rename), never rewrites it in place, and leaves no temp file", () => {
  // Another process may be running the bundle while it is rebuilt (parallel test files build then run
  // the same entry): an in-place write would let it read a truncated file. A rename gives the path a
  // new inode; the old one stays whole for whoever has it open.
  const build = () => spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "lock-update"], { cwd: root, encoding: "utf8" });
  expect(build().status).toBe(0);
  const before = statSync(join(root, "dist/lock-update.js")).ino;
  const r = build();
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  expect(statSync(join(root, "dist/lock-update.js")).ino).not.toBe(before);
  expect(stagingFiles()).toEqual([]);
});

/** esbuild's staging files (`.<bundle>.<pid>.<random>.tmp`, `.map`, `.meta.json`) left in dist/. */
const stagingFiles = () => readdirSync(join(root, "dist")).filter((f) => f.includes(".tmp"));

describe("the esbuild executable", () => {
  /** Runs `node tools/build.mjs --quiet lock-update` with ESBUILD_BINARY_PATH set to a script of ours. */
  function buildWith(script: string) {
    const launcher = join(dir, `launcher-${Math.random().toString(36).slice(2)}.js`);
    writeFileSync(launcher, script, { mode: 0o755 });
    return spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "lock-update"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, ESBUILD_BINARY_PATH: launcher, SSE_KMS_LAUNCHER_LOG: join(dir, "launched.log") },
    });
  }

  test("a JavaScript launcher (esbuild's install step did not run) is started with node, and builds", () => {
    // What esbuild's bin/esbuild is before its install step replaces it with the native binary.
    const real = require.resolve("esbuild/bin/esbuild");
    const r = buildWith(
      [
        "#!/usr/bin/env node",
        `require("node:fs").appendFileSync(process.env.SSE_KMS_LAUNCHER_LOG, process.argv.slice(2).join(" ") + "\\n");`,
        `const r = require("node:child_process").spawnSync(${JSON.stringify(real)}, process.argv.slice(2), { stdio: "inherit" });`,
        "process.exit(r.status ?? 1);",
      ].join("\n"),
    );
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    const args = readFileSync(join(dir, "launched.log"), "utf8");
    expect(args).toContain("tools/lock-update.ts --bundle");
    // esbuild writes into dist/ itself, never a folder of its own in the tree: a folder that appears
    // and vanishes beside dist/ made a parallel `eslint .` (npm test) fail on it.
    expect(/--outfile=(\S+)/.exec(args)?.[1]).toMatch(new RegExp(`^${join(root, "dist")}/\\.lock-update\\.js\\.\\d+\\.[a-z0-9]+\\.tmp$`));
    expect(stagingFiles()).toEqual([]);
    const bundle = readFileSync(join(root, "dist/lock-update.js"), "utf8");
    expect(bundle.endsWith("\n//# sourceMappingURL=lock-update.js.map\n")).toBe(true);
  });

  test("a failed bundle names the entry and carries esbuild's message; nothing is replaced or left behind", () => {
    const before = statSync(join(root, "dist/lock-update.js")).ino;
    const r = buildWith(["#!/usr/bin/env node", 'process.stderr.write("X [ERROR] Could not resolve \\"nowhere\\"\\n");', "process.exit(1);"].join("\n"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("tools/lock-update.ts: esbuild failed (exit 1):\nX [ERROR] Could not resolve \"nowhere\"");
    expect(statSync(join(root, "dist/lock-update.js")).ino).toBe(before);
    expect(stagingFiles()).toEqual([]);
  });
});
