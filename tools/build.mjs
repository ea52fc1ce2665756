#!/usr/bin/env node
// Bundles the repository's entry points with esbuild: our TypeScript is compiled in, every
// third-party package stays external (loaded from node_modules at run time). No type-checking
// here: that is the cached `typecheck` target.
//   node tools/build.mjs [--quiet] [name...]    names: keys of ENTRIES (default: all of them)
// `npm run <cli>` runs `node tools/run.mjs <name>` (build, then run); `npm ci`'s prepare builds
// the two bundles that other programs load by path (the Nx generator, the key-material bin).
import { spawn } from "node:child_process";
import { constants, setPriority } from "node:os";
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The one registry of entries: name -> [TypeScript entry, bundle], relative to the repo root. Add a CLI or generator with one line. */
export const ENTRIES = {
  app: ["apps/main.ts", "dist/app.js"],
  validate: ["apps/catalog/src/validate-cli.ts", "dist/validate.js"],
  cost: ["tools/cost/cli.ts", "dist/cost.js"],
  "adopt-inspect": ["tools/adopt/cli.ts", "dist/adopt-inspect.js"],
  "lock-update": ["tools/lock-update.ts", "dist/lock-update.js"],
  plan: ["tools/plan/plan-cli.ts", "dist/plan.js"],
  "synth-hcl": ["tools/hcl/synth-hcl.ts", "dist/synth-hcl.js"],
  docs: ["tools/docs/generate.ts", "dist/docs.js"],
  refresh: ["tools/refresh.ts", "dist/refresh.js"],
  "hcp-synth": ["tools/hcp/cli.ts", "dist/hcp-synth.js"],
  "providers-mirror": ["tools/providers-mirror.ts", "dist/providers-mirror.js"],
  verify: ["tools/live/verify-cli.ts", "dist/verify.js"],
  "test-live": ["tools/live/live-cli.ts", "dist/test-live.js"],
  "key-material": ["packages/key-material/src/cli.ts", "packages/key-material/dist/cli.js"],
  "workspace-plugin": ["tools/workspace-plugin/src/environment/generator.ts", "tools/workspace-plugin/dist/environment/generator.js"],
  "blueprint-generator": ["tools/workspace-plugin/src/blueprint/generator.ts", "tools/workspace-plugin/dist/blueprint/generator.js"],
};

/**
 * The one warning we silence, prepended to every bundle (`banner`). cdktf 0.21.0, pinned in the root
 * package.json and archived upstream (no fix will come), calls `util.isArray` in
 * lib/terraform-output.js (`isITerraformAddressable`); Node 22 made that a runtime deprecation, so
 * every synth on Node 22/24 printed "[DEP0044] DeprecationWarning: The `util.isArray` API is
 * deprecated" on stderr, a warning the user did not cause. This drops exactly that warning: code
 * DEP0044 AND emitted from a call inside node_modules/cdktf/lib/. Every other warning, and DEP0044
 * from any other caller (your own code), is printed as before. `--disable-warning=DEP0044` (Node
 * >= 20.11/21.3) would need the flag on every command that loads a bundle (`node dist/app.js`, the
 * cdktf CLI's app command, tests) and would hide the warning for every caller. Remove this when
 * cdktf is replaced (docs/migrating-to-cdktn.md).
 */
export function dropCdktfDep0044() {
  const emit = process.emitWarning;
  process.emitWarning = function (warning, ...rest) {
    // emitWarning(warning, type, code, ctor) or emitWarning(warning, { type, code, ... }); util.deprecate uses the first.
    const code = rest[0] !== null && typeof rest[0] === "object" ? rest[0].code : typeof rest[1] === "string" ? rest[1] : warning?.code;
    if (code === "DEP0044") {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 20;
      const stack = new Error().stack ?? "";
      Error.stackTraceLimit = limit;
      if (/[\\/]node_modules[\\/]cdktf[\\/]lib[\\/]/.test(stack)) return;
    }
    return emit.call(this, warning, ...rest);
  };
}

/** Every package a workspace package.json declares, except our own @sse-kms/*, as esbuild `external` patterns. */
export function thirdPartyExternals(dir = root) {
  const rootPkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const folders = [""];
  for (const pattern of rootPkg.workspaces ?? []) {
    const parent = pattern.endsWith("/*") ? join(dir, pattern.slice(0, -2)) : undefined;
    if (!parent) folders.push(pattern);
    else if (existsSync(parent))
      for (const e of readdirSync(parent, { withFileTypes: true })) if (e.isDirectory()) folders.push(join(pattern.slice(0, -2), e.name));
  }
  const names = new Set();
  for (const folder of folders) {
    const file = join(dir, folder, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
      for (const name of Object.keys(pkg[field] ?? {})) if (!name.startsWith("@sse-kms/")) names.add(name);
    }
  }
  return [...names].sort().flatMap((n) => [n, `${n}/*`]);
}

/** "node_modules/a/node_modules/@b/c/x.js" -> "@b/c". */
const packageOf = (file) => {
  const parts = file.split("node_modules/").pop().split("/");
  return parts.slice(0, parts[0].startsWith("@") ? 2 : 1).join("/");
};

/**
 * The esbuild executable and how to start it: the native binary that esbuild's install step puts at
 * esbuild/bin/esbuild, or, where that step did not run (`--ignore-scripts`, Windows), the same
 * path's JavaScript launcher, started with this node. ESBUILD_BINARY_PATH, which esbuild's own API
 * honours, wins.
 */
