/** Helpers for running the CLI in-process in tests and inspecting what it left behind. */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main, type CliIo } from "../cli";

/** The outcome of one `main([...])` run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI with captured stdout and stderr. */
export async function runCli(argv: readonly string[], extra: Partial<CliIo> = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    ...extra,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The one-line error format: `sse-kms-key-material: error: <what> (<fix>)`. */
export const ERROR_LINE = /^sse-kms-key-material: error: .+ \(.+\)\n$/;

/** A fresh temporary directory. */
export function tempDir(prefix = "key-material-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Every entry under `dir` with its mode and content (hex), to assert "nothing was written or changed". */
export function snapshotDir(dir: string): Record<string, string> {
  const snapshot: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    snapshot[name] = stat.isSymbolicLink()
      ? `<link to ${readlinkSync(path)}>`
      : stat.isDirectory()
        ? "<dir>"
        : `${(stat.mode & 0o777).toString(8)} ${readFileSync(path).toString("hex")}`;
  }
  return snapshot;
}

/** The encodings in which plaintext material could leak into output. */
export function encodingsOf(material: Buffer): string[] {
  return [
    material.toString("hex"),
    material.toString("hex").toUpperCase(),
    material.toString("base64"),
    material.toString("base64url"),
    material.toString("base64").replace(/=+$/, ""),
    material.toString("latin1"),
  ];
}
