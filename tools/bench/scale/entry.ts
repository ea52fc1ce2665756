/**
 * Benchmark only (tools/bench/bench.mjs --scale): one point of the scale benchmark, run in a
 * child process per point after bundling with esbuild the way tools/build.mjs does.
 *   node tools/bench/dist/scale.js <config-dir> <outdir> <result.json>
 * Validates every <config-dir>/*.json with parseEnvironment (the zod schema), synthesizes them
 * with createApp, and writes phase timings, peak RSS and the largest key policy to result.json.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { EnvironmentSchema, createApp } from "@sse-kms/blueprint-catalog";
import { parseEnvironment } from "@sse-kms/config";

const [configDir, outdir, resultFile] = process.argv.slice(2);
if (!configDir || !outdir || !resultFile) throw new Error("usage: scale.js <config-dir> <outdir> <result.json>");

const loaded = performance.now();
const envs = readdirSync(configDir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => parseEnvironment(EnvironmentSchema, JSON.parse(readFileSync(join(configDir, f), "utf8")), f));
const parsed = performance.now();
const app = createApp(configDir, { outdir, environments: envs });
const constructed = performance.now();
app.synth();
const synthesized = performance.now();

// The largest key policy, as it is synthesized (compact JSON in the `policy` attribute).
let keyPolicyBytes = 0;
let resources = 0;
for (const stack of readdirSync(join(outdir, "stacks"))) {
  const tf = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as {
    resource?: Record<string, Record<string, { policy?: unknown }>>;
  };
  for (const [type, byName] of Object.entries(tf.resource ?? {})) {
    for (const r of Object.values(byName)) {
      resources++;
      if ((type === "aws_kms_key" || type === "aws_kms_external_key") && typeof r.policy === "string") {
        keyPolicyBytes = Math.max(keyPolicyBytes, Buffer.byteLength(r.policy, "utf8"));
      }
    }
  }
}

writeFileSync(
  resultFile,
  JSON.stringify({
    // performance.now() counts from process start: `loaded` is node start-up + module loading.
    loadMs: loaded,
    parseMs: parsed - loaded,
    constructMs: constructed - parsed,
    synthMs: synthesized - constructed,
    inProcessMs: synthesized,
    maxRssKb: process.resourceUsage().maxRSS,
    stacks: envs.reduce((n, e) => n + Object.keys(e.blueprints).length, 0),
    resources,
    keyPolicyBytes,
  }),
);
