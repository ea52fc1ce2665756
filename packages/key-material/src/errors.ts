/** The program name: the prefix of every error line and the bin name. */
export const PROGRAM = "sse-kms-key-material";

/** Exit codes: 0 success, 1 a failure while doing the work, 2 a usage error (bad or missing options). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * A failure the CLI reports as exactly one line on stderr:
 * `sse-kms-key-material: error: <what> (<fix>)`.
 * `what` says what went wrong, `fix` what the user can do about it. Neither may contain key material.
 */
export class CliError extends Error {
  /**
   * @param what what went wrong, e.g. `material file a.bin is 31 bytes, expected exactly 32`
   * @param fix what to do about it, e.g. `pass a file of 32 raw bytes or use --generate`
   * @param exitCode the process exit code (default 1; usage errors use 2)
   */
  constructor(
    readonly what: string,
    readonly fix: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(`${what} (${fix})`);
    this.name = "CliError";
  }
}

/** A problem with the command line itself (unknown flag, missing or conflicting option). Exit code 2. */
export class UsageError extends CliError {
  constructor(what: string, fix: string) {
    super(what, fix, EXIT_USAGE);
    this.name = "UsageError";
  }
}

/** Collapses whitespace (including newlines) so any text fits on one line, and caps its length. */
export function oneLine(text: string, maxLength = 400): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 3)}...` : flat;
}

/** The single stderr line for an error: `sse-kms-key-material: error: <what> (<fix>)`. */
export function formatErrorLine(error: CliError): string {
  return `${PROGRAM}: error: ${oneLine(error.what, 600)} (${oneLine(error.fix, 600)})`;
}

/** The `code` of a Node.js system error (`ENOENT`, `EEXIST`, ...), if there is one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}
