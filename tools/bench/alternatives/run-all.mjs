#!/usr/bin/env node
// Benchmark only (bench.mjs --alternatives): lint, type-check and test the whole repository with
// ONE eslint, ONE tsc and ONE jest, instead of ~3 processes per project through Nx.
//   node tools/bench/alternatives/run-all.mjs --serial|--parallel [--no-jest] --cache-dir DIR
// --parallel runs eslint and tsc side by side (2 cores), then jest with 2 workers.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..", "..");
const bin = (n) => join(root, "node_modules", ".bin", n);
const i = process.argv.indexOf("--cache-dir");
const cacheDir = i > 0 ? process.argv[i + 1] : join(here, "..", "dist", "cache");
const parallel = process.argv.includes("--parallel");

const run = (cmd, args) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code) => resolve(code ?? 1));
  });
const eslint = () => run(bin("eslint"), [".", "--cache", "--cache-location", join(cacheDir, "eslintcache")]);
const tsc = () => run(bin("tsc"), ["-p", join(here, "tsconfig.all.json"), "--incremental", "--tsBuildInfoFile", join(cacheDir, "all.tsbuildinfo")]);
const jest = () => run(bin("jest"), ["-c", join(here, "jest.all.config.js"), "--silent", "--maxWorkers=2"]);

const withJest = !process.argv.includes("--no-jest");
const codes = parallel ? await Promise.all([eslint(), tsc()]) : [await eslint(), await tsc()];
if (withJest) codes.push(await jest());
process.exitCode = codes.some((c) => c !== 0) ? 1 : 0;
