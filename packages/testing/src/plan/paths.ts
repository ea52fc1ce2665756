import { isJsonObject, type JsonValue } from "./json";
import { type Change, type ResourceChange } from "./model";

/** One step into a value: an object key or a list index. */
export type PathSegment = string | number;

/**
 * An attribute path inside a plan value. Either a string such as
 * `server_side_encryption_configuration[0].rule[0].bucket_key_enabled` or `tags["cost-center"]`,
 * or an array of keys and indexes such as `["rule", 0, "bucket_key_enabled"]`.
 * String grammar: `name` segments joined by `.`, `[N]` for a list index, `["key"]` (JSON string
 * syntax) for an object key that is not a plain identifier.
 */
export type PlanPath = string | readonly PathSegment[];

/** The result of {@link lookupPath}. */
export type PathLookup =
  | { readonly found: true; readonly value: JsonValue }
  /** `depth` is the number of segments that did resolve before the lookup stopped. */
  | { readonly found: false; readonly depth: number };

/**
 * Splits a {@link PlanPath} into segments.
 * @throws Error for a malformed path string (empty segment, unclosed bracket, bad quoting).
 */
export function parsePath(path: PlanPath): PathSegment[] {
  if (typeof path !== "string") return [...path];
  const segments: PathSegment[] = [];
  const fail = (why: string): never => {
    throw new Error(`malformed attribute path ${JSON.stringify(path)}: ${why}`);
  };
  let i = 0;
  let expectName = true;
  while (i < path.length) {
    const ch = path[i];
    if (ch === "[") {
      const close = findClose(path, i);
      if (close < 0) fail(`unclosed "[" at ${i}`);
      const inner = path.slice(i + 1, close);
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (inner.startsWith('"')) {
        try {
          segments.push(JSON.parse(inner) as string);
        } catch {
          fail(`bad quoted key ${inner}`);
        }
      } else fail(`"[${inner}]" is neither an index nor a quoted key`);
      i = close + 1;
      expectName = false;
    } else if (ch === ".") {
      if (expectName) fail(`empty segment at ${i}`);
      i += 1;
      expectName = true;
      if (i === path.length) fail("trailing '.'");
    } else {
      if (!expectName) fail(`missing '.' before position ${i}`);
      let end = i;
      while (end < path.length && path[end] !== "." && path[end] !== "[") end += 1;
      segments.push(path.slice(i, end));
      i = end;
      expectName = false;
    }
  }
  if (segments.length === 0) fail("empty path");
  return segments;
}

function findClose(path: string, open: number): number {
  let inString = false;
  for (let j = open + 1; j < path.length; j += 1) {
    const c = path[j];
    if (inString) {
      if (c === "\\") j += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "]") return j;
  }
  return -1;
}

/** Renders a path in the canonical string form, e.g. `rule[0].apply_server_side_encryption_by_default[0].sse_algorithm`. */
export function formatPath(path: PlanPath): string {
  return parsePath(path)
    .map((seg, i) => {
      if (typeof seg === "number") return `[${seg}]`;
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) return i === 0 ? seg : `.${seg}`;
      return `[${JSON.stringify(seg)}]`;
    })
    .join("");
}

/** One step into a JSON value; `undefined` when the step does not exist. A digit string indexes a list. */
function step(value: unknown, seg: PathSegment): unknown {
  if (Array.isArray(value)) {
    const idx = typeof seg === "number" ? seg : /^\d+$/.test(seg) ? Number(seg) : -1;
    return idx >= 0 && idx < value.length ? value[idx] : undefined;
  }
  if (isJsonObject(value) && typeof seg === "string" && Object.prototype.hasOwnProperty.call(value, seg)) {
    return value[seg];
  }
  return undefined;
}

/** Looks a path up, telling "absent" apart from a present `null`. */
export function lookupPath(value: unknown, path: PlanPath): PathLookup {
  const segments = parsePath(path);
  let cur: unknown = value;
  for (let depth = 0; depth < segments.length; depth += 1) {
    const next = step(cur, segments[depth] as PathSegment);
    if (next === undefined) return { found: false, depth };
    cur = next;
  }
  return { found: true, value: cur as JsonValue };
}

/**
 * The value at `path` inside `value` (usually `change.after`), or `undefined` when absent.
 * Remember that values unknown until apply are absent from `after`: check {@link isUnknown} too.
 */
export function valueAt(value: unknown, path: PlanPath): JsonValue | undefined {
  const found = lookupPath(value, path);
  return found.found ? found.value : undefined;
}

/** `true` when `marks` (an after_unknown / *_sensitive structure) is `true` at `path` or at one of its ancestors. */
function markedAt(marks: unknown, path: PlanPath): boolean {
  let cur: unknown = marks;
  for (const seg of parsePath(path)) {
    if (cur === true) return true;
    cur = step(cur, seg);
  }
  return cur === true;
}

function changeOf(change: Change | ResourceChange): Change {
  return "change" in change ? change.change : change;
}

/**
 * Whether the value at `path` is unknown until apply according to `after_unknown` (a whole
 * unknown block makes everything inside it unknown). Accepts a change or a resource change.
 * A partly unknown block (some leaves unknown) is not itself unknown: ask about the leaf.
 */
export function isUnknown(change: Change | ResourceChange, path: PlanPath): boolean {
  return markedAt(changeOf(change).after_unknown, path);
}

/**
 * Whether the value at `path` is marked sensitive in `after_sensitive` (or `before_sensitive`).
 * `false` when the plan carries no sensitivity information (Terraform before 0.15).
 */
export function isSensitive(change: Change | ResourceChange, path: PlanPath, side: "after" | "before" = "after"): boolean {
  const c = changeOf(change);
  const marks = side === "after" ? c.after_sensitive : c.before_sensitive;
  return markedAt(marks, path);
}