function esbuildCommand() {
  const bin = process.env.ESBUILD_BINARY_PATH || createRequire(import.meta.url).resolve("esbuild/bin/esbuild");
  const head = Buffer.alloc(2);
  const fd = openSync(bin, "r");
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  return head.toString("latin1") === "#!" ? [process.execPath, [bin]] : [bin, []];
}

/** esbuild's command-line flags for one entry: the options its JavaScript API took before, but for the source map's link, which bundleOne appends. */
function esbuildArgs(entry, outfile, metafile, external) {
  return [
    join(root, entry),
    "--bundle",
    "--platform=node",
    "--target=node22", // the oldest supported Node major (package.json engines, .nvmrc)
    // "use strict" first: the banner goes before esbuild's own directive, which then no longer is one.
    `--banner:js=${`"use strict";\n(${dropCdktfDep0044.toString()})();`}`,
    "--format=cjs",
    "--sourcemap=external", // bundleOne appends the link to the map's final name
    "--source-root=",
    "--log-level=warning",
    `--outfile=${outfile}`,
    `--metafile=${metafile}`,
    ...external.map((e) => `--external:${e}`),
  ];
}

/**
 * Bundles one entry with the esbuild executable into staging files beside the bundle (same folder,
 * so the source map's relative paths hold), then renames each over the old one. Renaming a finished
 * file over the old one means that another process running the bundle meanwhile (jest runs test
 * files in parallel, and several build the same entry before running it) reads the old file or the
 * new one, never a truncated one: an in-place write truncates first, and `lock-update --check` once
 * ran a half-written bundle that way. The staging files stay inside the bundle's (git-ignored,
 * lint-ignored) folder: a staging folder beside it made a parallel `eslint .` fail on a folder that
 * vanished while it walked the tree. esbuild writes the map without the link (`external`), and the
 * link line esbuild would have written (`linked`) is appended here, so it names the final map.
 * Rejects with esbuild's messages when it fails.
 */
function bundleOne(name, external, { background }) {
  const [entry, out] = ENTRIES[name];
  const outdir = dirname(join(root, out));
  const staging = join(outdir, `.${basename(out)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const files = { js: staging, map: `${staging}.map`, meta: `${staging}.meta.json` };
  const [command, prefix] = esbuildCommand();
  // In the background (tools/synth.mjs loads cdktf on its main thread meanwhile, the critical path),
  // esbuild gets one thread (GOMAXPROCS=1) at the lowest priority: it yields the cores to the caller
  // and still finishes first (docs/performance.md).
  const env = background ? { ...process.env, GOMAXPROCS: "1" } : process.env;
  const child = spawn(command, [...prefix, ...esbuildArgs(entry, files.js, files.meta, external)], { cwd: root, env, stdio: ["ignore", "inherit", "pipe"] });
  if (background && child.pid !== undefined) {
    try {
      setPriority(child.pid, constants.priority.PRIORITY_LOW);
    } catch {
      // Not allowed here (some containers): esbuild runs at normal priority, only slower for the caller.
    }
  }
  let messages = "";
  child.stderr.on("data", (chunk) => {
    messages += chunk;
    process.stderr.write(chunk); // warnings and errors, as esbuild prints them
  });
  return new Promise((resolve, reject) => {
    child.on("error", (e) => reject(new Error(`${entry}: could not start esbuild (${command}): ${e.message}`)));
    child.on("close", (code, signal) => {
      try {
        if (code !== 0) throw new Error(`${entry}: esbuild failed (${signal ?? `exit ${code}`})${messages ? `:\n${messages.trimEnd()}` : ""}`);
        const inputs = Object.keys(JSON.parse(readFileSync(files.meta, "utf8")).inputs);
        const undeclared = new Set(inputs.filter((f) => f.includes("node_modules/")).map(packageOf));
        if (undeclared.size > 0) {
          throw new Error(
            `${entry}: imports ${[...undeclared].join(", ")}, which no package.json of the workspace declares (so esbuild would compile it in); add it to the dependencies of the package that imports it`,
          );
        }
        appendFileSync(files.js, `//# sourceMappingURL=${basename(out)}.map\n`);
        renameSync(files.map, join(root, `${out}.map`));
        renameSync(files.js, join(root, out));
        resolve(join(root, out));
      } catch (e) {
        reject(e);
      } finally {
        for (const file of Object.values(files)) rmSync(file, { force: true });
      }
    });
  });
}

/**
 * Bundles the named entries, each with its own esbuild process (started before this returns);
 * resolves to the bundles' absolute paths. An import of a package no package.json declares fails
 * the build (esbuild would have compiled it in). `background`: the caller works while esbuild runs
 * (tools/synth.mjs), so esbuild gets one thread.
 */
export async function build(names = Object.keys(ENTRIES), { background = false } = {}) {
  const unknown = names.filter((n) => !Object.hasOwn(ENTRIES, n));
  if (unknown.length > 0)
    throw new Error(`unknown entry "${unknown.join('", "')}": the entries are ${Object.keys(ENTRIES).join(", ")} (tools/build.mjs ENTRIES)`);
  const external = thirdPartyExternals();
  return Promise.all(names.map((name) => bundleOne(name, external, { background })));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const built = await build(names.length > 0 ? names : undefined);
  if (!process.argv.includes("--quiet")) console.log(`built ${built.length} bundle(s) in ${(performance.now() - started).toFixed(0)} ms`);
}
