#!/usr/bin/env node
// Bundles the repo's entry points with esbuild: workspace TypeScript is compiled in,
// third-party packages (cdktf, @cdktf/provider-aws/lib/*, zod, ...) stay external and are
// loaded from node_modules. No type checking here: that is the cached `typecheck` target.
// Usage: node tools/build.mjs [--quiet] [--if-stale] [name...]   (names: keys of ENTRIES; default: all)
// --if-stale skips an entry whose recorded inputs (esbuild's own list of the files it read, next
// to the bundle as <out>.inputs.json) are unchanged, as are this script and package-lock.json.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** name -> [entry point, output file], relative to the repo root. */
export const ENTRIES = {
  app: ["apps/main.ts", "dist/app.js"],
  validate: ["packages/config/src/cli.ts", "dist/validate.js"],
  cost: ["tools/cost/cli.ts", "dist/cost.js"],
  "lock-update": ["tools/lock-update.ts", "dist/lock-update.js"],
  "plan-predict": ["tools/plan/predict-cli.ts", "dist/plan-predict.js"],
  plan: ["tools/plan/plan-cli.ts", "dist/plan.js"],
  "synth-hcl": ["tools/hcl/synth-hcl.ts", "dist/synth-hcl.js"],
  docs: ["tools/docs/generate.ts", "dist/docs.js"],
  "key-material": ["packages/key-material/src/cli.ts", "packages/key-material/dist/cli.js"],
  "workspace-plugin": ["tools/workspace-plugin/src/environment/generator.ts", "tools/workspace-plugin/dist/environment/generator.js"],
};

/** Keep every bare import external except our own workspace packages. */
const externalThirdParty = {
  name: "external-third-party",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@sse-kms/") ? undefined : { path: args.path, external: true },
    );
  },
};

/** Files every bundle depends on besides its sources. */
const ALWAYS_INPUTS = ["tools/build.mjs", "package-lock.json"];

/** [file, size, mtime]; a missing file (e.g. no package-lock.json in a scratch copy) is [file, -1, -1]. */
const stamp = (file) => {
  if (!existsSync(join(root, file))) return [file, -1, -1];
  const st = statSync(join(root, file));
  return [file, st.size, st.mtimeMs];
};

/**
 * True when the entry's bundle exists and none of the files esbuild read to build it (nor this
 * script, nor package-lock.json) changed size or mtime since. Needs no esbuild: cheap enough to
 * run before every synth.
 */
export function isFresh(name) {
  const [, out] = ENTRIES[name];
  const record = join(root, `${out}.inputs.json`);
  if (!existsSync(join(root, out)) || !existsSync(record)) return false;
  try {
    const inputs = JSON.parse(readFileSync(record, "utf8"));
    return inputs.every(([file, size, mtime]) => {
      const [, s, m] = stamp(file);
      return s === size && m === mtime;
    });
  } catch {
    return false; // unreadable record or a deleted input
  }
}

/** Builds the named entries (default: all), or with `ifStale` only those that are not fresh. */
export async function buildAll(names = Object.keys(ENTRIES), { ifStale = false } = {}) {
  for (const n of names) if (!(n in ENTRIES)) throw new Error(`unknown build entry "${n}" (known: ${Object.keys(ENTRIES).join(", ")})`);
  const todo = ifStale ? names.filter((n) => !isFresh(n)) : names;
  if (todo.length === 0) return [];
  const { build } = await import("esbuild");
  await Promise.all(
    todo.map((n) => ENTRIES[n]).map(async ([entry, out]) => {
      const result = await build({
        entryPoints: [join(root, entry)],
        outfile: join(root, out),
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        sourcemap: "linked",
        sourceRoot: "",
        logLevel: "warning",
        plugins: [externalThirdParty],
        write: false,
        metafile: true,
        absWorkingDir: root,
      });
      // What this bundle was built from, for isFresh().
      const inputs = [...Object.keys(result.metafile.inputs).filter((f) => !f.includes("node_modules/")).sort(), ...ALWAYS_INPUTS].map(stamp);
      result.outputFiles.push({ path: join(root, `${out}.inputs.json`), contents: Buffer.from(`${JSON.stringify(inputs)}\n`) });
      // Write each file to a temporary name and rename it: tests that build in parallel never
      // see a half-written bundle.
      for (const file of result.outputFiles) {
        mkdirSync(dirname(file.path), { recursive: true });
        const tmp = `${file.path}.${process.pid}.tmp`;
        writeFileSync(tmp, file.contents);
        renameSync(tmp, file.path);
      }
    }),
  );
  return todo;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = process.hrtime.bigint();
  const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const built = await buildAll(names.length > 0 ? names : undefined, { ifStale: process.argv.includes("--if-stale") });
  if (!process.argv.includes("--quiet")) {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(built.length > 0 ? `built ${built.join(", ")} in ${ms.toFixed(0)} ms` : "every bundle is up to date");
  }
}
