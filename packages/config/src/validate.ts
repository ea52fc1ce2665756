import { type Stats, closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { z } from "zod";
import type { EnvironmentConfig } from "./environment";
import { JsonSyntaxError, parseStrictJson } from "./json";

/** One validation problem: where, what rule, and what value was received. */
export interface ConfigProblem {
  /** The file (or other source) the value came from. */
  readonly source: string;
  /** Dotted field path, e.g. `blueprints.customer-managed.buckets[0].name`; empty for the root. */
  readonly path: string;
  readonly message: string;
  /** The value received at `path` (undefined when the field is missing). */
  readonly received: unknown;
}

/** Thrown when a configuration is invalid. `message` lists every problem, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ConfigError";
  }
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * `a.b[0].c` from a zod path. A key that is not a plain name (empty, or holding '.', ':',
 * spaces, a line break, ...) is quoted, e.g. `tags["aws:owner"]`, so the path stays unambiguous
 * and on one line.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => {
      if (typeof p === "number") return `[${p}]`;
      const key = String(p);
      if (!PLAIN_KEY.test(key)) return `[${JSON.stringify(key)}]`;
      return i === 0 ? key : `.${key}`;
    })
    .join("");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** A short, single-line rendering of a received value. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    // A BigInt, a cycle, an object without prototype or a throwing toJSON/toString: never let the
    // rendering of a bad value turn a validation error into a crash.
    try {
      s = String(value);
    } catch {
      s = Object.prototype.toString.call(value);
    }
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** `<file>: <field.path>: <message> (got <value>)`, always on one line. */
export function formatProblem(p: ConfigProblem): string {
  return `${p.source}: ${p.path || "(root)"}: ${p.message} (got ${formatValue(p.received)})`.replace(/\r\n|\r|\n/g, " ");
}

/** Turns zod issues into problems, one per unknown key, with the value found in the input. */
export function problemsFrom(source: string, input: unknown, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        out.push({
          source,
          path: formatPath(path),
          message: "unknown field (check its spelling against the schema; unknown fields are errors)",
          received: valueAt(input, path),
        });
      }
    } else if (issue.code === "invalid_key") {
      // A record key broke its rule (e.g. a tag key): report the key's own messages and the key.
      for (const inner of issue.issues.length > 0 ? issue.issues : [issue]) {
        out.push({ source, path: formatPath(issue.path), message: inner.message, received: issue.path[issue.path.length - 1] });
      }
    } else if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Report the branch that got furthest rather than a bare "invalid input". The branch's
      // issue paths are relative to the union: prefix them with the union's own path.
      // A branch that misses a required field the input does not have is a worse match than one
      // that only finds fault with values (e.g. `key` as a key definition vs `{ existingKeyArn }`).
      const best = [...issue.errors].sort((a, b) => missing(a, input, issue.path) - missing(b, input, issue.path) || depth(b) - depth(a))[0] ?? [];
      if (best.length === 0) out.push(plain(source, input, issue));
      else
        out.push(
          ...problemsFrom(
            source,
            input,
            best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
          ),
        );
    } else {
      out.push(plain(source, input, issue));
    }
  }
  return out;
}

