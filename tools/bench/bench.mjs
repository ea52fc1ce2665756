#!/usr/bin/env node
// The performance benchmark: `npm run bench` (docs/performance.md explains every figure).
// Timings are only meaningful as ratios measured in one run: variants run alternately (the order
// rotates every round) after a warm-up, and the table shows medians. The budgets live here, not
// in unit tests: the process exits 1 when a measured budget is exceeded.
//
//   npm run bench                     synth comparison + scale + key-policy limit + npm test timing
//   npm run bench -- --quick          skips npm test timing and the 500-bucket points, fewer runs
//   npm run bench -- --help           every option
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDeps, depsFresh, externalsOf, isFresh as isBundleFresh } from "../build.mjs";

/** Whether dist/app.js is up to date with the sources esbuild read for it. */
const isFresh = () => isBundleFresh("app");
import { TIME_BIN, fmtMb, fmtMs, fmtRatio, leastSquares, median, rotate, runProcess, runSteps, table } from "./lib/measure.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const NODE = process.execPath;

// ---------------------------------------------------------------------------------------------
// Options

const HELP = `npm run bench -- [options]
  --quick                 3 synth rounds, 1 baseline run, no npm test timing, no 500-bucket points
  --runs N                synth comparison rounds after the warm-up (default 5; quick 3)
  --baseline-runs N       rounds that include the ts-node baseline (default 3; quick 1)
  --no-baseline           skip the ts-node baseline (its budget is then not checked)
  --scale-runs N          rounds of the scale points (default 3; quick 2)
  --only LIST             sections to run, comma-separated: synth,scale,policy,tests,alternatives,proposals
  --alternatives          also time the alternatives to \`npm test\` (one eslint, one tsc, one jest)
  --proposals             also measure ways to make the app itself faster (same output, checked)
  --profile-scale         CPU-profile two scale points and list functions that grow faster than linearly
  --json FILE             write every measurement as JSON
  --update-doc            rewrite the generated block of docs/performance.md with this run's tables`;

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(HELP);
  process.exit(0);
}
const has = (f) => argv.includes(f);
const value = (f, d) => {
  const i = argv.indexOf(f);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : d;
};
const QUICK = has("--quick");
const RUNS = Number(value("--runs", QUICK ? 3 : 5));
const BASELINE_RUNS = has("--no-baseline") ? 0 : Number(value("--baseline-runs", QUICK ? 1 : 3));
const SCALE_RUNS = Number(value("--scale-runs", QUICK ? 2 : 3));
const ALL_SECTIONS = ["synth", "scale", "policy", "tests", "alternatives", "proposals"];
const only = value("--only", null);
const SECTIONS = new Set(
  only ? only.split(",").map((s) => s.trim()) : ["synth", "scale", "policy", ...(QUICK ? [] : ["tests"]), ...(has("--alternatives") ? ["alternatives"] : []), ...(has("--proposals") ? ["proposals"] : [])],
);
for (const s of SECTIONS) if (!ALL_SECTIONS.includes(s)) throw new Error(`unknown section "${s}" (known: ${ALL_SECTIONS.join(", ")})`);
const SCALE_BUCKETS = QUICK ? [1, 10, 100] : [1, 10, 100, 500];
const SCALE_ENVS = [1, 3, 10];

/** Budgets: checked at the end; a measured budget past its limit makes the process exit 1. */
const BUDGETS = {
  coldVsFloor: 2.5, // full cold synth <= 2.5x the floor
  warmVsFloor: 1.2, // warm synth <= 1.2x the floor
  baselineVsCold: 20, // >= 20x faster than the usual setup
  scale100x10Ms: 10_000, // 100 buckets x 10 environments under 10 s
  npmTestColdMs: 120_000, // npm test with no Nx cache under 120 s on a 2-core machine
};

// The cdktf CLI: no prompts, no telemetry, no version check (see docs/performance.md).
const CLI_ENV = { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" };
const QUIET_ENV = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", NX_DAEMON: "false", NX_NO_CLOUD: "true" };

const results = { machine: machine(), options: { quick: QUICK, runs: RUNS, baselineRuns: BASELINE_RUNS, scaleRuns: SCALE_RUNS, sections: [...SECTIONS] } };
const budgetRows = [];
const report = []; // [title, text] blocks, printed as they complete and reused for --update-doc

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
    loadAverageAtStart: loadavg().map((x) => x.toFixed(1)).join(" "),
  };
}

function log(msg) {
  process.stderr.write(`${msg}\n`);
}

function section(title, text) {
  report.push([title, text]);
  console.log(`\n## ${title}\n\n${text}`);
}

function tail(text, lines = 15) {
  return String(text ?? "").trim().split("\n").slice(-lines).join("\n");
}

