#!/usr/bin/env node
// Bundles the repo's entry points with esbuild: workspace TypeScript is compiled in,
// third-party packages (cdktf, @cdktf/provider-aws/lib/*, zod, ...) stay external and are
// loaded from node_modules. No type checking here: that is the cached `typecheck` target.
// Usage: node tools/build.mjs [--quiet] [name...]   (names: keys of ENTRIES; default: all)
import { build } from "esbuild";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
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

/** Builds the named entries (default: all). Throws on an unknown name. */
export async function buildAll(names = Object.keys(ENTRIES)) {
  for (const n of names) if (!(n in ENTRIES)) throw new Error(`unknown build entry "${n}" (known: ${Object.keys(ENTRIES).join(", ")})`);
  await Promise.all(
    names.map((n) => ENTRIES[n]).map(async ([entry, out]) => {
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
      });
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
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = process.hrtime.bigint();
  const names = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  await buildAll(names.length > 0 ? names : undefined);
  if (!process.argv.includes("--quiet")) {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`built ${names.length > 0 ? names.join(", ") : "all entry points"} in ${ms.toFixed(0)} ms`);
  }
}