/** How many of a union branch's issues are required fields absent from the input. */
function missing(issues: readonly z.core.$ZodIssue[], input: unknown, at: readonly PropertyKey[]): number {
  return issues.filter((i) => i.code === "invalid_type" && valueAt(input, [...at, ...i.path]) === undefined).length;
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

/**
 * zod's built-in messages ("Invalid input: expected object, received undefined") speak of
 * JavaScript types. Schemas give their own message wherever they can; the few that remain
 * (a missing object, a value of the wrong JSON type) are said in JSON terms here.
 */
export function humanMessage(message: string): string {
  const m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  if (!m) return message;
  const [, expected, received] = m;
  const noun = (t: string) => (t === "object" ? "a JSON object" : t === "array" ? "a JSON array" : t === "undefined" ? "nothing" : `a ${t}`);
  if (received === "undefined") return `required: must be ${noun(expected)}`;
  return `must be ${noun(expected)}, not ${noun(received)}`;
}

function plain(source: string, input: unknown, issue: z.core.$ZodIssue): ConfigProblem {
  return { source, path: formatPath(issue.path), message: humanMessage(issue.message), received: valueAt(input, issue.path) };
}

/**
 * Parses with a schema or throws a ConfigError naming every bad field. zod's eval-based fast path
 * (`jitless: false`) compiles a parser for each object schema on its first parse, which costs more
 * than it saves when a configuration is parsed once per process, as here: about 8 ms of a synth
 * for the 4 environment files (docs/performance.md). The result is the same either way.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, source: string): z.output<S> {
  const result = schema.safeParse(input, { jitless: true });
  if (!result.success) throw new ConfigError(problemsFrom(source, input, result.error.issues));
  return result.data;
}

/**
 * The folder an environment file must be named after: `<folder>` when `source` is
 * `.../apps/<folder>/environment.json`, otherwise undefined (any other file may hold any name).
 */
export function appFolderOf(source: string): string | undefined {
  const normal = source.replace(/\\/g, "/");
  if (!/(^|\/)apps\/[^/]+\/environment\.json$/.test(normal)) return undefined;
  return basename(dirname(normal));
}

/**
 * Validates an environment configuration object. When `source` is `apps/<folder>/environment.json`,
 * the `name` must be `<folder>` (stacks, state files and the lockfile are keyed by the name).
 */
export function parseEnvironment<E extends EnvironmentConfig>(schema: EnvironmentSchema<E>, input: unknown, source = "environment"): E {
  return checkFolderName(parseWith(schema, input, source), source, source);
}

/** An environment schema (`createEnvironmentSchema(blueprints)`). */
export type EnvironmentSchema<E extends EnvironmentConfig = EnvironmentConfig> = z.ZodType<E, unknown>;

function checkFolderName<E extends EnvironmentConfig>(env: E, source: string, location: string): E {
  const folder = appFolderOf(location);
  if (folder !== undefined && env.name !== folder) {
    throw new ConfigError([
      {
        source,
        path: "name",
        message: `must equal the folder name "${folder}" of apps/${folder}/environment.json (rename the folder or the environment)`,
        received: env.name,
      },
    ]);
  }
  return env;
}

/** Largest environment file accepted, in bytes. Real files are a few kilobytes. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/**
 * Reads a configuration file safely: regular files only (never a FIFO, a device such as
 * /dev/zero, a socket or a directory), at most `maxBytes`, strict UTF-8. Every refusal is a
 * ConfigError with one line naming the file and the fix.
 */
export function readConfigText(file: string, maxBytes = MAX_CONFIG_FILE_BYTES): string {
  const refuse = (message: string): never => {
    throw new ConfigError([{ source: file, path: "", message, received: undefined }]);
  };
  const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? "unreadable";
  let fd: number;
  try {
    // stat first: opening a FIFO for reading blocks until a writer comes, so it must never be opened.
    const st = statSync(file);
    if (!st.isFile()) refuse(`cannot read the file (${kindOf(st)}): only regular files are accepted`);
    // O_NONBLOCK: should the path be swapped for a FIFO after the stat, open does not hang.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    return refuse(`cannot read the file (${code(e)})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) refuse(`cannot read the file (${kindOf(st)}): only regular files are accepted`);
    if (st.size > maxBytes) refuse(`the file is ${st.size} bytes, more than the limit of ${maxBytes} bytes for a configuration file`);
    // Read at most maxBytes + 1: a file that grows while read is still bounded.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n >= buf.length) break;
    }
    if (n > maxBytes) refuse(`the file is more than the limit of ${maxBytes} bytes for a configuration file`);
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buf.subarray(0, n));
    } catch {
      return refuse("not valid UTF-8: save the file as UTF-8");
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    return refuse(`cannot read the file (${code(e)})`);
  } finally {
    closeSync(fd);
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return "EISDIR: a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * Parses configuration JSON strictly (see {@link parseStrictJson}): a byte-order mark, a repeated
 * key, a `__proto__` key or a syntax error is one ConfigError line with line and column.
 */
export function parseConfigJson(text: string, source: string): unknown {
  if (text.startsWith("\uFEFF")) {
    throw new ConfigError([
      {
        source,
        path: "",
        message: "not valid JSON: the file starts with a byte-order mark (U+FEFF, invisible in most editors); save it as UTF-8 without BOM",
        received: undefined,
      },
    ]);
  }
  try {
    return parseStrictJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    throw new ConfigError([
      { source, path: formatPath(e.path), message: `not valid JSON at line ${e.line} column ${e.column}: ${e.message}`, received: undefined },
    ]);
  }
}

/** Reads (regular file, size-limited), parses (strict JSON) and validates one environment file. Every failure is a ConfigError. */
export function loadEnvironmentFile<E extends EnvironmentConfig>(file: string, schema: EnvironmentSchema<E>): E {
  const raw = parseConfigJson(readConfigText(file), file);
  return checkFolderName(parseWith(schema, raw, file), file, resolve(file));
}
