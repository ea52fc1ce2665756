/**
 * tools/zod-locales.mjs (deferZodLocales, run by tools/synth.mjs before zod loads): zod's `locales`
 * namespace, deferred, has the same names as the real one and each resolves to the same locale;
 * only the locales read are loaded; and an index of another shape is left alone.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";

const root = findRepoRoot(__dirname);
jest.setTimeout(60_000);

/** In a fresh node, from `from`: optionally defers the locales, loads zod, and reports what loaded and what the namespace holds. */
function probe(defer: boolean, from = join(root, "dist", "app.js")) {
  const script = [
    `import { createRequire } from "node:module";`,
    `import { deferZodLocales } from ${JSON.stringify(join(root, "tools/zod-locales.mjs"))};`,
    `const require = createRequire(${JSON.stringify(from)});`,
    `const deferred = ${defer} ? deferZodLocales(require) : false;`,
    `const localeFiles = () => Object.keys(require.cache).filter((f) => /[\\\\/]zod[\\\\/]v4[\\\\/]locales[\\\\/](?!index)/.test(f)).length;`,
    `const z = require("zod");`,
    `const afterImport = localeFiles();`,
    `const issue = { code: "too_small", origin: "string", minimum: 3, inclusive: true, input: "a", path: [] };`,
    `const names = Object.keys(z.locales).sort();`,
    // Each locale's own message for one issue: a locale that resolved to the wrong module (or none) differs.
    `const messages = Object.fromEntries(names.map((n) => [n, z.locales[n]().localeError(issue)]));`,
    `const english = (() => { try { z.string().min(3).parse("a"); } catch (e) { return e.issues[0].message; } })();`,
    `console.log(JSON.stringify({ deferred, afterImport, afterAll: localeFiles(), names, messages, english }));`,
  ].join("\n");
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { deferred: boolean; afterImport: number; afterAll: number; names: string[]; messages: Record<string, unknown>; english: string };
}

test("the deferred namespace has every name of zod's, each the same locale; importing zod loads only English", () => {
  const real = probe(false);
  const deferred = probe(true);
  expect(deferred.deferred).toBe(true);
  expect(real.names.length).toBeGreaterThan(40);
  expect(deferred.names).toEqual(real.names);
  expect(deferred.messages).toEqual(real.messages);
  expect(new Set(Object.values(real.messages)).size).toBeGreaterThan(30); // the messages tell the locales apart
  expect(deferred.english).toBe(real.english);
  expect(real.afterImport).toBe(real.names.length); // zod alone loads every locale...
  expect(deferred.afterImport).toBe(1); // ...deferred, only locales/en.cjs, which zod's schemas require themselves
  expect(deferred.afterAll).toBe(real.afterAll);
});

test("an index of another shape is left alone: zod loads as usual", () => {
  const dir = mkdtempSync(join(tmpdir(), "sse-kms-zod-locales-"));
  try {
    const zod = join(dir, "node_modules", "zod");
    mkdirSync(join(zod, "v4", "locales"), { recursive: true });
    writeFileSync(join(zod, "package.json"), JSON.stringify({ name: "zod", exports: { ".": "./index.cjs", "./v4/locales": "./v4/locales/index.cjs" } }));
    writeFileSync(join(zod, "v4", "locales", "en.cjs"), 'Object.defineProperty(exports, "__esModule", { value: true }); exports.default = () => ({ localeError: () => "en" });\n');
    // An index compiled another way (a helper instead of the getters deferZodLocales knows).
    writeFileSync(join(zod, "v4", "locales", "index.cjs"), 'Object.defineProperty(exports, "__esModule", { value: true }); exports.en = require("./en.cjs").default;\n');
    writeFileSync(join(zod, "index.cjs"), 'exports.locales = require("./v4/locales/index.cjs");\nexports.string = () => ({ min: () => ({ parse() { throw { issues: [{ message: "x" }] }; } }) });\n');
    const other = probe(true, join(dir, "app.js"));
    expect(other.deferred).toBe(false);
    expect(other.names).toEqual(["en"]);
    expect(other.afterImport).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
