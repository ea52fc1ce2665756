#!/usr/bin/env node
// `npm run validate|cost|docs|...`: node tools/run.mjs <entry> [args...] bundles one entry of
// tools/build.mjs ENTRIES (our sources as they are now) and runs the bundle with the arguments.
import { spawnSync } from "node:child_process";
import { ENTRIES, build } from "./build.mjs";

const [name, ...args] = process.argv.slice(2);
if (!Object.hasOwn(ENTRIES, name ?? "")) {
  console.error(
    `usage: node tools/run.mjs <entry> [args...]: entry ${name === undefined ? "missing" : `"${name}" unknown`}; the entries are ${Object.keys(ENTRIES).join(", ")} (tools/build.mjs ENTRIES)`,
  );
  process.exit(2);
}
const [bundle] = await build([name]);
const child = spawnSync(process.execPath, [bundle, ...args], { stdio: "inherit" });
process.exitCode = child.status ?? 1;
