#!/usr/bin/env node
// Bundles the repository's entry points with esbuild: our TypeScript is compiled in, every
// third-party package stays external (loaded from node_modules at run time). No type-checking
// here: that is the cached `typecheck` target.
//   node tools/build.mjs [--quiet] [name...]    names: keys of ENTRIES (default: all of them)
// `npm run <cli>` runs `node tools/run.mjs <name>` (build, then run); `npm ci`'s prepare builds
// the two bundles that other programs load by path (the Nx generator, the key-material bin).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// esbuild's API is CommonJS: require() loads it 2-4x faster than an ESM import, which first runs
// node's CommonJS export detection over its 2,500 lines, and a cold synth waits for it before the
// bundle can start (docs/performance.md).
const esbuild = createRequire(import.meta.url)("esbuild");

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The one registry of entries: name -> [TypeScript entry, bundle], relative to the repo root. Add a CLI or generator with one line. */
export const ENTRIES = {
  app: ["apps/main.ts", "dist/app.js"],
  validate: ["apps/catalog/src/validate-cli.ts", "dist/validate.js"],
  cost: ["tools/cost/cli.ts", "dist/cost.js"],
  "lock-update": ["tools/lock-update.ts", "dist/lock-update.js"],
  plan: ["tools/plan/plan-cli.ts", "dist/plan.js"],
  "synth-hcl": ["tools/hcl/synth-hcl.ts", "dist/synth-hcl.js"],
  docs: ["tools/docs/generate.ts", "dist/docs.js"],
  refresh: ["tools/refresh.ts", "dist/refresh.js"],
  "key-material": ["packages/key-material/src/cli.ts", "packages/key-material/dist/cli.js"],
  "workspace-plugin": ["tools/workspace-plugin/src/environment/generator.ts", "tools/workspace-plugin/dist/environment/generator.js"],
  "blueprint-generator": ["tools/workspace-plugin/src/blueprint/generator.ts", "tools/workspace-plugin/dist/blueprint/generator.js"],
};

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

/** Bundles the named entries (the requests reach esbuild's own process before this returns); resolves to the bundles' absolute paths. An import of a package no package.json declares fails the build (esbuild would have compiled it in). */
export async function build(names = Object.keys(ENTRIES)) {
  const unknown = names.filter((n) => !Object.hasOwn(ENTRIES, n));
  if (unknown.length > 0)
    throw new Error(`unknown entry "${unknown.join('", "')}": the entries are ${Object.keys(ENTRIES).join(", ")} (tools/build.mjs ENTRIES)`);
  const external = thirdPartyExternals();
  return Promise.all(
    names.map(async (name) => {
      const [entry, out] = ENTRIES[name];
      const result = await esbuild.build({
        entryPoints: [join(root, entry)],
        outfile: join(root, out),
        absWorkingDir: root,
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        sourcemap: "linked",
        sourceRoot: "",
        logLevel: "warning",
        external,
        metafile: true,
        write: false,
      });
      const undeclared = new Set(
        Object.keys(result.metafile.inputs)
          .filter((f) => f.includes("node_modules/"))
          .map(packageOf),
      );
      if (undeclared.size > 0) {
        throw new Error(
          `${entry}: imports ${[...undeclared].join(", ")}, which no package.json of the workspace declares (so esbuild would compile it in); add it to the dependencies of the package that imports it`,
        );
      }
      for (const file of result.outputFiles) {
        mkdirSync(dirname(file.path), { recursive: true });
        writeFileSync(file.path, file.contents);
      }
      return join(root, out);
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const built = await build(names.length > 0 ? names : undefined);
  if (!process.argv.includes("--quiet")) console.log(`built ${built.length} bundle(s) in ${(performance.now() - started).toFixed(0)} ms`);
}
