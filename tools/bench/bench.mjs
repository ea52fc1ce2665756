#!/usr/bin/env node
// `npm run bench`: the budgets of docs/performance.md, measured; exits 1 when one is exceeded.
// Timings mean something only as ratios measured side by side in one run: variants run
// alternately (the order rotates every round) after a warm-up run each, tables show medians, and
// a ratio is the median over rounds of the ratio within a round.
//
//   npm run bench                  synth (floor, cold, warm, baseline), scale, key-policy limit, npm test cold
//   npm run bench -- --quick       3 rounds, 1 baseline run, no npm test
//   npm run bench -- --help        every option
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { thirdPartyExternals } from "../build.mjs";
import { TIME_BIN, fmtMb, fmtMs, fmtRatio, leastSquares, median, rotate, runProcess, table } from "./lib/measure.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const NODE = process.execPath;

const HELP = `npm run bench -- [options]
  --quick             3 synth rounds, 1 baseline run, 2 scale rounds, no npm test timing
  --runs N            synth rounds after the warm-up (default 5; quick 3)
  --baseline-runs N   rounds that include the usual-setup baseline (default 3; quick 1)
  --no-baseline       skip the baseline (its budget is then reported as not measured)
  --scale-runs N      rounds of the scale points (default 3; quick 2)
  --only LIST         sections to run, comma-separated: ${"synth,scale,policy,terraform,tests"}
  --json FILE         write every measurement as JSON
  --update-doc        rewrite the generated block of docs/performance.md with this run's tables
The cdktn comparison is its own command: npm run check:cdktn (needs the npm registry).`;

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(HELP);
  process.exit(0);
}
const has = (f) => argv.includes(f);
const value = (f, d) => (argv.includes(f) && argv.indexOf(f) + 1 < argv.length ? argv[argv.indexOf(f) + 1] : d);
const QUICK = has("--quick");
const RUNS = Number(value("--runs", QUICK ? 3 : 5));
const BASELINE_RUNS = has("--no-baseline") ? 0 : Number(value("--baseline-runs", QUICK ? 1 : 3));
const SCALE_RUNS = Number(value("--scale-runs", QUICK ? 2 : 3));
const ALL_SECTIONS = ["synth", "scale", "policy", "terraform", "tests"];
const SECTIONS = new Set(
  value("--only", null)
    ?.split(",")
    .map((s) => s.trim()) ?? ALL_SECTIONS.filter((s) => !(QUICK && s === "tests")),
);
for (const s of SECTIONS) if (!ALL_SECTIONS.includes(s)) throw new Error(`--only: unknown section "${s}" (known: ${ALL_SECTIONS.join(", ")})`);

/** The budgets: a measured value past its limit makes the run exit 1. */
const BUDGETS = {
  coldVsFloor: 2.5, // `npm run synth` (bundle + synth of every shipped stack) <= 2.5x the floor
  warmVsNx: 1.2, // nothing changed, Nx-cached synth <= 1.2x Nx's own start-up
  baselineVsCold: 20, // >= 20x faster than the usual cdktf setup
  scale100x10Ms: 10_000, // 100 buckets x 10 environments under 10 s
  npmTestColdMs: 120_000, // npm test with no Nx cache under 120 s on 2 cores
  terraformTierMs: 60_000, // what the real-Terraform tier adds to a cold npm test: at most 60 s
};

// No prompts, telemetry or version checks; Nx without daemon or cloud, with its cache.
const { NX_SKIP_NX_CACHE: _skip, ...inherited } = process.env;
const ENV = {
  ...inherited,
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  NX_DAEMON: "false",
  NX_NO_CLOUD: "true",
  CHECKPOINT_DISABLE: "1",
  DISABLE_VERSION_CHECK: "1",
  CI: "1",
};
const BIN = (name) => join(root, "node_modules", ".bin", name);