/** `node a b && node c` from package.json -> steps for runSteps; `node` is this node. */
function parseScript(script) {
  if (/[|;<>"'`$()]|\|\|/.test(script.replace(/&&/g, ""))) return [["sh", ["-c", script]]];
  return script.split("&&").map((part) => {
    const [cmd, ...args] = part.trim().split(/\s+/);
    return [cmd === "node" ? NODE : cmd, args];
  });
}

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const BIN = (name) => join(root, "node_modules", ".bin", name);

// ---------------------------------------------------------------------------------------------
// 1. synth: floor, cold, warm, baseline (+ informational variants), alternating

function synthSection() {
  const synthScript = pkg.scripts?.synth;
  if (!synthScript) throw new Error('package.json has no "synth" script');
  // `npm run synth` is one process (tools/synth.mjs): cold = --force (bundle rebuilt, output
  // cache bypassed; the dependencies come from dist/deps.js, which only a dependency change
  // rebuilds: the coldNewDeps row measures that case); warm = nothing changed since the last
  // synth (bundle reused, output cache hit).
  const coldSteps = [...parseScript(synthScript).map(([c, a]) => [c, [...a]])];
  coldSteps[coldSteps.length - 1][1].push("--force");
  const warmSteps = parseScript(synthScript);
  const tsNode = existsSync(BIN("ts-node"));
  const baselineDir = join(here, "baseline");
  // npx runs in the nearest folder with a package.json (hence baseline/package.json; without it
  // npx would run in tools/) and finds bins in node_modules/.bin of that folder or any above it.
  // `npx --no`: never download anything; ts-node-approx.cjs stands in while ts-node is missing.
  const baselineSteps = tsNode
    ? [["npx", ["--no", "cdktf", "synth"]]]
    : [["npx", ["--no", "cdktf", "synth", "--app", "node -r ./ts-node-approx.cjs main.ts"]]];

  const variants = [
    { id: "floor", label: `floor: node -e 'require("cdktf")'`, steps: [[NODE, ["-e", 'require("cdktf")']]] },
    { id: "cold", label: `synth, cold: ${synthScript} --force`, steps: coldSteps },
    {
      id: "warm",
      label: `synth, warm: ${warmSteps.map(([c, a]) => `${c === NODE ? "node" : c} ${a.join(" ")}`).join(" && ")}`,
      steps: warmSteps,
      needsFresh: true,
    },
    {
      id: "coldNoCache",
      label: "synth, cold, no V8 code cache for dist/deps.js (removed before each run)",
      steps: coldSteps,
      before: () => rmSync(join(root, "dist", "deps.js.v8cache"), { force: true }),
      info: true,
    },
    {
      id: "coldNewDeps",
      label: "synth, cold right after a dependency change (dist/deps.js and its code cache rebuilt)",
      steps: coldSteps,
      before: () => ["deps.js.inputs.json", "deps.js.v8cache"].forEach((f) => rmSync(join(root, "dist", f), { force: true })),
      info: true,
    },
    {
      id: "coldNodeModules",
      label: "synth, cold, dependencies from node_modules: SSE_KMS_SYNTH_DEPS=0, --force",
      steps: coldSteps,
      env: { ...QUIET_ENV, SSE_KMS_SYNTH_DEPS: "0" },
      info: true,
    },
    { id: "npm", label: "npm run synth (the same, plus npm's own start-up)", steps: [["npm", ["run", "--silent", "synth"]]], info: true },
    { id: "cli", label: "npx cdktf synth at the root (cdktf.json runs the same bundle)", steps: [["npx", ["--no", "cdktf", "synth"]]], env: CLI_ENV, info: true },
    { id: "nx", label: "Nx start-up alone: npx nx show projects (least an Nx-cached synth costs)", steps: [["npx", ["nx", "show", "projects"]]], info: true },
  ];
  if (BASELINE_RUNS > 0) {
    variants.push({
      id: "baseline",
      label: tsNode
        ? "baseline: npx cdktf synth, app `npx ts-node main.ts` + provider barrel (tools/bench/baseline)"
        : "baseline*: npx cdktf synth, app ts-node-approx (ts-node NOT installed) + provider barrel (tools/bench/baseline)",
      steps: baselineSteps,
      cwd: baselineDir,
      env: CLI_ENV,
      rounds: BASELINE_RUNS,
    });
  }
  results.synth = { tsNodeInstalled: tsNode, synthScript, variants: {} };
  for (const v of variants) results.synth.variants[v.id] = { label: v.label, runs: [], failures: [], rebuiltBeforeRun: 0 };

  const run = (v, measured) => {
    if (v.needsFresh && !isFresh()) {
      // Sources changed since the last build (someone is editing): rebuild unmeasured, so that
      // the warm figure stays "nothing changed".
      runSteps(coldSteps, { cwd: root, env: QUIET_ENV });
      if (measured) results.synth.variants[v.id].rebuiltBeforeRun++;
    }
    v.before?.(); // unmeasured set-up of the variant
    const r = runSteps(v.steps, { cwd: v.cwd ?? root, env: v.env ?? QUIET_ENV });
    const store = results.synth.variants[v.id];
    if (r.status !== 0) {
      store.failures.push(`${r.failed}: exit ${r.status}\n${tail(r.stderr || r.stdout)}`);
      log(`  ${v.id}: FAILED (exit ${r.status})\n${tail(r.stderr || r.stdout, 8)}`);
      return null;
    }
    if (measured) store.runs.push({ ms: r.ms, maxRssKb: r.maxRssKb, cpuMs: r.cpuMs });
    log(`  ${v.id.padEnd(9)} ${fmtMs(r.ms).padStart(8)}  cpu ${fmtMs(r.cpuMs).padStart(8)}  ${fmtMb(r.maxRssKb).padStart(7)}${measured ? "" : "  (warm-up)"}`);
    return r;
  };

  log(`synth: warm-up, then ${RUNS} alternating rounds${BASELINE_RUNS > 0 ? ` (baseline in ${Math.min(BASELINE_RUNS, RUNS)} of them)` : ""}`);
  // Warm-up: file cache, esbuild binary, npm/npx caches. The baseline's warm-up is skipped with
  // --quick (it takes a minute); its single run is then slightly pessimistic for the baseline.
  for (const v of variants) if (!(v.id === "baseline" && QUICK)) run(v, false);
  const perRound = [];
  const perRoundCpu = [];
  for (let round = 0; round < RUNS; round++) {
    log(`round ${round + 1}/${RUNS}`);
    const times = {};
    const cpu = {};
    for (const v of rotate(variants, round)) {
      if (v.rounds !== undefined && round >= v.rounds) continue;
      const r = run(v, true);
      if (r) {
        times[v.id] = r.ms;
        cpu[v.id] = r.cpuMs;
      }
    }
    perRound.push(times);
    perRoundCpu.push(cpu);
  }

  // Medians and ratios. "paired" = median over rounds of (variant / reference) in the same round,
  // the robust figure on a noisy machine; the budgets use it.
  const med = (id) => median(results.synth.variants[id]?.runs.map((r) => r.ms) ?? []);
  const medRss = (id) => median(results.synth.variants[id]?.runs.map((r) => r.maxRssKb) ?? []);
  const pairedIn = (rounds) => (id, ref) => median(rounds.filter((t) => t[id] && t[ref]).map((t) => t[id] / t[ref]));
  const paired = pairedIn(perRound);
  const pairedCpu = pairedIn(perRoundCpu);
  for (const v of variants) {
    const s = results.synth.variants[v.id];
    s.medianMs = med(v.id);
    s.medianCpuMs = median(s.runs.map((r) => r.cpuMs));
    s.medianMaxRssKb = medRss(v.id);
    s.vsFloor = paired(v.id, "floor");
    s.cpuVsFloor = pairedCpu(v.id, "floor");
  }
  const baselineVsCold = paired("baseline", "cold");
  results.synth.baselineVsCold = baselineVsCold;
  results.synth.baselineVsWarm = paired("baseline", "warm");

  const rows = variants.map((v) => {
    const s = results.synth.variants[v.id];
    const n = s.runs.length;
    return [
      v.label,
      n ? fmtMs(s.medianMs) : "FAILED",
      fmtMs(s.medianCpuMs),
      fmtMb(s.medianMaxRssKb),
      v.id === "floor" ? "1.00x" : fmtRatio(s.vsFloor),
      v.id === "floor" ? "1.00x" : fmtRatio(s.cpuVsFloor),
      v.id === "baseline" ? "1.00x" : fmtRatio(paired("baseline", v.id)),
      `${n}${s.failures.length ? ` (+${s.failures.length} failed)` : ""}${s.rebuiltBeforeRun ? ` (${s.rebuiltBeforeRun} needed an unmeasured rebuild first)` : ""}`,
    ];
  });
  let text = table(["command", "wall", "CPU", "max RSS", "wall vs floor", "CPU vs floor", "baseline is", "runs"], rows);
  text += "\n\nwall, CPU (user+sys of the process tree), max RSS: medians. Ratios: median over rounds of the" +
    "\nratio within the round (paired). Budgets use the wall ratios.";
  if (!tsNode && BASELINE_RUNS > 0) {
    text +=
      "\n\n* ts-node is not installed (node_modules/.bin/ts-node missing): the baseline runs ts-node-approx.cjs," +
      "\n  a stand-in that does what ts-node does (LanguageService type check per required file). Add" +
      "\n  ts-node to devDependencies to measure the real one; `npx --no ts-node` never downloads it.";
  }
  for (const v of variants) {
    const f = results.synth.variants[v.id].failures;
    if (f.length) text += `\n\n${v.id} failed ${f.length}x; last error:\n${f[f.length - 1]}`;
  }
  section("Synth: cold, warm, baseline and floor", text);

  // A synth that does not run at all fails its budget; a baseline that does not run leaves its
  // budget unmeasured (reported, not failed).
  const broken = (id) => results.synth.variants[id].runs.length === 0;
  const failed = (name, limit) => ({ name, measured: "synth FAILED", limit, status: "FAIL" });
  budgetRows.push(
    broken("cold") || broken("floor")
      ? failed("full cold synth vs floor", `<= ${BUDGETS.coldVsFloor}x`)
      : budget("full cold synth vs floor", results.synth.variants.cold.vsFloor, `<= ${BUDGETS.coldVsFloor}x`, (x) => x <= BUDGETS.coldVsFloor, fmtRatio),
    broken("warm") || broken("floor")
      ? failed("warm synth (bundle reused) vs floor", `<= ${BUDGETS.warmVsFloor}x`)
      : budget("warm synth (bundle reused) vs floor", results.synth.variants.warm.vsFloor, `<= ${BUDGETS.warmVsFloor}x`, (x) => x <= BUDGETS.warmVsFloor, fmtRatio),
    budget(
      `cold synth vs baseline${tsNode ? "" : "*"}`,
      BASELINE_RUNS > 0 ? baselineVsCold : undefined,
      `>= ${BUDGETS.baselineVsCold}x faster`,
      (x) => x >= BUDGETS.baselineVsCold,
      (x) => `${fmtRatio(x)} faster`,
    ),
  );
}

function budget(name, measured, limit, ok, fmt) {
  if (measured === undefined || measured === null || !Number.isFinite(measured)) return { name, measured: "not measured", limit, status: "skipped" };
  return { name, measured: fmt(measured), limit, status: ok(measured) ? "ok" : "FAIL" };
}

// ---------------------------------------------------------------------------------------------
// esbuild bundle of the bench entries (scale points, key-policy limit), like tools/build.mjs

let bundled = null;
async function bundleBenchEntries() {
  if (bundled) return bundled;
  const { build } = await import("esbuild");
  const outdir = join(here, "dist");
  mkdirSync(outdir, { recursive: true });
  const externalThirdParty = {
    name: "external-third-party",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@sse-kms/") ? undefined : { path: args.path, external: true }));
    },
  };
  await build({
    entryPoints: { scale: join(here, "scale", "entry.ts"), "policy-limit": join(here, "scale", "policy-limit.ts") },
    outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "warning",
    plugins: [externalThirdParty],
  });
  bundled = { scale: join(outdir, "scale.js"), policyLimit: join(outdir, "policy-limit.js") };
  return bundled;
}

// ---------------------------------------------------------------------------------------------
// 2. scale: generated configurations, one child process per point

/**
 * One valid environment (checked by parseEnvironment in the child) with `buckets` buckets.
 * Up to PER_KEY buckets sit under the customer-managed key; beyond that the rest go under the
 * imported-material blueprint's key, because one key policy scoped to more buckets would pass
 * KMS's 32 KB limit, which EncryptionKey now refuses at synth (see the key-policy limit section).
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
  const { scale } = await bundleBenchEntries();
  const work = mkdtempSync(join(tmpdir(), "sse-kms-bench-scale-"));
  try {
    const points = [];
    for (const b of SCALE_BUCKETS) {
      for (const e of SCALE_ENVS) {
        const dir = join(work, `b${b}-e${e}`);
        mkdirSync(join(dir, "config"), { recursive: true });
        for (let i = 0; i < e; i++) writeFileSync(join(dir, "config", `e${String(i).padStart(2, "0")}.json`), JSON.stringify(environmentConfig(i, b), null, 2));
        points.push({ buckets: b, envs: e, total: b * e, dir, runs: [] });
      }
    }
    const runPoint = (p) => {
      const out = join(p.dir, "out");
      rmSync(out, { recursive: true, force: true });
      const resultFile = join(p.dir, "result.json");
      rmSync(resultFile, { force: true });
      const r = runProcess(NODE, [scale, join(p.dir, "config"), out, resultFile], { cwd: root, env: QUIET_ENV });
      if (r.status !== 0) throw new Error(`scale point ${p.buckets}x${p.envs} failed (exit ${r.status}):\n${tail(r.stderr || r.stdout)}`);
      const inner = JSON.parse(readFileSync(resultFile, "utf8"));
      rmSync(out, { recursive: true, force: true });
      return { ...inner, ms: r.ms, cpuMs: r.cpuMs, maxRssKb: r.maxRssKb ?? inner.maxRssKb };
    };
    log(`scale: ${points.length} points (buckets per environment ${SCALE_BUCKETS.join(", ")} x environments ${SCALE_ENVS.join(", ")}), ${SCALE_RUNS} alternating rounds`);
    runPoint(points[0]); // warm-up
    for (let round = 0; round < SCALE_RUNS; round++) {
      for (const p of rotate(points, round * 5)) {
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
      ms: m(p, "ms"),
      cpuMs: m(p, "cpuMs"),
      maxRssKb: m(p, "maxRssKb"),
      loadMs: m(p, "loadMs"),
      parseMs: m(p, "parseMs"),
      constructMs: m(p, "constructMs"),
      synthMs: m(p, "synthMs"),
      resources: p.runs[0].resources,
      stacks: p.runs[0].stacks,
      keyPolicyBytes: p.runs[0].keyPolicyBytes,
    }));
    const fit = (key) => leastSquares(summary.map((s) => [s.total]), summary.map((s) => s[key]));
    const fit2 = (key) => leastSquares(summary.map((s) => [s.total, s.envs]), summary.map((s) => s[key]));
    const fits = {
      wall: fit("ms"),
      wall2: fit2("ms"),
      cpu: fit("cpuMs"),
      rss: fit("maxRssKb"),
      parse: fit("parseMs"),
      construct: fit("constructMs"),
      synth: fit("synthMs"),
      policy: leastSquares(summary.map((s) => [s.buckets]), summary.map((s) => s.keyPolicyBytes)),
    };
    // Marginal cost per added bucket between consecutive sizes, per environment count: flat if
    // linear, rising if something grows faster.
    const marginal = [];
    for (const e of SCALE_ENVS) {
      const row = summary.filter((s) => s.envs === e).sort((a, b) => a.buckets - b.buckets);
      for (let i = 1; i < row.length; i++) {
        const dT = row[i].total - row[i - 1].total;
        marginal.push({
          envs: e,
          from: row[i - 1].buckets,
          to: row[i].buckets,
          wallMsPerBucket: (row[i].ms - row[i - 1].ms) / dT,
          constructMsPerBucket: (row[i].constructMs - row[i - 1].constructMs) / dT,
          synthMsPerBucket: (row[i].synthMs - row[i - 1].synthMs) / dT,
          parseMsPerBucket: (row[i].parseMs - row[i - 1].parseMs) / dT,
          kbPerBucket: (row[i].maxRssKb - row[i - 1].maxRssKb) / dT,
        });
      }
    }
    results.scale = { points: summary, fits, marginal, runs: SCALE_RUNS };

    const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
    let text = table(
      ["buckets/env", "envs", "total", "resources", "wall", "CPU", "max RSS", "load", "parse", "construct", "synth", "key policy"],
      summary.map((s) => [s.buckets, s.envs, s.total, s.resources, fmtMs(s.ms), fmtMs(s.cpuMs), fmtMb(s.maxRssKb), fmtMs(s.loadMs), fmtMs(s.parseMs), fmtMs(s.constructMs), fmtMs(s.synthMs), `${s.keyPolicyBytes} B${s.keyPolicyBytes > 32_768 ? " > 32 KB!" : ""}`]),
    );
    text += `\n\nleast squares on total buckets T (medians of ${SCALE_RUNS} runs per point):`;
    text += `\n  wall      = ${f(fits.wall.coef[0], 0)} ms + ${f(fits.wall.coef[1], 3)} ms x T   (R^2 ${f(fits.wall.r2, 4)})`;
    text += `\n  wall      = ${f(fits.wall2.coef[0], 0)} ms + ${f(fits.wall2.coef[1], 3)} ms x T + ${f(fits.wall2.coef[2], 1)} ms x environments   (R^2 ${f(fits.wall2.r2, 4)})`;
    text += `\n  CPU       = ${f(fits.cpu.coef[0], 0)} ms + ${f(fits.cpu.coef[1], 3)} ms x T   (R^2 ${f(fits.cpu.r2, 4)})`;
    text += `\n  parse     = ${f(fits.parse.coef[1], 3)} ms x T, construct = ${f(fits.construct.coef[1], 3)} ms x T, synth = ${f(fits.synth.coef[1], 3)} ms x T`;
    text += `\n  max RSS   = ${f(fits.rss.coef[0] / 1024, 0)} MB + ${f(fits.rss.coef[1], 1)} KB x T   (R^2 ${f(fits.rss.r2, 4)})`;
    const names = summary.length ? [environmentConfig(0, 1), environmentConfig(SCALE_ENVS.at(-1) - 1, SCALE_BUCKETS.at(-1))].flatMap((c) => c.blueprints["customer-managed"].buckets.map((b) => b.name.length)) : [0];
    text += `\n  key policy = ${f(fits.policy.coef[0], 0)} B + ${f(fits.policy.coef[1], 1)} B x buckets per key (bucket names of ${Math.min(...names)}-${Math.max(...names)} chars)`;
    text += "\n\nmarginal cost per added bucket (flat = linear):\n";
    text += table(
      ["envs", "buckets/env", "wall ms/bucket", "parse", "construct", "synth", "KB/bucket"],
      marginal.map((x) => [x.envs, `${x.from} -> ${x.to}`, f(x.wallMsPerBucket), f(x.parseMsPerBucket, 3), f(x.constructMsPerBucket, 3), f(x.synthMsPerBucket, 3), f(x.kbPerBucket, 1)]),
    );
    section("Scale: buckets x environments", text);
    const p100 = summary.find((s) => s.buckets === 100 && s.envs === 10);
    budgetRows.push(
      budget("synth of 100 buckets x 10 environments", p100?.ms, `< ${BUDGETS.scale100x10Ms / 1000} s`, (x) => x < BUDGETS.scale100x10Ms, (x) => `${fmtMs(x)} (CPU ${fmtMs(p100.cpuMs)})`),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 3. the key-policy size limit

async function policySection() {
  const { policyLimit } = await bundleBenchEntries();
  const out = join(mkdtempSync(join(tmpdir(), "sse-kms-bench-policy-")), "limit.json");
  const r = runProcess(NODE, [policyLimit, out], { cwd: root, env: QUIET_ENV });
  if (r.status !== 0) throw new Error(`policy-limit failed (exit ${r.status}):\n${tail(r.stderr || r.stdout)}`);
  const data = JSON.parse(readFileSync(out, "utf8"));
  rmSync(dirname(out), { recursive: true, force: true });
  results.policyLimit = data;
  const text =
    table(
      ["partition", "bucket name length", "policy with 1 bucket", "bytes per bucket", "max buckets per key", "policy at max"],
      data.results.map((x) => [x.partition, x.nameLength, `${x.bytesWithOneBucket} B`, x.bytesPerBucket, x.maxBuckets, `${x.bytesAtMax} B`]),
    ) +
    `\n\nKMS rejects a key policy over ${data.limitBytes} bytes (PutKeyPolicy/CreateKey: 32 KB). One admin, one user, root` +
    "\nmanagement on (the shipped shape); each extra principal ARN adds its length + 3 bytes.";
  section("Key policy size vs buckets per key (KMS limit 32 KB)", text);
}

// ---------------------------------------------------------------------------------------------
// 4. npm test and type-check wall time (once each: they take minutes on 2 cores)

function nxSummary(r) {
  const text = `${r.stdout}\n${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
  const slowestFiles = [...text.matchAll(/(?:PASS|FAIL)\s+(\S+)\s+(\S+\.test\.ts) \(([\d.]+) s\)/g)]
    .map((m) => ({ project: m[1], file: m[2], s: Number(m[3]) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, 3);
  const criticalPath = /Critical path:\s+(.+)/.exec(text)?.[1]?.trim() ?? null;
  // Nx marks restored tasks on their header line: "> nx run p:t  [local cache]".
  const notFromCache = [...text.matchAll(/^> nx run (\S+)(.*)$/gm)].filter((m) => !/cache/i.test(m[2])).map((m) => m[1]);
  const failed = /Failed tasks:\s*\n((?:\s*- .+\n?)+)/.exec(text);
  const ran = /Successfully ran targets? .+? for (\d+) projects?/.exec(text) ?? /Ran targets? .+? for (\d+) projects?/.exec(text);
  const tasks = /for \d+ projects? and (\d+) tasks?/.exec(text);
  const cached = /Nx read the output from the cache instead of running the command for (\d+) out of (\d+) tasks/.exec(text);
  const failedList = failed ? failed[1].trim().split("\n").map((l) => l.replace(/^\s*-\s*/, "").trim()) : [];
  return {
    status: r.status,
    ms: r.ms,
    cpuMs: r.cpuMs,
    maxRssKb: r.maxRssKb,
    projects: ran ? Number(ran[1]) : null,
    tasks: tasks ? Number(tasks[1]) : null,
    cached: cached ? `${cached[1]}/${cached[2]}` : null,
    failedTasks: failedList,
    criticalPath,
    slowestFiles,
    notFromCache,
  };
}

