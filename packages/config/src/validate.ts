import { readFileSync } from "node:fs";
import type { z } from "zod";
import type { EnvironmentConfig } from "./environment";

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
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
      if (best.length === 0) out.push(plain(source, input, issue));
      else out.push(...problemsFrom(source, input, best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }))));
    } else {
      out.push(plain(source, input, issue));
    }
  }
  return out;
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function plain(source: string, input: unknown, issue: z.core.$ZodIssue): ConfigProblem {
  return { source, path: formatPath(issue.path), message: issue.message, received: valueAt(input, issue.path) };
}

/** Parses with a schema or throws a ConfigError naming every bad field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, source: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(problemsFrom(source, input, result.error.issues));
  return result.data;
}

/** An environment schema (`createEnvironmentSchema(blueprints)`). */
export type EnvironmentSchema<E extends EnvironmentConfig = EnvironmentConfig> = z.ZodType<E, unknown>;

/** Validates an environment configuration object with an environment schema. */
export function parseEnvironment<E extends EnvironmentConfig>(schema: EnvironmentSchema<E>, input: unknown, source = "environment"): E {
  return parseWith(schema, input, source);
}

/** Reads, parses (JSON) and validates one environment file. Every failure is a ConfigError. */
export function loadEnvironmentFile<E extends EnvironmentConfig>(file: string, schema: EnvironmentSchema<E>): E {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError([{ source: file, path: "", message: `cannot read the file (${code})`, received: undefined }]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([{ source: file, path: "", message: `not valid JSON: ${(e as Error).message}`, received: undefined }]);
  }
  return parseEnvironment(schema, raw, file);
}
