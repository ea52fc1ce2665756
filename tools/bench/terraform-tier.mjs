#!/usr/bin/env node
// The real-Terraform tier's suites, each run alone with a cold temp root:
// tools/terraform-tier/real-terraform.test.ts (synth in memory, init from the local mirror, one combined
// plan/show of every shipped stack with the rename proof, `terraform test` of the replication and
// adopting stacks) and the HCL check (tools/hcl/synth-hcl.test.ts). This is the breakdown; the
// budget (what the tier adds to a cold `npm test`, at most 60 s) is measured by
// `npm run bench -- --only tests`, a cold npm test with and without the tier.
//
//   node tools/bench/terraform-tier.mjs [--runs N]
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The jest suites of the tier (project config, test file). */
export const TIER_SUITES = [
  ["tools/jest.config.js", "tools/terraform-tier/real-terraform.test.ts"],
  ["tools/jest.config.js", "tools/hcl/synth-hcl.test.ts"],
];

/**
 * Runs each tier suite `runs` times (sequentially, like one Nx worker would) and returns the
 * median wall seconds per suite and their sum, with the stacks the tier reported as run/skipped.
 * @param {{ runs?: number }} [options]
 */
export function measureTerraformTier(options = {}) {
  const runs = options.runs ?? 1;
  const suites = TIER_SUITES.map(([config, file]) => {
    const seconds = [];
    let ran;
    let skipped;
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [join(root, "node_modules/jest/bin/jest.js"), "-c", config, file], {
        cwd: root,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
      seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
      const out = `${r.stdout}\n${r.stderr}`;
      if (r.status !== 0) throw new Error(`${file} failed (exit ${r.status}):\n${out.slice(-4000)}`);
      const m = /real-terraform tier: (\d+) stacks ran, (\d+) skipped/.exec(out);
      if (m) [ran, skipped] = [Number(m[1]), Number(m[2])];
    }
    seconds.sort((a, b) => a - b);
    return { file, seconds: seconds[Math.floor(seconds.length / 2)], ran, skipped };
  });
  return { suites, totalSeconds: suites.reduce((t, s) => t + s.seconds, 0), cpus: cpus().length, load: loadavg()[0] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const result = measureTerraformTier({ runs: arg("--runs", 1) });
  for (const s of result.suites)
    console.log(`${s.file}: ${s.seconds.toFixed(1)} s${s.ran === undefined ? "" : ` (${s.ran} stacks ran, ${s.skipped} skipped)`}`);
  console.log(
    `real-Terraform tier suites alone: ${result.totalSeconds.toFixed(1)} s on ${result.cpus} CPUs (1-min load average at the end: ${result.load.toFixed(1)})`,
  );
}