function testsSection() {
  const runs = [
    // --skip-nx-cache neither reads nor writes the cache: fill it first, then warm, then cold.
    ["npm test, populate the Nx cache (not a figure)", ["npm", ["test"]]],
    ["npm test, warm (Nx cache, nothing changed)", ["npm", ["test"]]],
    ["npm test, cold (--skip-nx-cache)", ["npm", ["test", "--", "--skip-nx-cache"]]],
    ["typecheck: nx run-many -t typecheck --skip-nx-cache", ["npx", ["nx", "run-many", "-t", "typecheck", "--skip-nx-cache", "--output-style=static"]]],
    ["lint: nx run-many -t lint --skip-nx-cache", ["npx", ["nx", "run-many", "-t", "lint", "--skip-nx-cache", "--output-style=static"]]],
    ["test: nx run-many -t test --skip-nx-cache", ["npx", ["nx", "run-many", "-t", "test", "--skip-nx-cache", "--output-style=static"]]],
  ];
  results.tests = {};
  const rows = [];
  for (const [label, [cmd, args]] of runs) {
    log(`tests: ${label} ...`);
    const s = nxSummary(runProcess(cmd, args, { cwd: root, env: QUIET_ENV }));
    results.tests[label] = s;
    log(`  ${fmtMs(s.ms)} exit ${s.status}${s.failedTasks.length ? `, failed: ${s.failedTasks.join(", ")}` : ""}`);
    if (label.includes("not a figure")) continue;
    rows.push([label, fmtMs(s.ms), fmtMs(s.cpuMs), fmtMb(s.maxRssKb), s.status === 0 ? "pass" : `exit ${s.status}`, s.cached ?? "-", s.failedTasks.join(", ") || "-"]);
  }
  let text = table(["command", "wall", "CPU", "max RSS", "result", "from cache", "failed tasks"], rows);
  const cold0 = results.tests["npm test, cold (--skip-nx-cache)"];
  if (cold0?.criticalPath) text += `\n\nnpm test, cold: Nx critical path ${cold0.criticalPath}`;
  const warm0 = results.tests["npm test, warm (Nx cache, nothing changed)"];
  if (warm0?.notFromCache.length) text += `\nnpm test, warm: not restored from the cache: ${warm0.notFromCache.join(", ")}`;
  if (cold0?.slowestFiles.length) {
    text += `\nslowest test files: ${cold0.slowestFiles.map((f) => `${f.project} ${f.file} ${f.s.toFixed(1)} s`).join("; ")}`;
  }
  section("npm test and type-check wall time (1 run each)", text);
  const cold = results.tests["npm test, cold (--skip-nx-cache)"];
  const b = budget("npm test, cold (no Nx cache)", cold?.ms, `< ${BUDGETS.npmTestColdMs / 1000} s`, (x) => x < BUDGETS.npmTestColdMs, (x) => `${fmtMs(x)} (CPU ${fmtMs(cold.cpuMs)})`);
  if (cold && cold.status !== 0) b.measured += " (tests failing)";
  budgetRows.push(b);
}

