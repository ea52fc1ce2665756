#!/usr/bin/env node
// Bundles the repo's entry points with esbuild: workspace TypeScript is compiled in,
// third-party packages (cdktf, @cdktf/provider-aws/lib/*, zod, ...) stay external and are
// loaded from node_modules (by synth, from the deps bundle below). No type checking here: that is the cached `typecheck` target.
// Usage: node tools/build.mjs [--quiet] [--if-stale] [name...]   (names: keys of ENTRIES, or
// "deps"; default: every entry, then the app's dependency bundle)
// --if-stale skips an entry whose recorded inputs (esbuild's own list of the files it read, next
// to the bundle as <out>.inputs.json) are unchanged, as are this script and package-lock.json.
//
// "deps" (dist/deps.js) is the third-party code the app bundle imports, bundled into one file
// once per dependency install (tools/deps.mjs explains why and how synth loads it).
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { isBuiltin } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** name -> [entry point, output file], relative to the repo root. */
export const ENTRIES = {
  app: ["apps/main.ts", "dist/app.js"],
  validate: ["packages/config/src/cli.ts", "dist/validate.js"],
  cost: ["tools/cost/cli.ts", "dist/cost.js"],
  "lock-update": ["tools/lock-update.ts", "dist/lock-update.js"],
  plan: ["tools/plan/plan-cli.ts", "dist/plan.js"],
  "synth-hcl": ["tools/hcl/synth-hcl.ts", "dist/synth-hcl.js"],
  docs: ["tools/docs/generate.ts", "dist/docs.js"],
  "key-material": ["packages/key-material/src/cli.ts", "packages/key-material/dist/cli.js"],
  "workspace-plugin": ["tools/workspace-plugin/src/environment/generator.ts", "tools/workspace-plugin/dist/environment/generator.js"],
};

/** The app's third-party dependencies in one file (tools/deps.mjs loads it). */
export const DEPS_OUT = "dist/deps.js";

/**
 * Every third-party package some workspace declares (dependencies, devDependencies,
 * peerDependencies of the root and of each workspace), as esbuild `external` patterns (the
 * package and its subpaths). Our own `@sse-kms/*` packages are compiled in. esbuild applies these
 * natively, with no JavaScript plugin on the resolve path, so a build runs entirely in esbuild's
 * own process and synth can load the dependencies meanwhile (tools/synth.mjs).
 */
