#!/usr/bin/env node
// Bundles the repo's entry points with esbuild: workspace TypeScript is compiled in,
// third-party packages (cdktf, @cdktf/provider-aws/lib/*, zod, ...) stay external and are
// loaded from node_modules. No type checking here: that is the cached `typecheck` target.
// Usage: node tools/build.mjs [--quiet]
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** [entry point, output file], relative to the repo root. */
export const ENTRIES = [
  ["apps/main.ts", "dist/app.js"],
  ["packages/config/src/cli.ts", "dist/validate.js"],
];

/** Keep every bare import external except our own workspace packages. */
const externalThirdParty = {
  name: "external-third-party",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@sse-kms/") ? undefined : { path: args.path, external: true },
    );
  },
};

export async function buildAll() {
  await Promise.all(
    ENTRIES.map(([entry, out]) =>
      build({
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
      }),
    ),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = process.hrtime.bigint();
  await buildAll();
  if (!process.argv.includes("--quiet")) {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`built ${ENTRIES.length} entry points in ${ms.toFixed(0)} ms`);
  }
}