// ---------------------------------------------------------------------------------------------
// 5. alternatives to `npm test` (~40 processes through Nx): one eslint, one tsc, one jest

function alternativesSection() {
  const alt = join(here, "alternatives");
  const cacheDir = join(here, "dist", "cache");
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  const eslint = [BIN("eslint"), [".", "--cache", "--cache-location", join(cacheDir, "eslintcache")]];
  const tsc = [BIN("tsc"), ["-p", join(alt, "tsconfig.all.json"), "--incremental", "--tsBuildInfoFile", join(cacheDir, "all.tsbuildinfo")]];
  const jest = [BIN("jest"), ["-c", join(alt, "jest.all.config.js"), "--silent", "--maxWorkers=2"]];
  // jest runs once (its suites dominate and it keeps no result cache); the rest twice, cold then warm.
  const runs = [
    ["eslint . once (cold, --cache)", "eslint", () => runSteps([eslint], { cwd: root, env: QUIET_ENV })],
    ["eslint . once (warm: --cache, nothing changed)", "eslintWarm", () => runSteps([eslint], { cwd: root, env: QUIET_ENV })],
    ["tsc once over every project (cold, --incremental)", "tsc", () => runSteps([tsc], { cwd: root, env: QUIET_ENV })],
    ["tsc once (warm: tsbuildinfo, nothing changed)", "tscWarm", () => runSteps([tsc], { cwd: root, env: QUIET_ENV })],
    [
      "eslint || tsc side by side (cold caches)",
      "lintTscParallel",
      () => {
        rmSync(cacheDir, { recursive: true, force: true });
        mkdirSync(cacheDir, { recursive: true });
        return runProcess(NODE, [join(alt, "run-all.mjs"), "--parallel", "--no-jest", "--cache-dir", cacheDir], { cwd: root, env: QUIET_ENV });
      },
    ],
    ["jest once with projects, --maxWorkers=2", "jest", () => runSteps([jest], { cwd: root, env: QUIET_ENV })],
  ];
  results.alternatives = {};
  const rows = [];
  for (const [label, id, fn] of runs) {
    log(`alternatives: ${label} ...`);
    const r = fn();
    const summary = nxSummary(r);
    results.alternatives[id] = { label, ms: r.ms, cpuMs: r.cpuMs, maxRssKb: r.maxRssKb, status: r.status, slowestFiles: summary.slowestFiles };
    log(`  ${fmtMs(r.ms)} exit ${r.status}`);
    rows.push([label, fmtMs(r.ms), fmtMs(r.cpuMs), fmtMb(r.maxRssKb), r.status === 0 ? "pass" : `exit ${r.status}`]);
  }
  const a = results.alternatives;
  const sum = (...ids) => ids.reduce((t, id) => t + (a[id]?.ms ?? NaN), 0);
  rows.push(["= one eslint + one tsc + one jest, in a row (cold)", fmtMs(sum("eslint", "tsc", "jest")), "", "", "sum"]);
  rows.push(["= eslint || tsc, then one jest (cold)", fmtMs(sum("lintTscParallel", "jest")), "", "", "sum"]);
  rows.push(["= warm eslint + warm tsc + jest (jest has no result cache)", fmtMs(sum("eslintWarm", "tscWarm", "jest")), "", "", "sum"]);
  let text = table(["command", "wall", "CPU", "max RSS", "result"], rows);
  if (a.jest?.slowestFiles?.length) text += `\n\nslowest test files in the one jest: ${a.jest.slowestFiles.map((f) => `${f.project} ${f.file} ${f.s.toFixed(1)} s`).join("; ")}`;
  section("Alternatives to npm test (1 run each)", text);
}

