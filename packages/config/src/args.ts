/**
 * The one small argument parser of the repository's TypeScript CLIs (validate, cost, lock:update,
 * docs, plan, plan:predict, synth:hcl; synth's entry apps/main.ts takes no arguments). Strict:
 * an unknown flag, a missing or empty value, a repeated option or an unexpected argument is a
 * usage error: one line on stderr and exit 2. `--help` (or `-h`) prints the usage on stdout
 * and exits 0. Any other failure is one line and exit 1, never a stack trace
 * (`SSE_KMS_DEBUG=1` adds the trace, for bugs).
 */
import { parseArgs } from "node:util";

/** A flag a CLI accepts. */
export interface FlagSpec {
  /** `string` takes a value (`--env dev` or `--env=dev`); `boolean` takes none. */
  readonly type: "string" | "boolean";
  /** One-letter alias, e.g. `o` for `-o`. @default none */
  readonly short?: string;
}

/** The flags of one CLI, by long name (without `--`). */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** A mistake in the command line: exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A user error that is not about the command line (bad file, bad value found later): exit 1, one line. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** The parsed command line. */
export interface ParsedArgs {
  /** String flags given, by name (absent when not given). */
  readonly strings: Readonly<Record<string, string | undefined>>;
  /** Boolean flags given, by name. */
  readonly flags: ReadonlySet<string>;
  /** Arguments that are not flags (only when the CLI allows them). */
  readonly positionals: readonly string[];
}

/** Options of {@link parseCliArgs}. */
export interface ParseOptions {
  /** Whether bare arguments (e.g. file names) are allowed. @default false */
  readonly positionals?: boolean;
}

const optionName = (message: string) => /'(-[^' ]+)/.exec(message)?.[1] ?? "?";

/**
 * Parses `args` against `spec`. Throws {@link UsageError} (one line) on anything unexpected.
 * `--help`/`-h` is not handled here: {@link runCli} answers it before parsing.
 */
export function parseCliArgs(args: readonly string[], spec: FlagSpecs, options: ParseOptions = {}): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options: { ...spec }, strict: true, allowPositionals: options.positionals ?? false, tokens: true });
  } catch (e) {
    const { code, message } = e as { code?: string; message: string };
    const name = optionName(message);
    switch (code) {
      case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
        throw new UsageError(`unknown option ${name}${suggest(name, spec)}`);
      case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
        throw new UsageError(`unexpected argument ${JSON.stringify(/'([^']*)'/.exec(message)?.[1] ?? "")}: this command takes flags only`);
      case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
        if (/does not take an argument/.test(message)) throw new UsageError(`option ${name} takes no value`);
        throw new UsageError(`option ${name} needs a value (a value that starts with '-' is given as ${name}=<value>)`);
      default:
        throw new UsageError(`cannot parse the arguments: ${message.split("\n")[0]}`);
    }
  }
  const strings: Record<string, string | undefined> = {};
  const flags = new Set<string>();
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== "option") continue;
    if (seen.has(token.name)) throw new UsageError(`option --${token.name} is given more than once`);
    seen.add(token.name);
    if (spec[token.name]?.type === "boolean") flags.add(token.name);
    else {
      if (token.value === undefined || token.value === "") throw new UsageError(`option --${token.name} has an empty value`);
      strings[token.name] = token.value;
    }
  }
  return { strings, flags, positionals: parsed.positionals };
}

function suggest(name: string, spec: FlagSpecs): string {
  const bare = name.replace(/^-+/, "").split("=")[0];
  const near = Object.keys(spec).find((k) => distance(k, bare) <= 2);
  return near ? ` (did you mean --${near}?)` : "";
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** Bounds of {@link wholeNumber}. */
export interface WholeNumberBounds {
  /** @default 0 */
  readonly min?: number;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

/**
 * A whole number written in plain decimal digits (no sign, exponent, hex, spaces or fraction),
 * within bounds. `1e30`, `0x10`, `-5`, `''` and `1.5` are usage errors naming the flag.
 */
export function wholeNumber(flag: string, value: string, bounds: WholeNumberBounds = {}): number {
  const min = bounds.min ?? 0;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  const range = `a whole number from ${min} to ${max}, in decimal digits`;
  if (!/^\d{1,16}$/.test(value)) throw new UsageError(`--${flag} must be ${range} (got ${JSON.stringify(value)})`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${flag} must be ${range} (got ${value})`);
  return n;
}

/** True when the arguments ask for help (`--help` or `-h` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

/** One line: the message's first line, or the message with its line breaks joined. */
function oneLine(message: string): string {
  return message.replace(/\s*\r?\n\s*/g, "; ");
}

/**
 * Runs a CLI's `main` with the repository's exit-code contract and sets `process.exitCode`:
 * `--help` prints `usage` (stdout, exit 0); a {@link UsageError} prints one line
 * `<program>: <message> (--help prints the usage)` on stderr, exit 2; a ConfigError prints its problem lines,
 * exit 1; any other error prints `<program>: error: <message>` on one line, exit 1.
 * `main` returns its own exit code.
 */
export function runCli(program: string, usage: string, main: (args: readonly string[]) => number | Promise<number>, argv = process.argv.slice(2)): void {
  const fail = (e: unknown): number => {
    if (e instanceof UsageError) {
      console.error(`${program}: ${oneLine(e.message)} (--help prints the usage)`);
      return 2;
    }
    // A ConfigError (./validate), known by name: importing it would load zod before the
    // command line is even parsed. Its message is already one line per problem.
    if (e instanceof Error && e.name === "ConfigError") {
      console.error(e.message);
      return 1;
    }
    const message = e instanceof Error ? e.message : String(e);
    console.error(`${program}: error: ${oneLine(message)}`);
    if (process.env.SSE_KMS_DEBUG === "1" && e instanceof Error) console.error(e.stack);
    return 1;
  };
  if (wantsHelp(argv)) {
    console.log(`usage: ${usage}`);
    process.exitCode = 0;
    return;
  }
  try {
    const result = main(argv);
    if (typeof result === "number") process.exitCode = result;
    else
      result.then(
        (code) => (process.exitCode = code),
        (e) => (process.exitCode = fail(e)),
      );
  } catch (e) {
    process.exitCode = fail(e);
  }
}
