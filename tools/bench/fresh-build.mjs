#!/usr/bin/env node
// Bench-only stand-in for `node tools/build.mjs` with a freshness check: when dist/app.js is
// newer than every input (lib/freshness.mjs) it exits at once, without loading esbuild;
// otherwise it runs tools/build.mjs's buildAll(). The warm synth of the benchmark is
// `node tools/bench/fresh-build.mjs && node dist/app.js`: what `npm run synth` would cost if
// tools/build.mjs adopted the check. Same arguments as tools/build.mjs:
//   node tools/bench/fresh-build.mjs [--quiet] [name...]   (the check guards dist/app.js only)
import { isFresh } from "./lib/freshness.mjs";

if (isFresh()) {
  if (!process.argv.includes("--quiet")) console.log("dist/app.js is up to date: bundle reused");
} else {
  const { buildAll } = await import("../build.mjs");
  const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  await buildAll(names.length > 0 ? names : undefined);
  if (!process.argv.includes("--quiet")) console.log("built");
}
