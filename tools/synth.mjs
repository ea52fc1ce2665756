#!/usr/bin/env node
// `npm run synth` (and cdktf.json's app): synthesizes every environment in ONE node process.
// 1. Rebuilds dist/app.js only when one of its recorded inputs changed (tools/build.mjs isFresh).
// 2. Skips the synth itself when nothing it depends on changed since the last successful one:
//    the bundle, every apps/*/environment.json, package-lock.json, the node version, the output
//    folder and every CDKTF_* / SYNTH_HCL_OUTPUT variable hash as before, AND every synthesized
//    file is still byte-for-byte what was written. Then it replays the last run's messages.
//    This is the warm path an Nx-cached target would give, without Nx's ~1.8 s start-up
//    (docs/performance.md). `--force` (or SSE_KMS_SYNTH_FORCE=1) rebuilds and synthesizes.
// The record lives in dist/synth-stamp.json (git-ignored build output).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAll } from "./build.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist", "app.js");
const STAMP = join(root, "dist", "synth-stamp.json");
const outdir = resolve(root, process.env.CDKTF_OUTDIR || "cdktf.out");
const sha = (data) => createHash("sha256").update(data).digest("hex");

/** Everything the synthesized output depends on, as one hash. */
function inputKey() {
  const h = createHash("sha256").update(`v1\0${process.version}\0${outdir}\0`);
  h.update(readFileSync(bundle)).update("\0");
  const lock = join(root, "package-lock.json");
  h.update(existsSync(lock) ? readFileSync(lock) : "no lockfile").update("\0");
  const apps = join(root, "apps");
  for (const d of readdirSync(apps, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const file = join(apps, d, "environment.json");
    if (existsSync(file)) h.update(`apps/${d}/environment.json\0`).update(readFileSync(file)).update("\0");
  }
  for (const k of Object.keys(process.env).filter((k) => k.startsWith("CDKTF_") || k === "SYNTH_HCL_OUTPUT").sort()) {
    h.update(`${k}=${process.env[k]}\0`);
  }
  return h.digest("hex");
}

/** Every synthesized file (stacks and manifest), repo-relative path -> hash. */
function outputs() {
  const out = {};
  const visit = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== ".terraform") visit(full);
      } else if (["cdk.tf.json", "cdk.tf", "manifest.json"].includes(e.name)) {
        out[relative(outdir, full)] = sha(readFileSync(full));
      }
    }
  };
  if (existsSync(outdir)) visit(outdir);
  return out;
}

/** The last run's record, when it still describes the inputs and the files on disk. */
function cached(key) {
  try {
    const stamp = JSON.parse(readFileSync(STAMP, "utf8"));
    if (stamp.key !== key) return undefined;
    const now = outputs();
    const files = Object.keys(stamp.files);
    const same = files.length > 0 && files.length === Object.keys(now).length && files.every((f) => now[f] === stamp.files[f]);
    return same ? stamp : undefined;
  } catch {
    return undefined;
  }
}

const force = process.argv.includes("--force") || process.env.SSE_KMS_SYNTH_FORCE === "1";
await buildAll(["app"], { ifStale: !force });
const key = inputKey();
const hit = force ? undefined : cached(key);
if (hit) {
  process.stdout.write(hit.stdout);
  process.stderr.write(hit.stderr);
} else {
  // Keep what the app prints, to replay it on the next hit.
  const captured = { stdout: "", stderr: "" };
  for (const stream of ["stdout", "stderr"]) {
    const write = process[stream].write.bind(process[stream]);
    process[stream].write = (chunk, ...rest) => {
      captured[stream] += String(chunk);
      return write(chunk, ...rest);
    };
  }
  createRequire(import.meta.url)(bundle); // sets process.exitCode itself
  if (!process.exitCode) {
    mkdirSync(dirname(STAMP), { recursive: true });
    writeFileSync(STAMP, JSON.stringify({ key, files: outputs(), ...captured }));
  }
}