// ---------------------------------------------------------------------------------------------
// --proposals: the app (bundle reused) against variants that must write the same bytes

async function proposalsSection() {
  const outdir = join(here, "dist");
  mkdirSync(outdir, { recursive: true });
  // Build-time form of no-stack-traces.cjs, for a bundle that carries its own copy of cdktf.
  const stubStackTrace = {
    name: "stub-cdktf-stack-trace",
    setup(b) {
      b.onLoad({ filter: /cdktf[\\/]lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/ }, () => ({
        contents: "exports.captureStackTrace = () => [];",
        loader: "js",
      }));
    },
  };
  const ensureFresh = () => {
    if (!isFresh() || !depsFresh(externalsOf("app"))) runSteps([[NODE, ["tools/build.mjs", "--quiet", "app", "deps"]]], { cwd: root, env: QUIET_ENV });
  };
  ensureFresh();
  const depsNoStack = join(outdir, "deps-nostack.js");
  await buildDeps(externalsOf("app"), { out: depsNoStack, plugins: [stubStackTrace] });
  const noStack = join(here, "proposals", "no-stack-traces.cjs");
  const withDeps = join(here, "proposals", "with-deps.mjs");
  const work = mkdtempSync(join(tmpdir(), "sse-kms-bench-proposals-"));
  const variants = [
    { id: "floor", label: `floor: node -e 'require("cdktf")'`, args: ["-e", 'require("cdktf")'] },
    { id: "deps", label: "app as synth runs it: dependencies from dist/deps.js + code cache (proposals/with-deps.mjs)", args: [withDeps] },
    { id: "app", label: "app, dependencies from node_modules: node dist/app.js", args: [join(root, "dist", "app.js")] },
    { id: "nostack", label: "app from node_modules + cdktf stack capture off (-r proposals/no-stack-traces.cjs)", args: ["-r", noStack, join(root, "dist", "app.js")] },
    { id: "depsnostack", label: "deps bundle with cdktf stack capture stubbed at build (+ its code cache)", args: [withDeps, "--deps", depsNoStack] },
  ];
  results.proposals = { app: {}, scale: {} };
  const runs = Object.fromEntries(variants.map((v) => [v.id, []]));
  const perRound = [];
  const runVariant = (v, measured) => {
    const out = join(work, v.id);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const env = { ...QUIET_ENV, CDKTF_OUTDIR: out };
    const r = v.steps ? runSteps(v.steps, { cwd: root, env }) : runProcess(NODE, v.args, { cwd: root, env });
    if (r.status !== 0) throw new Error(`proposal ${v.id} failed (exit ${r.status}):\n${tail(r.stderr || r.stdout)}`);
    if (measured) runs[v.id].push(r);
    return r;
  };
  log(`proposals: warm-up, then ${RUNS} alternating rounds`);
  for (const v of variants) runVariant(v, false);
  // Same bytes: every variant's synthesized tree must equal the app's.
  const tree = (dir, base = dir, acc = new Map()) => {
    if (!existsSync(dir)) return acc;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) tree(full, base, acc);
      else acc.set(relative(base, full), readFileSync(full, "utf8"));
    }
    return acc;
  };
  const reference = tree(join(work, "app"));
  const identical = {};
  for (const v of variants.filter((x) => x.id !== "floor")) {
    const t = tree(join(work, v.id));
    identical[v.id] = t.size === reference.size && [...reference].every(([f, text]) => t.get(f) === text);
  }
  for (let round = 0; round < RUNS; round++) {
    ensureFresh();
    const t = {};
    for (const v of rotate(variants, round)) t[v.id] = runVariant(v, true).ms;
    perRound.push(t);
    log(`  round ${round + 1}: ${variants.map((v) => `${v.id} ${fmtMs(t[v.id])}`).join(", ")}`);
  }
  const paired = (id, ref) => median(perRound.map((t) => t[id] / t[ref]));
  const rows = variants.map((v) => {
    const m = median(runs[v.id].map((r) => r.ms));
    const c = median(runs[v.id].map((r) => r.cpuMs));
    const rss = median(runs[v.id].map((r) => r.maxRssKb));
    results.proposals.app[v.id] = { label: v.label, medianMs: m, medianCpuMs: c, medianMaxRssKb: rss, vsFloor: paired(v.id, "floor"), vsDeps: paired(v.id, "deps"), sameOutput: identical[v.id] ?? null };
    return [v.label, fmtMs(m), fmtMs(c), fmtMb(rss), fmtRatio(paired(v.id, "floor")), fmtRatio(paired(v.id, "deps")), v.id === "floor" ? "-" : identical[v.id] ? "yes" : "NO"];
  });
  let text = table(["app variant (bundle already built)", "wall", "CPU", "max RSS", "vs floor", "vs synth's", "same bytes"], rows);
  text += "\n\nNo esbuild step here: these time the app alone. \"same bytes\": the variant's synthesized tree is" +
    "\nbyte-identical to the one the app writes from node_modules.";

  // At scale: the stack capture is paid per token, so per bucket.
  const { scale } = await bundleBenchEntries();
  const dir = join(work, "scale");
  mkdirSync(join(dir, "config"), { recursive: true });
  for (let i = 0; i < 10; i++) writeFileSync(join(dir, "config", `e${i}.json`), JSON.stringify(environmentConfig(i, 100)));
  const scaleVariants = [
    { id: "asis", label: "100 buckets x 10 environments, as is", args: [scale] },
    { id: "nostack", label: "100 buckets x 10 environments, stack capture off", args: ["-r", noStack, scale] },
  ];
  const scaleRuns = { asis: [], nostack: [] };
  const scaleRounds = [];
  for (let round = 0; round < Math.max(2, SCALE_RUNS); round++) {
    const t = {};
    for (const v of rotate(scaleVariants, round)) {
      rmSync(join(dir, "out"), { recursive: true, force: true });
      const r = runProcess(NODE, [...v.args, join(dir, "config"), join(dir, "out"), join(dir, "r.json")], { cwd: root, env: QUIET_ENV });
      if (r.status !== 0) throw new Error(`scale proposal ${v.id} failed:\n${tail(r.stderr)}`);
      scaleRuns[v.id].push(r);
      t[v.id] = r.ms;
    }
    scaleRounds.push(t);
    log(`  scale round ${round + 1}: as is ${fmtMs(t.asis)}, stack capture off ${fmtMs(t.nostack)}`);
  }
  const sRows = scaleVariants.map((v) => {
    const m = median(scaleRuns[v.id].map((r) => r.ms));
    const c = median(scaleRuns[v.id].map((r) => r.cpuMs));
    results.proposals.scale[v.id] = { medianMs: m, medianCpuMs: c, vsAsIs: median(scaleRounds.map((t) => t[v.id] / t.asis)) };
    return [v.label, fmtMs(m), fmtMs(c), fmtRatio(results.proposals.scale[v.id].vsAsIs)];
  });
  text += `\n\n${table(["scale point", "wall", "CPU", "vs as is"], sRows)}`;
  rmSync(work, { recursive: true, force: true });
  section("Proposals: a faster app (same synthesized bytes)", text);
}

