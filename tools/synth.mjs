#!/usr/bin/env node
// `npm run synth` (and cdktf.json's app): synthesizes every environment in ONE node process.
// 1. Rebuilds dist/app.js only when one of its recorded inputs changed (tools/build.mjs isFresh).
// 2. Skips the synth itself when nothing it depends on changed since the last successful one:
//    the bundle, every apps/*/environment.json, package-lock.json, the node version, the output
//    folder and every CDKTF_* / SYNTH_HCL_OUTPUT variable hash as before, AND every synthesized
//    file is still byte-for-byte what was written. Then it replays the last run's messages.
//    This is the warm path an Nx-cached target would give, without Nx's ~1.8 s start-up
//    (docs/performance.md). `--force` (or SSE_KMS_SYNTH_FORCE=1) rebuilds and synthesizes.
// 3. Otherwise loads the app's third-party dependencies from dist/deps.js (tools/deps.mjs) WHILE
//    esbuild rebuilds dist/app.js in its own process, then runs the app. SSE_KMS_SYNTH_DEPS=0
//    loads them from node_modules instead; SSE_KMS_SYNTH_TRACE=1 prints what each step took.
// The record lives in dist/synth-stamp.json (git-ignored build output).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEPS_OUT, buildDeps, depsFresh, externalsOf, isFresh, startBuild } from "./build.mjs";
import { loadDeps } from "./deps.mjs";

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
const useDeps = process.env.SSE_KMS_SYNTH_DEPS !== "0";
const require = createRequire(import.meta.url);
const stderrWrite = process.stderr.write.bind(process.stderr);
const trace = process.env.SSE_KMS_SYNTH_TRACE === "1" ? (line) => stderrWrite(`synth: ${line}\n`) : () => {};
const since = (t) => `${(performance.now() - t).toFixed(0)} ms`;

/** Replays a recorded run's messages and stops: nothing it depends on changed. */
function replay(hit) {
  trace("nothing changed since the last synth: replaying its messages");
  process.stdout.write(hit.stdout);
  process.stderr.write(hit.stderr);
  process.exit(0);
}

const fresh = !force && isFresh("app");
if (fresh) {
  const hit = cached(inputKey());
  if (hit) replay(hit);
}

// Rebuild the bundle if needed. esbuild works in its own process: the request is on its way when
// startBuild returns, and this process loads the dependencies meanwhile (the last bundle's list;
// checked again once the new bundle is written).
let t = performance.now();
const esbuild = fresh ? undefined : require("esbuild");
const building = fresh ? Promise.resolve([]) : startBuild(["app"], { esbuild });
let deps;
const loadFresh = (modules) => {
  const tl = performance.now();
  try {
    deps = loadDeps({ file: join(root, DEPS_OUT), modules, from: bundle });
    if (deps) trace(`loaded ${modules.length} modules from ${DEPS_OUT} (code cache ${deps.cache}) in ${since(tl)}`);
  } catch (e) {
    // Never worse than node_modules: say why and load from there.
    deps?.unload();
    deps = undefined;
    stderrWrite(`warning: ${DEPS_OUT} could not be loaded (${e.message.split("\n")[0]}); loading the dependencies from node_modules\n`);
  }
};
const lastModules = useDeps ? externalsOf("app") : [];
if (useDeps && depsFresh(lastModules)) loadFresh(lastModules);
await building;
trace(fresh ? "dist/app.js is up to date" : `rebuilt dist/app.js in ${since(t)}${deps ? " (the dependencies loaded meanwhile)" : ""}`);

if (useDeps) {
  const modules = externalsOf("app");
  if (deps && JSON.stringify(deps.modules) !== JSON.stringify(modules)) {
    deps.unload(); // the new bundle imports other modules: the loaded copy is not the one it needs
    deps = undefined;
  }
  if (!deps) {
    if (!depsFresh(modules)) {
      t = performance.now();
      try {
        await buildDeps(modules, { esbuild: esbuild ?? require("esbuild") });
        trace(`rebuilt ${DEPS_OUT} (${modules.length} modules) in ${since(t)}`);
      } catch (e) {
        stderrWrite(`warning: ${DEPS_OUT} could not be built (${e.message.split("\n")[0]}); loading the dependencies from node_modules\n`);
      }
    }
    if (depsFresh(modules)) loadFresh(modules);
  }
}

const key = inputKey();
const hit = force ? undefined : cached(key);
if (hit) replay(hit);

// Keep what the app prints, to replay it on the next hit.
const captured = { stdout: "", stderr: "" };
for (const stream of ["stdout", "stderr"]) {
  const write = process[stream].write.bind(process[stream]);
  process[stream].write = (chunk, ...rest) => {
    captured[stream] += String(chunk);
    return write(chunk, ...rest);
  };
}
t = performance.now();
require(bundle); // sets process.exitCode itself
trace(`ran dist/app.js in ${since(t)}`);
if (!process.exitCode) {
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, JSON.stringify({ key, files: outputs(), ...captured }));
  try {
    if (deps?.saveCache()) trace(`saved the code cache of ${DEPS_OUT}`);
  } catch (e) {
    trace(`could not save the code cache of ${DEPS_OUT}: ${e.message}`); // only the next start is slower
  }
}
