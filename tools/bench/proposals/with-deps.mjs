#!/usr/bin/env node
// Benchmark only (bench.mjs --proposals): runs dist/app.js as tools/synth.mjs does once the
// bundle is built (dependencies from a deps bundle, with its V8 code cache, saved after the run
// when it was missing), without synth.mjs's build and replay steps.
//   node tools/bench/proposals/with-deps.mjs [--deps FILE]   (default: dist/deps.js)
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { depsRecord } from "../../build.mjs";
import { loadDeps } from "../../deps.mjs";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const app = join(root, "dist", "app.js");
const i = process.argv.indexOf("--deps");
const file = i > 0 ? process.argv[i + 1] : join(root, "dist", "deps.js");
const record = depsRecord(file);
if (!record) throw new Error(`${file} has no record: build it first (node tools/build.mjs deps)`);
const deps = loadDeps({ file, modules: record.modules, from: app });
if (!deps) throw new Error("a dependency was already loaded");
createRequire(import.meta.url)(app);
if (!process.exitCode) deps.saveCache();
