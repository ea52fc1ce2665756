/**
 * Fuzzes every CLI of the repository as users run it (node on the built bundle, which is what
 * `npm run <x> -- <args>` runs after its build step): seeded random command lines of hostile
 * tokens. The contract: a bad command line is exactly one stderr line, nothing on stdout and
 * exit 2; any other outcome is exit 0 or 1 with one-line errors; never a stack trace, never a hang.
 *
 * Bounded and deterministic: FUZZ_CASES cases per CLI (SSE_KMS_FUZZ_CASES to change), fixed seed.
 * Every case of a CLI that writes into the repository (docs, lock:update, synth:hcl) or could
 * reach the network (the ceremony CLI) carries at least one unknown flag, so none of them can
 * do its work.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";

const root = findRepoRoot(__dirname);
const FUZZ_CASES = Number(process.env.SSE_KMS_FUZZ_CASES ?? 25);
const SEED = 20261129;
const CONCURRENCY = 3;
jest.setTimeout(600_000);

/** mulberry32: a small seeded PRNG, so every run tries the same command lines. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let scratch: string;

/** Values users (and attackers) type: numbers in every notation, paths that are not files, junk. */
function hostileValues(): string[] {
  return [
    "",
    " ",
    "-5",
    "-",
    "--",
    "1e30",
    "0x10",
    "1.5",
    "NaN",
    "Infinity",
    "010",
    "１２",
    "9".repeat(40),
    "0",
    "a".repeat(3000),
    "é",
    "line\nbreak",
    "\u202e",
    "--help=1",
    "dev",
    "prod",
    "../../etc/passwd",
    "/dev/zero",
    "/dev/null",
    join(scratch, "fifo"),
    join(scratch, "empty.json"),
    join(scratch, "bom.json"),
    "apps/dev/environment.json",
    "packages/config/fixtures/hostile/duplicate-account.json",
    "http://169.254.169.254.invalid",
    "$(id)",
    "%s%n",
  ];
}

// Not "--env-file": Node (20, 22, 24) reads it even after the script name (a node bug, see docs/security.md).
const UNKNOWN = ["--chek", "--zz", "-q", "--PUTS", "---", "--no-such-flag=1", "--ENV"];

/** A CLI under fuzz: how to run it and its flags (string flags take a value). */
interface Target {
  readonly name: string;
  readonly argv: readonly string[];
  readonly stringFlags: readonly string[];
  readonly booleanFlags: readonly string[];
  /** Whether a case may lack an unknown flag (the CLI writes nothing and contacts nothing). */
  readonly free: boolean;
}

const TARGETS: readonly Target[] = [
  { name: "validate", argv: ["dist/validate.js"], stringFlags: [], booleanFlags: [], free: true },
  {
    name: "cost",
    argv: ["dist/cost.js"],
    stringFlags: ["env", "puts", "gets", "key-age-months", "prices", "reencrypt-objects", "source-encryption", "batch-jobs"],
    booleanFlags: [],
    free: true,
  },
  { name: "lock:update", argv: ["dist/lock-update.js"], stringFlags: [], booleanFlags: ["check"], free: false },
  { name: "docs", argv: ["dist/docs.js"], stringFlags: [], booleanFlags: ["access"], free: false },
  { name: "plan", argv: ["dist/plan.js"], stringFlags: ["env"], booleanFlags: [], free: false },
  { name: "synth:hcl", argv: ["dist/synth-hcl.js"], stringFlags: [], booleanFlags: [], free: false },
  {
    name: "sse-kms-key-material import",
    argv: ["packages/key-material/dist/cli.js", "import"],
    stringFlags: ["key-id", "region", "material", "material-out", "wrapping-key-spec", "valid-to", "endpoint-url"],
    booleanFlags: ["generate", "no-expiry"],
    free: false,
  },
  {
    name: "sse-kms-key-material rotate",
    argv: ["packages/key-material/dist/cli.js", "rotate"],
    stringFlags: ["key-id", "region", "material", "material-out", "description", "wrapping-key-spec", "valid-to", "endpoint-url"],
    booleanFlags: ["generate", "no-expiry"],
    free: false,
  },
  {
    name: "sse-kms-key-material status",
    argv: ["packages/key-material/dist/cli.js", "status"],
    stringFlags: ["key-id", "region", "warn-days", "endpoint-url"],
    booleanFlags: [],
    free: false,
  },
  {
    name: "sse-kms-key-material reimport",
    argv: ["packages/key-material/dist/cli.js", "reimport"],
    stringFlags: ["key-id", "region", "material", "key-material-id", "description", "wrapping-key-spec", "valid-to", "endpoint-url"],
    booleanFlags: ["no-expiry"],
    free: false,
  },
  {
    name: "sse-kms-key-material wrap",
    argv: ["packages/key-material/dist/cli.js", "wrap"],
    stringFlags: ["wrapping-key", "out", "material", "material-out", "wrapping-algorithm"],
    booleanFlags: ["generate"],
    free: false,
  },
];

