import { parseArgs } from "node:util";
import { PROGRAM, UsageError } from "./errors";
import type { MaterialSource } from "./material-source";

/** The options a command accepts, in node:util parseArgs form. */
export type OptionSpec = Record<string, { readonly type: "string" | "boolean"; readonly short?: string }>;

/** Parsed options of one command, with typed accessors. */
export interface ParsedOptions {
  /** The value of a string option, or undefined when it was not given. */
  string(name: string): string | undefined;
  /** Whether a boolean option was given. */
  flag(name: string): boolean;
}

interface ParseArgsError {
  readonly code?: string;
  readonly message: string;
}

function quoted(message: string): string {
  return /'([^']+)'/.exec(message)?.[1]?.replace(/ <value>$/, "") ?? "?";
}

/** Maps node:util parseArgs errors (ERR_PARSE_ARGS_*) to one-line usage errors. */
function parseError(command: string, error: ParseArgsError): UsageError {
  const help = `run \`${PROGRAM} ${command} --help\` for the options`;
  const subject = quoted(error.message);
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return new UsageError(`unknown option ${subject} for ${command}`, help);
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return new UsageError(`unexpected argument "${subject}" for ${command}`, `every value follows its option, e.g. --out <file>; ${help}`);
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/does not take an argument/.test(error.message)) return new UsageError(`option ${subject} takes no value`, help);
      return new UsageError(`option ${subject} needs a value`, `give it as ${subject} <value> (or ${subject}=<value> when the value starts with -)`);
    default:
      return new UsageError(`cannot parse the ${command} options: ${error.message}`, help);
  }
}

/**
 * Parses a command's arguments with node:util `parseArgs` in strict mode: unknown options,
 * positional arguments, missing values, repeated options and empty values are all usage errors.
 */
export function parseCommandOptions(command: string, args: readonly string[], spec: OptionSpec): ParsedOptions {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options: spec, strict: true, allowPositionals: false, tokens: true });
  } catch (e) {
    throw parseError(command, e as ParseArgsError);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== "option") continue;
    if (seen.has(token.name)) throw new UsageError(`option --${token.name} is given more than once`, "give each option once");
    seen.add(token.name);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  for (const [name, value] of Object.entries(values)) {
    if (value === "") throw new UsageError(`option --${name} has an empty value`, `give --${name} a value`);
  }
  return {
    string: (name) => {
      const value = values[name];
      return typeof value === "string" ? value : undefined;
    },
    flag: (name) => values[name] === true,
  };
}

/** A string option that must be present. */
export function requireOption(options: ParsedOptions, name: string, command: string, placeholder: string): string {
  const value = options.string(name);
  if (value === undefined) throw new UsageError(`missing --${name} ${placeholder}`, `run \`${PROGRAM} ${command} --help\` for the options`);
  return value;
}

/** `--material <file>` or `--generate --material-out <file>`: exactly one of the two. */
export function materialSourceFrom(options: ParsedOptions, command: string): MaterialSource {
  const path = options.string("material");
  const generate = options.flag("generate");
  const outPath = options.string("material-out");
  if (path !== undefined && generate) {
    throw new UsageError(
      "--material and --generate conflict",
      "pass --material <file> to use existing material, or --generate --material-out <file> for new material",
    );
  }
  if (path !== undefined) {
    if (outPath !== undefined)
      throw new UsageError("--material-out is only used with --generate", "drop --material-out, or use --generate instead of --material");
    return { kind: "file", path };
  }
  if (generate) {
    if (outPath === undefined) {
      throw new UsageError(
        "--generate needs --material-out <file>",
        "name a new file for the generated material; it is created with mode 0600 and must be backed up",
      );
    }
    return { kind: "generate", outPath };
  }
  throw new UsageError(
    "missing key material: pass --material <file> or --generate --material-out <file>",
    `run \`${PROGRAM} ${command} --help\` for the options`,
  );
}

/** True when the arguments ask for help (`--help` or `-h` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}
