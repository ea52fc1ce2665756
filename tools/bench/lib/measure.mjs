// Process timing and peak memory for the benchmark. Every figure comes from a child process:
// wall time around spawnSync (process.hrtime); from GNU time, peak memory (%M: max RSS of the
// largest process of the child's tree, in KB) and CPU time (%U + %S of the whole tree, which a
// busy shared machine inflates less than wall time). Without /usr/bin/time both are "n/a".
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** GNU time, if installed (Debian: `apt-get install -y time`). */
export const TIME_BIN = ["/usr/bin/time", "/bin/time"].find((p) => existsSync(p)) ?? null;

const scratch = mkdtempSync(join(tmpdir(), "sse-kms-bench-time-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
let seq = 0;

/**
 * Runs one command to completion. Returns wall milliseconds, max RSS (KB, or null), exit status
 * and output. Output is captured (not shown) so that terminal I/O does not skew the figures.
 */
export function runProcess(cmd, args, { cwd, env, timeoutMs = 30 * 60_000 } = {}) {
  let file = cmd;
  let argv = args;
  let rssFile = null;
  if (TIME_BIN) {
    rssFile = join(scratch, `rss-${seq++}`);
    file = TIME_BIN;
    argv = ["-f", "%M %U %S", "-o", rssFile, cmd, ...args];
  }
  const started = process.hrtime.bigint();
  const r = spawnSync(file, argv, {
    cwd,
    env: env ?? process.env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMs,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  let maxRssKb = null;
  let cpuMs = null;
  if (rssFile && existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status N" before the figures on failure.
    const lines = readFileSync(rssFile, "utf8").trim().split("\n");
    const [rss, user, sys] = (lines[lines.length - 1] ?? "").trim().split(/\s+/).map(Number);
    if (Number.isFinite(rss)) maxRssKb = rss;
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user + sys) * 1000;
    rmSync(rssFile, { force: true });
  }
  return {
    ms,
    maxRssKb,
    cpuMs,
    status: r.error ? -1 : r.status,
    signal: r.signal,
    error: r.error ? String(r.error.message ?? r.error) : undefined,
    stdout: r.stdout ?? "",
    stderr: r.stderr ?? "",
  };
}

export function median(values) {
  const v = values.filter((x) => x !== null && x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * Ordinary least squares: y = b0 + b1*x1 + ... for rows of [x1, x2, ...]. Returns the
 * coefficients [b0, b1, ...] and R^2 (normal equations, Gaussian elimination; small systems only).
 */
export function leastSquares(xs, ys) {
  const rows = xs.map((x) => [1, ...x]);
  const k = rows[0].length;
  const a = Array.from({ length: k }, () => new Array(k + 1).fill(0));
  rows.forEach((r, n) => {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i][j] += r[i] * r[j];
      a[i][k] += r[i] * ys[n];
    }
  });
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    if (Math.abs(a[c][c]) < 1e-12) return { coef: new Array(k).fill(NaN), r2: NaN };
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= k; j++) a[r][j] -= f * a[c][j];
    }
  }
  const coef = a.map((row, i) => row[k] / row[i]);
  const predict = (r) => r.reduce((s, v, i) => s + v * coef[i], 0);
  const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
  const ssTot = ys.reduce((s, y) => s + (y - mean) ** 2, 0);
  const ssRes = rows.reduce((s, r, n) => s + (ys[n] - predict(r)) ** 2, 0);
  return { coef, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

/** Rotates a list by `n` places: round r of an alternating benchmark starts with a different variant. */
export function rotate(list, n) {
  if (list.length === 0) return list;
  const k = ((n % list.length) + list.length) % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

export const fmtMs = (ms) => (ms === null || ms === undefined ? "n/a" : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
export const fmtMb = (kb) => (kb === null || kb === undefined ? "n/a" : `${Math.round(kb / 1024)} MB`);
export const fmtRatio = (r) =>
  r === null || r === undefined || !Number.isFinite(r) ? "n/a" : `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function table(header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c ?? "")));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