const results = { machine: machine(), options: { quick: QUICK, runs: RUNS, baselineRuns: BASELINE_RUNS, scaleRuns: SCALE_RUNS, sections: [...SECTIONS] } };
const budgetRows = [];
const report = []; // [title, text]: printed as they complete, reused by --update-doc

function machine() {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpu: cpu[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    maxRss: TIME_BIN ? `${TIME_BIN} -f %M (largest process of the tree)` : "n/a (no /usr/bin/time)",
    date: new Date().toISOString().slice(0, 10),
    loadAverageAtStart: loadavg()
      .map((x) => x.toFixed(1))
      .join(" "),
  };
}

const log = (msg) => process.stderr.write(`${msg}\n`);
const tail = (text, lines = 15) =>
  String(text ?? "")
    .trim()
    .split("\n")
    .slice(-lines)
    .join("\n");
function section(title, text) {
  report.push([title, text]);
  console.log(`\n## ${title}\n\n${text}`);
}
function budget(name, measured, limit, ok, fmt) {
  if (measured === undefined || measured === null || !Number.isFinite(measured)) return { name, measured: "not measured", limit, status: "skipped" };
  return { name, measured: fmt(measured), limit, status: ok(measured) ? "ok" : "FAIL" };
}

// ---------------------------------------------------------------------------------------------
// 1. synth: floor, cold, warm, Nx start-up, baseline, alternating

