#!/usr/bin/env node
// Bench-only proposal: synth in ONE node process. Checks freshness (lib/freshness.mjs), bundles
// in-process only when a source changed, then loads dist/app.js into this same process instead
// of starting a second node. Measured against `node tools/build.mjs && node dist/app.js`.
// Usage: node tools/bench/synth-once.mjs
import { createRequire } from "node:module";
import { join } from "node:path";
import { isFresh, repoRoot } from "./lib/freshness.mjs";

if (!isFresh()) {
  const { buildAll } = await import("../build.mjs");
  await buildAll(["app"]);
}
// dist/app.js sets process.exitCode itself.
createRequire(import.meta.url)(join(repoRoot, "dist", "app.js"));