interface Case {
  readonly args: string[];
  /** True when the case holds an unknown flag: it must be a usage error. */
  readonly bad: boolean;
}

function casesFor(target: Target, count: number): Case[] {
  const rand = prng(SEED + target.name.length * 7919 + target.name.charCodeAt(0));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const values = hostileValues();
  const out: Case[] = [];
  for (let n = 0; n < count; n++) {
    const args: string[] = [];
    const length = Math.floor(rand() * 6);
    for (let i = 0; i < length; i++) {
      const r = rand();
      if (r < 0.45 && target.stringFlags.length > 0) {
        const flag = pick(target.stringFlags);
        if (rand() < 0.5) args.push(`--${flag}=${pick(values)}`);
        else args.push(`--${flag}`, pick(values));
      } else if (r < 0.6 && target.booleanFlags.length > 0) {
        args.push(rand() < 0.8 ? `--${pick(target.booleanFlags)}` : `--${pick(target.booleanFlags)}=${pick(values)}`);
      } else if (r < 0.75) {
        args.push(pick(values));
      } else {
        args.push(pick(UNKNOWN));
      }
    }
    // A usage error must win wherever it is: an unknown flag first (before any `--` that would
    // turn it into a file name), in every case of a CLI that writes or connects.
    const bad = !target.free || rand() < 0.5;
    if (bad) args.unshift(pick(UNKNOWN));
    // --help anywhere is a request for help, not an error: it has its own test.
    out.push({ args: args.filter((a) => a !== "--help" && a !== "-h"), bad });
  }
  return out;
}

interface Outcome {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(argv: readonly string[], args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...argv, ...args], {
      cwd: root,
      // No credentials, no metadata service, no version check: nothing may leave this machine.
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: "AKIAFUZZFUZZFUZZFUZZ",
        AWS_SECRET_ACCESS_KEY: "fuzz",
        AWS_EC2_METADATA_DISABLED: "true",
        CHECKPOINT_DISABLE: "1",
        PATH: "/nonexistent",
      },
      timeout: 60_000,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

async function runAll(target: Target, cases: readonly Case[]): Promise<Outcome[]> {
  const results: Outcome[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await run(target.argv, cases[i].args);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

const STACK = /^\s+at .+[(:]\d+|\n\s+at /m;

beforeAll(() => {
  const built = spawnSync(process.execPath, ["tools/build.mjs", "--quiet"], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`node tools/build.mjs failed (${built.status}):\n${built.stderr}${built.stdout}`);
  scratch = mkdtempSync(join(tmpdir(), "sse-kms-fuzz-"));
  writeFileSync(join(scratch, "empty.json"), "");
  writeFileSync(join(scratch, "bom.json"), "\uFEFF{}");
  spawnSync("mkfifo", [join(scratch, "fifo")]);
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe.each(TARGETS.map((t) => [t.name, t] as const))("%s", (_name, target) => {
  test(`${FUZZ_CASES} seeded hostile command lines: one line per error, exit 2 for usage errors, never a trace`, async () => {
    const cases = casesFor(target, FUZZ_CASES);
    const outcomes = await runAll(target, cases);
    const failures: string[] = [];
    outcomes.forEach((o, i) => {
      const c = cases[i];
      const where = `${target.name} ${JSON.stringify(c.args).slice(0, 300)}`;
      const lines = o.stderr.split("\n").filter((l) => l !== "");
      if (o.signal !== null) failures.push(`${where}: killed by ${o.signal} (a hang?)`);
      else if (STACK.test(o.stderr) || STACK.test(o.stdout)) failures.push(`${where}: stack trace:\n${o.stderr.slice(0, 500)}`);
      else if (c.bad && (o.status !== 2 || lines.length !== 1 || o.stdout !== "")) {
        failures.push(`${where}: expected exit 2 and one stderr line, got exit ${o.status}: ${o.stderr.slice(0, 300)}`);
      } else if (!c.bad && o.status !== 0 && (lines.length === 0 || o.status === null || o.status > 2)) {
        failures.push(`${where}: exit ${o.status} without a one-line reason: ${o.stderr.slice(0, 300)}`);
      }
    });
    expect(failures).toEqual([]);
    // The seed must reach both kinds of case where both exist.
    if (target.free) expect(new Set(cases.map((c) => c.bad)).size).toBe(2);
  });

  test("--help: usage on stdout, exit 0", async () => {
    const o = await run(target.argv, ["--help"]);
    expect(o.status).toBe(0);
    expect(o.stdout).toMatch(/usage/i);
  });
});