function synthSection() {
  const tsNode = existsSync(BIN("ts-node"));
  const variants = [
    { id: "floor", label: `floor: node -e 'require("cdktf")'`, cmd: [NODE, ["-e", 'require("cdktf")']] },
    { id: "cold", label: "synth, cold: node tools/synth.mjs (npm run synth: bundle, then synth every stack)", cmd: [NODE, ["tools/synth.mjs"]] },
    // The one synth cache: nothing changed since the warm-up, so Nx restores cdktf.out.
    {
      id: "warm",
      label: "synth, warm: npx nx run workspace:synth (Nx cache hit, nothing changed)",
      cmd: ["npx", ["nx", "run", "workspace:synth", "--output-style=static"]],
    },
    { id: "nx", label: "Nx start-up alone: npx nx show projects", cmd: ["npx", ["nx", "show", "projects"]] },
    { id: "cli", label: "npx cdktf synth at the root (cdktf.json runs tools/synth.mjs)", cmd: ["npx", ["--no", "cdktf", "synth"]] },
  ];
  // The usual setup (`cdktf init --template=typescript`): `cdktf synth` runs `npx ts-node main.ts`,
  // which type-checks, and main.ts imports the provider barrel. npx never downloads (--no).
  if (BASELINE_RUNS > 0 && tsNode) {
    variants.push({
      id: "baseline",
      label: "baseline: npx cdktf synth, app `npx ts-node main.ts` + provider barrel (tools/bench/baseline)",
      cmd: ["npx", ["--no", "cdktf", "synth"]],
      cwd: join(here, "baseline"),
      rounds: BASELINE_RUNS,
    });
  } else if (BASELINE_RUNS > 0) log("baseline skipped: node_modules/.bin/ts-node is missing (a devDependency; run npm ci)");
  results.synth = { variants: {} };
  for (const v of variants) results.synth.variants[v.id] = { label: v.label, runs: [], failures: [] };

  const run = (v, measured) => {
    const r = runProcess(v.cmd[0], v.cmd[1], { cwd: v.cwd ?? root, env: ENV });
    const store = results.synth.variants[v.id];
    // The warm-up of "warm" may miss (it fills the cache); a measured run must hit.
    const hit = v.id !== "warm" || !measured || /\[(local|remote) cache\]|existing outputs match the cache/.test(r.stdout + r.stderr);
    if (r.status !== 0 || !hit) {
      store.failures.push(r.status !== 0 ? `exit ${r.status}\n${tail(r.stderr || r.stdout)}` : `not restored from the Nx cache:\n${tail(r.stdout)}`);
      log(`  ${v.id}: FAILED\n${tail(store.failures.at(-1), 8)}`);
      return null;
    }
    if (measured) store.runs.push({ ms: r.ms, maxRssKb: r.maxRssKb, cpuMs: r.cpuMs });
    log(`  ${v.id.padEnd(9)} ${fmtMs(r.ms).padStart(8)}  cpu ${fmtMs(r.cpuMs).padStart(8)}  ${fmtMb(r.maxRssKb).padStart(7)}${measured ? "" : "  (warm-up)"}`);
    return r;
  };

  log(`synth: warm-up, then ${RUNS} alternating rounds`);
  // The warm-up also fills the Nx cache; the baseline's takes a minute, skipped with --quick.
  for (const v of variants) if (!(v.id === "baseline" && QUICK)) run(v, false);
  const perRound = [];
  for (let round = 0; round < RUNS; round++) {
    log(`round ${round + 1}/${RUNS}`);
    const times = {};
    for (const v of rotate(variants, round)) {
      if (v.rounds !== undefined && round >= v.rounds) continue;
      const r = run(v, true);
      if (r) times[v.id] = r.ms;
    }
    perRound.push(times);
  }

  const paired = (id, ref) => median(perRound.filter((t) => t[id] && t[ref]).map((t) => t[id] / t[ref]));
  const rows = variants.map((v) => {
    const s = results.synth.variants[v.id];
    Object.assign(s, {
      medianMs: median(s.runs.map((r) => r.ms)),
      medianCpuMs: median(s.runs.map((r) => r.cpuMs)),
      medianMaxRssKb: median(s.runs.map((r) => r.maxRssKb)),
      vsFloor: paired(v.id, "floor"),
    });
    const n = s.runs.length;
    return [
      v.label,
      n ? fmtMs(s.medianMs) : "FAILED",
      fmtMs(s.medianCpuMs),
      fmtMb(s.medianMaxRssKb),
      fmtRatio(s.vsFloor),
      v.id === "baseline" ? "1.00x" : fmtRatio(paired("baseline", v.id)),
      `${n}${s.failures.length ? ` (+${s.failures.length} failed)` : ""}`,
    ];
  });
  let text = table(["command", "wall", "CPU", "max RSS", "wall vs floor", "baseline is", "runs"], rows);
  text +=
    "\n\nwall, CPU (user+sys of the process tree), max RSS: medians. Ratios: median over rounds of the\nratio within the round (paired). Budgets use the wall ratios.";
  for (const v of variants) {
    const f = results.synth.variants[v.id].failures;
    if (f.length) text += `\n\n${v.id} failed ${f.length}x; last error:\n${f.at(-1)}`;
  }
  section("Synth: floor, cold, warm and the usual setup", text);

  const ran = (...ids) => ids.every((id) => results.synth.variants[id].runs.length > 0);
  const failed = (name, limit) => ({ name, measured: "FAILED", limit, status: "FAIL" });
  const cold = paired("cold", "floor");
  const warm = paired("warm", "nx");
  const faster = paired("baseline", "cold");
  Object.assign(results.synth, { coldVsFloor: cold, warmVsNx: warm, baselineVsCold: faster });
  budgetRows.push(
    ran("cold", "floor")
      ? budget("cold synth vs floor", cold, `<= ${BUDGETS.coldVsFloor}x`, (x) => x <= BUDGETS.coldVsFloor, fmtRatio)
      : failed("cold synth vs floor", `<= ${BUDGETS.coldVsFloor}x`),
    ran("warm", "nx")
      ? budget("warm synth (Nx cache hit) vs Nx start-up", warm, `<= ${BUDGETS.warmVsNx}x`, (x) => x <= BUDGETS.warmVsNx, fmtRatio)
      : failed("warm synth (Nx cache hit) vs Nx start-up", `<= ${BUDGETS.warmVsNx}x`),
    budget(
      "cold synth vs the usual setup",
      results.synth.variants.baseline?.runs.length ? faster : undefined,
      `>= ${BUDGETS.baselineVsCold}x faster`,
      (x) => x >= BUDGETS.baselineVsCold,
      (x) => `${fmtRatio(x)} faster`,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// The bench's own entries (scale point, key-policy limit), bundled like tools/build.mjs does

let bundled = null;
async function benchBundles() {
  if (bundled) return bundled;
  const outdir = join(here, "dist");
  await esbuild.build({
    entryPoints: { scale: join(here, "scale", "entry.ts"), "policy-limit": join(here, "scale", "policy-limit.ts") },
    outdir,
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    logLevel: "warning",
    external: thirdPartyExternals(),
  });
  bundled = { scale: join(outdir, "scale.js"), policyLimit: join(outdir, "policy-limit.js") };
  return bundled;
}

// ---------------------------------------------------------------------------------------------
// 2. scale: generated configurations, one child process per point

/**
 * One valid environment (parseEnvironment checks it in the child) with `buckets` buckets: up to
 * PER_KEY under the customer-managed key, the rest under the imported-material key (one key
 * policy scoped to more buckets would pass KMS's 32 KB limit, which synth refuses).
 */
const PER_KEY = 250;
function environmentConfig(index, buckets) {
  const account = String(100_000_000_000 + index);
  const name = `e${index}`;
  const key = (keyName) => ({
    name: keyName,
    alias: `alias/${name}-${keyName}`,
    administrators: [`arn:aws:iam::${account}:role/platform-key-admin`],
    users: [`arn:aws:iam::${account}:role/app-data`],
  });
  const bucketList = (kind, from, to) => Array.from({ length: to - from }, (_, j) => ({ name: `bench-${name}-${kind}-${from + j}-${account}` }));
  const blueprints = { "customer-managed": { key: key("data"), buckets: bucketList("data", 0, Math.min(buckets, PER_KEY)) } };
  if (buckets > PER_KEY) blueprints["imported-material"] = { key: key("byok"), buckets: bucketList("byok", PER_KEY, buckets) };
  return { name, account, region: "eu-west-1", production: false, tags: { environment: name, owner: "bench" }, backend: { type: "local" }, blueprints };
}

async function scaleSection() {
  const { scale } = await benchBundles();
  const work = mkdtempSync(join(tmpdir(), "sse-kms-bench-scale-"));
  try {
    const points = [];
    for (const buckets of [1, 10, 100]) {
      for (const envs of [1, 3, 10]) {
        const dir = join(work, `b${buckets}-e${envs}`);
        mkdirSync(join(dir, "config"), { recursive: true });
        for (let i = 0; i < envs; i++) writeFileSync(join(dir, "config", `e${String(i).padStart(2, "0")}.json`), JSON.stringify(environmentConfig(i, buckets)));
        points.push({ buckets, envs, total: buckets * envs, dir, runs: [] });
      }
    }
    const runPoint = (p) => {
      rmSync(join(p.dir, "out"), { recursive: true, force: true });
      const r = runProcess(NODE, [scale, join(p.dir, "config"), join(p.dir, "out"), join(p.dir, "result.json")], { cwd: root, env: ENV });
      if (r.status !== 0) throw new Error(`scale point ${p.buckets} x ${p.envs} failed (exit ${r.status}):\n${tail(r.stderr || r.stdout)}`);
      return { ...JSON.parse(readFileSync(join(p.dir, "result.json"), "utf8")), ms: r.ms, cpuMs: r.cpuMs, maxRssKb: r.maxRssKb };
    };
    log(`scale: ${points.length} points, ${SCALE_RUNS} alternating rounds`);
    runPoint(points[0]); // warm-up
    for (let round = 0; round < SCALE_RUNS; round++) {
      for (const p of rotate(points, round * 4)) {
        const r = runPoint(p);
        p.runs.push(r);
        log(`  round ${round + 1} ${String(p.buckets).padStart(3)} x ${String(p.envs).padStart(2)}: ${fmtMs(r.ms)} cpu ${fmtMs(r.cpuMs)} ${fmtMb(r.maxRssKb)}`);
      }
    }
    const m = (p, k) => median(p.runs.map((r) => r[k]));
    const summary = points.map((p) => ({
      buckets: p.buckets,
      envs: p.envs,
      total: p.total,
      resources: p.runs[0].resources,
      ms: m(p, "ms"),
      cpuMs: m(p, "cpuMs"),
      maxRssKb: m(p, "maxRssKb"),
      keyPolicyBytes: p.runs[0].keyPolicyBytes,
    }));
    const fit = (key) =>
      leastSquares(
        summary.map((s) => [s.total]),
        summary.map((s) => s[key]),
      );
    const fits = { wall: fit("ms"), rss: fit("maxRssKb") };
    results.scale = { points: summary, fits };
    const f = (x, d) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
    let text = table(
      ["buckets/env", "envs", "total", "resources", "wall", "CPU", "max RSS", "largest key policy"],
      summary.map((s) => [s.buckets, s.envs, s.total, s.resources, fmtMs(s.ms), fmtMs(s.cpuMs), fmtMb(s.maxRssKb), `${s.keyPolicyBytes} B`]),
    );
    text += `\n\nleast squares on total buckets T (medians of ${SCALE_RUNS} runs per point):`;
    text += `\n  wall    = ${f(fits.wall.coef[0], 0)} ms + ${f(fits.wall.coef[1], 3)} ms x T   (R^2 ${f(fits.wall.r2, 4)})`;
    text += `\n  max RSS = ${f(fits.rss.coef[0] / 1024, 0)} MB + ${f(fits.rss.coef[1], 1)} KB x T   (R^2 ${f(fits.rss.r2, 4)})`;
    section("Scale: buckets x environments", text);
    const p = summary.find((s) => s.buckets === 100 && s.envs === 10);
    budgetRows.push(
      budget(
        "synth of 100 buckets x 10 environments",
        p?.ms,
        `< ${BUDGETS.scale100x10Ms / 1000} s`,
        (x) => x < BUDGETS.scale100x10Ms,
        (x) => `${fmtMs(x)} (CPU ${fmtMs(p.cpuMs)})`,
      ),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 3. the key-policy size limit (no timing: how many buckets one key can encrypt)

async function policySection() {
  const { policyLimit } = await benchBundles();
  const dir = mkdtempSync(join(tmpdir(), "sse-kms-bench-policy-"));
  try {
    const r = runProcess(NODE, [policyLimit, join(dir, "limit.json")], { cwd: root, env: ENV });
    if (r.status !== 0) throw new Error(`policy-limit failed (exit ${r.status}):\n${tail(r.stderr || r.stdout)}`);
    const data = JSON.parse(readFileSync(join(dir, "limit.json"), "utf8"));
    results.policyLimit = data;
    const text =
      table(
        ["partition", "bucket name length", "policy with 1 bucket", "bytes per bucket", "max buckets per key", "policy at max"],
        data.results.map((x) => [x.partition, x.nameLength, `${x.bytesWithOneBucket} B`, x.bytesPerBucket, x.maxBuckets, `${x.bytesAtMax} B`]),
      ) +
      `\n\nKMS rejects a key policy over ${data.limitBytes} bytes (PutKeyPolicy/CreateKey: 32 KB). One admin, one user, root` +
      "\nmanagement on (the shipped shape); each extra principal ARN adds its length + 3 bytes.";
    section("Key policy size vs buckets per key (KMS limit 32 KB)", text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 4. npm test, cold (no Nx cache) and warm (once each: minutes on 2 cores)

const COLD = "npm test, cold (--skip-nx-cache)";
const TIER_SKIPPED = "npm test, cold, real-Terraform tier skipped (SSE_KMS_TERRAFORM=/nonexistent/terraform)";

function testsSection() {
  // --skip-nx-cache neither reads nor writes the cache: the second run fills it, the third reads it.
  // The real-Terraform tier's cost is what it adds to a cold run: the same cold run with the tier
  // skipped (no terraform binary: SSE_KMS_TERRAFORM names none) is the reference.
  const runs = [
    [TIER_SKIPPED, ["test", "--", "--skip-nx-cache"], { SSE_KMS_TERRAFORM: "/nonexistent/terraform" }],
    [COLD, ["test", "--", "--skip-nx-cache"], {}],
    ["npm test, filling the Nx cache (not a figure)", ["test"], {}],
    ["npm test, warm (Nx cache, nothing changed)", ["test"], {}],
  ];
  results.tests = {};
  for (const [label, args, extraEnv] of runs) {
    log(`tests: ${label} ...`);
    const r = runProcess("npm", args, { cwd: root, env: { ...ENV, ...extraEnv } });
    const cached = /for (\d+) out of (\d+) tasks/.exec(`${r.stdout}\n${r.stderr}`);
    log(`  ${fmtMs(r.ms)} exit ${r.status}`);
    if (!label.includes("not a figure"))
      results.tests[label] = {
        ms: r.ms,
        cpuMs: r.cpuMs,
        maxRssKb: r.maxRssKb,
        status: r.status,
        fromCache: cached ? `${cached[1]}/${cached[2]}` : "-",
        tier: /real-terraform tier: \d+ stacks ran, \d+ skipped/.exec(`${r.stdout}\n${r.stderr}`)?.[0] ?? "-",
      };
  }
  const rows = Object.entries(results.tests).map(([label, s]) => [
    label,
    fmtMs(s.ms),
    fmtMs(s.cpuMs),
    fmtMb(s.maxRssKb),
    s.status === 0 ? "pass" : `exit ${s.status}`,
    s.fromCache,
    s.tier,
  ]);
  section("npm test (1 run each)", table(["command", "wall", "CPU", "max RSS", "result", "from cache", "real-Terraform tier"], rows));
  const cold = results.tests[COLD];
  const b = budget(
    "npm test, cold (no Nx cache)",
    cold.ms,
    `< ${BUDGETS.npmTestColdMs / 1000} s`,
    (x) => x < BUDGETS.npmTestColdMs,
    (x) => `${fmtMs(x)} (CPU ${fmtMs(cold.cpuMs)})`,
  );
  if (cold.status !== 0) Object.assign(b, { measured: `${b.measured} (tests failing)`, status: "FAIL" });
  budgetRows.push(b);
  const skipped = results.tests[TIER_SKIPPED];
  const added = cold.ms - skipped.ms;
  const t = budget(
    "real-Terraform tier added to a cold npm test",
    added,
    `<= ${BUDGETS.terraformTierMs / 1000} s`,
    (x) => x <= BUDGETS.terraformTierMs,
    (x) => `${fmtMs(x)} (${fmtMs(cold.ms)} with the tier - ${fmtMs(skipped.ms)} without; CPU +${fmtMs(cold.cpuMs - skipped.cpuMs)})`,
  );
  if (cold.status !== 0 || skipped.status !== 0) Object.assign(t, { measured: `${t.measured} (tests failing)`, status: "FAIL" });
  else if (!/ [1-9]\d* stacks ran/.test(cold.tier))
    Object.assign(t, { measured: `${t.measured} (the tier ran no stack: no terraform or mirror here)`, status: "n/a" });
  budgetRows.push(t);
}

// 5. The real-Terraform tier (tools/bench/terraform-tier.mjs): its suites run alone, cold (the
//    breakdown; its budget, the time it adds to a cold npm test, is in the tests section).

async function terraformSection() {
  const { measureTerraformTier } = await import("./terraform-tier.mjs");
  log("terraform: the real-Terraform tier's suites, each alone ...");
  const r = measureTerraformTier({ runs: 1 });
  results.terraform = r;
  section(
    "real-Terraform tier (1 run, suites alone)",
    table(
      ["suite", "wall", "stacks"],
      r.suites.map((s) => [s.file, fmtMs(s.seconds * 1000), s.ran === undefined ? "-" : `${s.ran} ran, ${s.skipped} skipped`]),
    ),
  );
  // Not the budget: the suites alone, for the breakdown. What the tier adds to a cold npm test
  // (the budget) is measured in the tests section, with and without the tier.
}

// ---------------------------------------------------------------------------------------------

function machineText() {
  const m = results.machine;
  return `${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, ${m.platform}, node ${m.node}, ${m.date}; max RSS: ${m.maxRss}; load average (1/5/15 min) at the start ${m.loadAverageAtStart}${m.loadAverageAtEnd ? `, at the end ${m.loadAverageAtEnd}` : ""}`;
}

/** Rewrites the generated block of docs/performance.md with this run's sections, each naming the run. */
function updateDoc() {
  const file = join(root, "docs", "performance.md");
  const [start, end] = ["<!-- bench:results:start -->", "<!-- bench:results:end -->"];
  const flags = argv.filter((a, i) => a !== "--update-doc" && a !== "--json" && argv[i - 1] !== "--json");
  const from = `\`npm run bench${flags.length ? ` -- ${flags.join(" ")}` : ""}\` on ${machineText()}`;
  const body = [
    start,
    "Generated by `npm run bench -- --update-doc`; do not edit by hand.",
    "",
    `From ${from}.`,
    "",
    ...report.flatMap(([title, text]) => [`#### ${title}`, "", "```text", text, "```", ""]),
    end,
  ].join("\n");
  const current = readFileSync(file, "utf8");
  if (!current.includes(start) || !current.includes(end))
    throw new Error(`${relative(root, file)}: the markers ${start} and ${end} are missing; put them where the tables go`);
  writeFileSync(file, current.slice(0, current.indexOf(start)) + body + current.slice(current.indexOf(end) + end.length));
  log(`updated ${relative(root, file)}`);
}

console.log(`# npm run bench${QUICK ? " --quick" : ""}\n\n${machineText()}`);
const started = Date.now();
for (const [name, fn] of [
  ["synth", synthSection],
  ["scale", scaleSection],
  ["policy", policySection],
  ["terraform", terraformSection],
  ["tests", testsSection],
]) {
  if (!SECTIONS.has(name)) continue;
  try {
    await fn();
  } catch (e) {
    // A section that breaks is reported and fails the run; the others still run.
    log(`\nsection ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    section(`${name}: FAILED`, String(e instanceof Error ? e.message : e));
    budgetRows.push({ name: `section ${name} ran`, measured: "error", limit: "runs", status: "FAIL" });
  }
}
results.machine.loadAverageAtEnd = loadavg()
  .map((x) => x.toFixed(1))
  .join(" ");
if (budgetRows.length)
  section(
    "Budgets",
    table(
      ["budget", "measured", "limit", "status"],
      budgetRows.map((b) => [b.name, b.measured, b.limit, b.status]),
    ),
  );
results.budgets = budgetRows;
log(`\nbench finished in ${fmtMs(Date.now() - started)}`);
if (has("--json")) writeFileSync(value("--json"), JSON.stringify(results, null, 2));
if (has("--update-doc")) updateDoc();
const over = budgetRows.filter((b) => b.status === "FAIL");
if (over.length) {
  console.log(`\n${over.length} budget(s) exceeded: ${over.map((b) => b.name).join("; ")}`);
  process.exitCode = 1;
}
