#!/usr/bin/env node
// Benchmark only (bench.mjs --proposals): the cold synth with every proposal applied, in ONE node
// process: bundle apps/main.ts with esbuild in-process (always: this is the cold path), with
// cdktf's per-token stack capture and its per-stack `terraform version` exec stubbed at build
// time, then load the bundle into the same process.
//   node tools/bench/proposals/synth-best.mjs [--bundle-all]
// --bundle-all also bundles the third-party packages (one file), instead of keeping them external.
import { build } from "esbuild";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const out = join(root, "tools", "bench", "dist", process.argv.includes("--bundle-all") ? "app-best-all.js" : "app-best.js");
const bundleAll = process.argv.includes("--bundle-all");

const stub = (name, filter, contents) => ({ name, setup: (b) => b.onLoad({ filter }, () => ({ contents, loader: "js" })) });
const plugins = [
  {
    name: "external",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => (bundleAll || args.path.startsWith("@sse-kms/") ? undefined : { path: args.path, external: true }));
    },
  },
];
if (bundleAll) {
  plugins.unshift(
    stub("stub-stack-trace", /cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/, "exports.captureStackTrace = () => [];"),
    stub(
      "stub-binary-version",
      /cdktf[\\/]lib[\\/]validations[\\/]validate-binary-version\.js$/,
      "class ValidateBinaryVersion { constructor() {} validate() { return []; } }\nexports.ValidateBinaryVersion = ValidateBinaryVersion;",
    ),
  );
}
await build({ entryPoints: [join(root, "apps", "main.ts")], outfile: out, bundle: true, platform: "node", target: "node20", format: "cjs", logLevel: "warning", plugins });
const require = createRequire(import.meta.url);
if (!bundleAll) {
  // External cdktf: patch the shared copy at run time (proposals/*.cjs).
  require("./no-stack-traces.cjs");
  require("./no-terraform-exec.cjs");
}
require(out);