export function thirdPartyExternals(dir = root) {
  const rootPkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const folders = [""];
  for (const pattern of rootPkg.workspaces ?? []) {
    if (!pattern.endsWith("/*")) folders.push(pattern);
    else {
      const parent = join(dir, pattern.slice(0, -2));
      if (existsSync(parent)) for (const e of readdirSync(parent, { withFileTypes: true })) if (e.isDirectory()) folders.push(`${pattern.slice(0, -2)}/${e.name}`);
    }
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

/** Files every bundle depends on besides its sources. */
const ALWAYS_INPUTS = ["tools/build.mjs", "package-lock.json"];

/** [file (repo-relative or absolute), size, mtime]; a missing file (e.g. no package-lock.json in a scratch copy) is [file, -1, -1]. */
const stamp = (file) => {
  if (!existsSync(resolve(root, file))) return [file, -1, -1];
  const st = statSync(resolve(root, file));
  return [file, st.size, st.mtimeMs];
};

/** The record next to a bundle: what it was built from and which third-party modules it imports. */
function readRecord(out) {
  try {
    const record = JSON.parse(readFileSync(resolve(root, `${out}.inputs.json`), "utf8"));
    // The first format (a bare list) and anything unreadable count as "never built".
    return Array.isArray(record?.inputs) ? record : undefined;
  } catch {
    return undefined;
  }
}

const unchanged = (stamps) =>
  stamps.every(([file, size, mtime]) => {
    const [, s, m] = stamp(file);
    return s === size && m === mtime;
  });

/**
 * True when the entry's bundle exists and none of the files esbuild read to build it (nor this
 * script, nor package-lock.json) changed size or mtime since. Needs no esbuild: cheap enough to
 * run before every synth.
 */
export function isFresh(name) {
  const [, out] = ENTRIES[name];
  const record = readRecord(out);
  return existsSync(join(root, out)) && record !== undefined && unchanged(record.inputs);
}

/** The third-party modules (bare specifiers) the entry's last bundle imports, sorted; [] if never built. */
export function externalsOf(name) {
  return readRecord(ENTRIES[name][1])?.externals ?? [];
}

/** Writes a file under a temporary name and renames it: a reader never sees a half-written file. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/** The package folder of a node_modules path ("node_modules/a/node_modules/@b/c/x.js" -> "node_modules/a/node_modules/@b/c"). */
const packageDirOf = (file) => {
  const at = file.lastIndexOf("node_modules/") + "node_modules/".length;
  const parts = file.slice(at).split("/");
  return file.slice(0, at) + parts.slice(0, parts[0].startsWith("@") ? 2 : 1).join("/");
};

/**
 * Starts building the named entries (default: all; with `ifStale` only those that are not fresh)
 * with an already loaded esbuild. The build requests reach esbuild's process before this returns
 * (no plugin, nothing awaited first), so the caller can do synchronous work while esbuild builds.
 * Resolves to the names built.
 */
export function startBuild(names = Object.keys(ENTRIES), { ifStale = false, esbuild }) {
  for (const n of names) if (!(n in ENTRIES)) throw new Error(`unknown build entry "${n}" (known: ${Object.keys(ENTRIES).join(", ")}, deps)`);
  const todo = ifStale ? names.filter((n) => !isFresh(n)) : names;
  if (todo.length === 0) return Promise.resolve([]);
  const external = thirdPartyExternals();
  return Promise.all(todo.map((n) => buildEntry(n, esbuild, external))).then(() => todo);
}

function buildEntry(name, esbuild, external) {
  const [entry, out] = ENTRIES[name];
  const built = esbuild.build({
    entryPoints: [join(root, entry)],
    outfile: join(root, out),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: "linked",
    sourceRoot: "",
    logLevel: "warning",
    external,
    write: false,
    metafile: true,
    absWorkingDir: root,
  });
  return built.then((result) => {
    const read = Object.keys(result.metafile.inputs).sort();
    // A package that no package.json declares is not external: esbuild would have compiled it in.
    const undeclared = [...new Set(read.filter((f) => f.includes("node_modules/")).map((f) => packageDirOf(f).split("node_modules/").pop()))];
    if (undeclared.length > 0) {
      throw new Error(`${entry}: imports ${undeclared.join(", ")}, which no package.json of the workspace declares; add it to the dependencies of the package that imports it`);
    }
    const [, bundle] = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith(".js"));
    const externals = [...new Set(bundle.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path))].sort();
    // What this bundle was built from, for isFresh(), and what it imports, for the deps bundle.
    const inputs = [...read, ...ALWAYS_INPUTS].map(stamp);
    result.outputFiles.push({ path: join(root, `${out}.inputs.json`), contents: Buffer.from(`${JSON.stringify({ inputs, externals })}\n`) });
    for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  });
}

// ---------------------------------------------------------------------------------------------
// The deps bundle

/**
 * Bundled code that names its own file (`__filename`, `__dirname`) would see the bundle's name
 * instead; cdktf's private/fs.js, for one, runs `node ${__filename}` to copy assets. Give each such
 * module back its real path, so bundled code behaves as it does from node_modules. The
 * declaration goes after the file's directive prologue ("use strict" stays a directive).
 */
const keepOwnFileNames = {
  name: "keep-own-file-names",
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!/\b__(?:file|dir)name\b/.test(source)) return undefined;
      const prologue = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:(["'])use strict\1;?)?/.exec(source)[0];
      const names = `var __filename = ${JSON.stringify(args.path)}, __dirname = ${JSON.stringify(dirname(args.path))};`;
      return { contents: `${source.slice(0, prologue.length)}\n${names}\n${source.slice(prologue.length)}`, loader: "js" };
    });
  },
};

/** The first line of a deps bundle: the hash of the rest, which keys its code cache (tools/deps.mjs). */
export const depsHeader = (sha) => `/* sse-kms deps bundle ${sha} */\n`;

/** The deps bundle's record: { root, modules, sha, self, inputs }, or undefined when never built. `out` may be absolute. */
export const depsRecord = (out = DEPS_OUT) => readRecord(out);

/**
 * True when the deps bundle holds exactly `modules`, was built in this checkout, and neither it
 * nor any file it was built from (every node_modules file esbuild read, the package.json of each
 * of their packages, this script, package-lock.json) changed size or mtime since.
 */