// ---------------------------------------------------------------------------------------------
// --profile-scale: which functions grow faster than the bucket count?

async function profileScale() {
  const { scale } = await bundleBenchEntries();
  const work = mkdtempSync(join(tmpdir(), "sse-kms-bench-prof-"));
  try {
    const sizes = [100, 500];
    const profiles = {};
    for (const b of sizes) {
      const dir = join(work, `b${b}`);
      mkdirSync(join(dir, "config"), { recursive: true });
      writeFileSync(join(dir, "config", "e00.json"), JSON.stringify(environmentConfig(0, b)));
      const r = runProcess(NODE, ["--cpu-prof", "--cpu-prof-dir", join(dir, "prof"), scale, join(dir, "config"), join(dir, "out"), join(dir, "r.json")], { cwd: root, env: QUIET_ENV });
      if (r.status !== 0) throw new Error(`profiling ${b} buckets failed:\n${tail(r.stderr)}`);
      const file = readdirSync(join(dir, "prof")).find((f) => f.endsWith(".cpuprofile"));
      profiles[b] = selfTimes(JSON.parse(readFileSync(join(dir, "prof", file), "utf8")));
    }
    const [small, big] = sizes;
    const scaleUp = big / small;
    const totalBig = [...profiles[big].values()].reduce((s, v) => s + v, 0);
    const rows = [...profiles[big].entries()]
      .filter(([, t]) => t > totalBig * 0.01)
      .map(([fn, t]) => [fn, t, profiles[small].get(fn) ?? 0])
      .map(([fn, t, t0]) => [fn, t, t0, t0 > 0 ? t / t0 / scaleUp : Infinity])
      .sort((a, b) => b[3] - a[3])
      .slice(0, 25);
    results.profile = rows.map(([fn, t, t0, g]) => ({ fn, msAt500: t, msAt100: t0, growthVsLinear: g }));
    section(
      `Profile: self time per function, ${small} vs ${big} buckets (1 environment)`,
      table(
        ["function (file:line)", `${big} buckets`, `${small} buckets`, "growth / linear"],
        rows.map(([fn, t, t0, g]) => [fn, fmtMs(t), fmtMs(t0), Number.isFinite(g) ? `${g.toFixed(2)}` : "new"]),
      ) + `\n\n"growth / linear" = (time at ${big} / time at ${small}) / ${scaleUp}: ~1 grows linearly, >1.5 faster than linearly.` + "\nOne profile per size: indicative, not a benchmark.",
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * For a line of an esbuild bundle, the workspace source it came from: esbuild starts every
 * module with a `// path/to/file.ts` comment.
 */
const bundleSources = new Map();
function sourceOfBundleLine(bundleFile, line) {
  if (!bundleSources.has(bundleFile)) {
    const starts = [];
    readFileSync(bundleFile, "utf8")
      .split("\n")
      .forEach((text, i) => {
        const m = /^\/\/ ((?:apps|blueprints|packages|tools)\/\S+\.ts)$/.exec(text);
        if (m) starts.push([i + 1, m[1]]);
      });
    bundleSources.set(bundleFile, starts);
  }
  let found = null;
  for (const [start, file] of bundleSources.get(bundleFile)) {
    if (start > line) break;
    found = file;
  }
  return found;
}

/** Self time (ms) per "function file:line" of a .cpuprofile (bundle lines mapped to their source file). */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map();
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const cf = n.callFrame;
    const path = cf.url ? cf.url.replace(/^file:\/\//, "") : "";
    let file = path ? relative(root, path) : "";
    if (path.endsWith(".js") && path.includes(`${join("tools", "bench", "dist")}`)) {
      const source = sourceOfBundleLine(path, cf.lineNumber + 1);
      if (source) file = `${source} (bundle line ${cf.lineNumber + 1})`;
    }
    const key = `${cf.functionName || "(anonymous)"} ${file}${file.includes("bundle line") ? "" : `:${cf.lineNumber + 1}`}`;
    out.set(key, (out.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------

function machineText() {
  const m = results.machine;
  const end = results.machine.loadAverageAtEnd ? `, at the end ${results.machine.loadAverageAtEnd}` : "";
  return `${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, ${m.platform}, node ${m.node}, ${m.date}; max RSS: ${m.maxRss}; load average (1/5/15 min) at the start ${m.loadAverageAtStart}${end}`;
}

/**
 * Rewrites the generated block of docs/performance.md. Sections merge by title with earlier runs
 * (kept in tools/bench/dist/doc-state.json, git-ignored), so `--only tests --update-doc` refreshes
 * the test figures and keeps the rest; every section names the run it comes from.
 */
function updateDoc() {
  const file = join(root, "docs", "performance.md");
  const stateFile = join(here, "dist", "doc-state.json");
  const start = "<!-- bench:results:start -->";
  const end = "<!-- bench:results:end -->";
  const flags = argv.filter((a, i) => a !== "--update-doc" && a !== "--json" && argv[i - 1] !== "--json");
  const provenance = `\`npm run bench${flags.length ? ` -- ${flags.join(" ")}` : ""}\` on ${machineText()}`;
  let state = { sections: {}, order: [], budgets: {} };
  if (existsSync(stateFile)) {
    try {
      state = JSON.parse(readFileSync(stateFile, "utf8"));
    } catch {
      // start over
    }
  }
  for (const [title, text] of report) {
    if (title === "Budgets") continue;
    if (!state.order.includes(title)) state.order.push(title);
    state.sections[title] = { text, provenance };
  }
  // One row per budget: "cold synth vs baseline*" (approximated baseline) and "cold synth vs
  // baseline" are the same budget, the newer measurement wins.
  const budgetKey = (name) => name.replace(/\*$/, "");
  state.budgets = Object.fromEntries(Object.values(state.budgets).map((b) => [budgetKey(b.name), b]));
  for (const b of budgetRows) if (b.status !== "skipped" || !state.budgets[budgetKey(b.name)]) state.budgets[budgetKey(b.name)] = { ...b, provenance };
  mkdirSync(dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, JSON.stringify(state, null, 2));

  const budgets = Object.values(state.budgets);
  const blocks = state.order.map((title) => [title, state.sections[title]]);
  if (budgets.length) {
    blocks.push([
      "Budgets",
      { text: table(["budget", "measured", "limit", "status"], budgets.map((b) => [b.name, b.measured, b.limit, b.status])), provenance: [...new Set(budgets.map((b) => b.provenance))].join("; ") },
    ]);
  }
  const body = [
    start,
    "Generated by `npm run bench -- --update-doc`; do not edit by hand. Each section names the run it comes from.",
    "",
    ...blocks.flatMap(([title, { text, provenance: from }]) => [`#### ${title}`, "", `From ${from}.`, "", "```text", text, "```", ""]),
    end,
  ].join("\n");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "# Performance\n\n";
  const next = current.includes(start) && current.includes(end) ? current.slice(0, current.indexOf(start)) + body + current.slice(current.indexOf(end) + end.length) : `${current.trimEnd()}\n\n${body}\n`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, next);
  log(`updated ${relative(root, file)}`);
}

async function main() {
  console.log(`# npm run bench${QUICK ? " --quick" : ""}\n\n${machineText()}`);
  const started = Date.now();
  // A section that breaks (the repository changes under the bench) is reported and fails the
  // run; the other sections still run.
  const steps = [
    ["synth", synthSection],
    ["scale", scaleSection],
    ["policy", policySection],
    ["profile", profileScale],
    ["tests", testsSection],
    ["alternatives", alternativesSection],
    ["proposals", proposalsSection],
  ];
  for (const [name, fn] of steps) {
    if (name === "profile" ? !has("--profile-scale") : !SECTIONS.has(name)) continue;
    try {
      await fn();
    } catch (e) {
      log(`\nsection ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
      section(`${name}: FAILED`, String(e instanceof Error ? e.message : e));
      budgetRows.push({ name: `section ${name} ran`, measured: "error", limit: "runs", status: "FAIL" });
    }
  }

  results.machine.loadAverageAtEnd = loadavg().map((x) => x.toFixed(1)).join(" ");
  if (budgetRows.length) {
    section("Budgets", table(["budget", "measured", "limit", "status"], budgetRows.map((b) => [b.name, b.measured, b.limit, b.status])));
  }
  results.budgets = budgetRows;
  log(`\nbench finished in ${fmtMs(Date.now() - started)}`);
  const jsonFile = value("--json", null);
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(results, null, 2));
  if (has("--update-doc")) updateDoc();
  const failed = budgetRows.filter((b) => b.status === "FAIL");
  if (failed.length) {
    console.log(`\n${failed.length} budget(s) exceeded: ${failed.map((b) => b.name).join("; ")}`);
    process.exitCode = 1;
  }
}

await main();
