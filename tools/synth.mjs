#!/usr/bin/env node
// `npm run synth`, cdktf.json's app and the Nx `synth` target (which caches it): bundles
// apps/main.ts into dist/app.js (tools/build.mjs) and runs it in this process. The app writes
// <outdir>/stacks/<env>-<blueprint>/ and <outdir>/manifest.json, the list of the stacks it wrote.
// Afterwards, the folders the previous synth listed there that this one no longer writes (a
// renamed or removed environment) are deleted, so a loop over the folders never plans a stack
// that is gone. A folder no synth listed stays. <outdir>: CDKTF_OUTDIR or cdktf.out.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "./build.mjs";
import { deferZodLocales } from "./zod-locales.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = process.env.CDKTF_OUTDIR ? resolve(process.env.CDKTF_OUTDIR) : join(root, "cdktf.out");

/** The stack folders (`stacks/<name>`) the manifest in `outdir` lists; anything else it lists is ignored. */
function stackFolders() {
  const file = join(outdir, "manifest.json");
  if (!existsSync(file)) return [];
  try {
    const stacks = Object.values(JSON.parse(readFileSync(file, "utf8")).stacks ?? {});
    return stacks.map((s) => s?.workingDirectory).filter((d) => typeof d === "string" && /^stacks\/[^/\\]+$/.test(d) && d !== "stacks/..");
  } catch {
    return []; // not cdktf's manifest: remove nothing
  }
}

const building = build(["app"], { background: true }); // esbuild bundles in its own process...
// Named `require` so that the move to cdktn (tools/cdktn/check-cdktn.mjs rewrites `require("cdktf")`) covers it.
const require = createRequire(join(root, "dist", "app.js"));
// ...while this one loads from node_modules what the app loads first: cdktf (with constructs) and
// zod, whose 63 translations load when first read, not at import (tools/zod-locales.mjs).
require("cdktf");
deferZodLocales(require);
require("zod");
const [bundle] = await building;
const before = stackFolders();
require(bundle); // synthesizes; sets process.exitCode to 1 on a bad configuration
if (!process.exitCode) {
  const now = new Set(stackFolders());
  for (const folder of before.filter((f) => !now.has(f) && existsSync(join(outdir, f)))) {
    rmSync(join(outdir, folder), { recursive: true, force: true });
    console.log(`removed ${folder}: the last synth wrote it, this one does not (environment or blueprint gone)`);
  }
}