export function depsFresh(modules, out = DEPS_OUT) {
  const record = readRecord(out);
  return (
    record !== undefined &&
    record.root === root &&
    JSON.stringify(record.modules) === JSON.stringify(modules) &&
    unchanged([record.self, ...record.inputs])
  );
}

/**
 * Bundles the given third-party modules (bare specifiers, resolved from the repo root) into one
 * CommonJS file whose exports map each specifier to that module's exports; its first line is
 * depsHeader(hash of the rest). Fails when esbuild warns (it reports fewer warnings for
 * node_modules files than for ours) or when the bundle would still require anything but node's
 * built-in modules at run time: it must behave exactly as the files in node_modules do.
 * `plugins` (esbuild plugins, run first) are for the benchmark's variants only.
 */
export async function buildDeps(modules, { esbuild, out = DEPS_OUT, plugins = [] } = {}) {
  esbuild ??= await import("esbuild");
  const result = await esbuild.build({
    stdin: { contents: modules.map((m) => `exports[${JSON.stringify(m)}] = require(${JSON.stringify(m)});`).join("\n"), resolveDir: root, sourcefile: "deps-entry.js", loader: "js" },
    outfile: resolve(root, out),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "silent",
    plugins: [...plugins, keepOwnFileNames],
    write: false,
    metafile: true,
    absWorkingDir: root,
  });
  if (result.warnings.length > 0) {
    const text = (await esbuild.formatMessages(result.warnings, { kind: "warning" })).join("\n");
    throw new Error(`${out}: esbuild warned while bundling the dependencies, so the bundle could behave differently from node_modules:\n${text}`);
  }
  const [, output] = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith(".js"));
  const leftOver = [...new Set(output.imports.filter((i) => !isBuiltin(i.path)).map((i) => i.path))];
  if (leftOver.length > 0) throw new Error(`${out}: would still load ${leftOver.join(", ")} from outside the bundle at run time`);
  const [file] = result.outputFiles;
  const sha = createHash("sha256").update(file.contents).digest("hex");
  writeAtomically(file.path, Buffer.concat([Buffer.from(depsHeader(sha)), file.contents]));
  // Every node_modules file esbuild read, and the package.json of each package they belong to.
  const read = Object.keys(result.metafile.inputs).filter((f) => f.includes("node_modules/"));
  const inputs = [...new Set([...read, ...read.map((f) => `${packageDirOf(f)}/package.json`)])].sort();
  const record = { root, modules, sha, self: stamp(out), inputs: [...inputs, ...ALWAYS_INPUTS].map(stamp) };
  writeAtomically(resolve(root, `${out}.inputs.json`), `${JSON.stringify(record)}\n`);
  return record;
}

/**
 * Builds the named entries (default: every entry, then "deps"), or with `ifStale` only what is
 * not fresh. "deps" bundles the modules the app bundle imports (the app is built first when it
 * is stale or was never built). With `depsOptional`, a deps bundle that cannot be built is a
 * warning, not an error: synth then loads the dependencies from node_modules.
 */
export async function buildAll(names = [...Object.keys(ENTRIES), "deps"], { ifStale = false, depsOptional = false } = {}) {
  const entries = names.filter((n) => n !== "deps");
  const wantDeps = entries.length < names.length;
  if (wantDeps && !entries.includes("app") && !isFresh("app")) entries.push("app");
  const todo = ifStale ? entries.filter((n) => !isFresh(n)) : entries;
  const built = [];
  let esbuild;
  if (todo.length > 0) {
    esbuild = await import("esbuild");
    built.push(...(await startBuild(todo, { esbuild })));
  }
  if (wantDeps && !(ifStale && depsFresh(externalsOf("app")))) {
    try {
      await buildDeps(externalsOf("app"), { esbuild });
      built.push("deps");
    } catch (e) {
      if (!depsOptional) throw e;
      console.error(`warning: ${e.message}\nsynth will load the dependencies from node_modules (slower, same output)`);
    }
  }
  return built;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = process.hrtime.bigint();
  const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  // Everything (npm ci's prepare): the deps bundle is an optimisation, never a reason to fail.
  const built = await buildAll(names.length > 0 ? names : undefined, { ifStale: process.argv.includes("--if-stale"), depsOptional: names.length === 0 });
  if (!process.argv.includes("--quiet")) {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(built.length > 0 ? `built ${built.join(", ")} in ${ms.toFixed(0)} ms` : "every bundle is up to date");
  }
}
