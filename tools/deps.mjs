// Loads the app's third-party dependencies from one file, dist/deps.js, instead of from the
// hundreds of files they span in node_modules (cdktf alone loads 378 of them, most for
// asset archiving that synth never uses). tools/build.mjs builds the file (`node tools/build.mjs
// deps`, part of `npm ci`'s prepare) from exactly the modules dist/app.js imports; it is rebuilt
// when any file it was built from changes.
//
// The file is compiled with V8's code cache: after a synth, V8's compiled code for it is saved
// next to it (dist/deps.js.v8cache, keyed by the hash in the bundle's first line, the V8 version
// and the CPU architecture), and the next process starts from that code instead of parsing
// 2.9 MB again. The key comes from the same bytes that are compiled, so a bundle rebuilt by
// another process meanwhile can never be paired with the old one's code. V8 checks the cache
// too and rejects one it cannot use; the code then compiles as usual and the cache is rewritten.
// Nothing here changes what runs: the same module code, registered in require.cache under the
// file names node itself resolves, so `require("cdktf")` from dist/app.js returns the bundled
// cdktf and the app sees one copy of each module. The synthesized bytes are the same as from
// node_modules (tools/synth.test.ts).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { Module, createRequire } from "node:module";
import { dirname } from "node:path";
import { Script, constants as vmConstants } from "node:vm";

/** Where the code cache of a deps bundle lives. */
export const cacheFileOf = (file) => `${file}.v8cache`;

/** What a code cache is valid for: this bundle (by hash), this V8, this CPU architecture. */
const cacheKey = (sha) => JSON.stringify({ deps: sha, v8: process.versions.v8, arch: process.arch });

/** The cached data in `cacheFile` when it was written for `key`; undefined otherwise. */
function readCache(cacheFile, key) {
  let data;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const newline = data.indexOf(10);
  return newline > 0 && data.subarray(0, newline).toString("utf8") === key ? data.subarray(newline + 1) : undefined;
}

/** The hash in a deps bundle's first line (tools/build.mjs depsHeader), or undefined. */
const HEADER = /^\/\* sse-kms deps bundle ([0-9a-f]{64}) \*\/\n/;

/**
 * Runs the deps bundle `file` in this process and registers each of `modules` in require.cache
 * under the file name `require.resolve` gives from `from` (the app bundle). Returns undefined,
 * having changed nothing, when any of the modules is already loaded (a second copy of cdktf
 * would break its `instanceof` checks).
 *
 * The result's `cache` says how the code cache was used: "accepted", "rejected" (by V8, e.g.
 * after a node upgrade) or "none" (no cache for this bundle yet). `saveCache()` writes one when
 * it was not accepted; call it after the work, so that it holds every function compiled by then.
 * `unload()` takes the modules out of require.cache again (code that already ran stays in memory).
 */
export function loadDeps({ file, modules, from }) {
  const requireFromApp = createRequire(from);
  const filenames = modules.map((m) => requireFromApp.resolve(m));
  if (filenames.some((f) => f in requireFromApp.cache)) return undefined;

  const source = readFileSync(file, "utf8");
  const sha = HEADER.exec(source)?.[1];
  const key = sha && cacheKey(sha);
  const cacheFile = cacheFileOf(file);
  const cachedData = key ? readCache(cacheFile, key) : undefined;
  const script = new Script(Module.wrap(source), {
    filename: file,
    cachedData,
    // import() inside a dependency works as it does from node_modules (node >= 20.12).
    ...(vmConstants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  const cache = cachedData === undefined ? "none" : script.cachedDataRejected ? "rejected" : "accepted";

  const bundle = new Module(file);
  bundle.filename = file;
  script.runInThisContext().call(bundle.exports, bundle.exports, createRequire(file), bundle, file, dirname(file));
  bundle.loaded = true;

  modules.forEach((m, i) => {
    const entry = new Module(filenames[i]);
    entry.filename = filenames[i];
    entry.exports = bundle.exports[m];
    entry.loaded = true;
    requireFromApp.cache[filenames[i]] = entry;
  });

  return {
    modules,
    cache,
    saveCache() {
      if (cache === "accepted" || !key) return false;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.concat([Buffer.from(`${key}\n`), script.createCachedData()]));
      renameSync(tmp, cacheFile);
      return true;
    },
    unload() {
      for (const f of filenames) delete requireFromApp.cache[f];
    },
  };
}
