import { isJsonObject, jsonEqual, show, type JsonValue } from "./json";
import { formatPath, lookupPath, type PathSegment } from "./paths";

/** Why a value does not match an expectation, and where. */
export interface Mismatch {
  /** Where inside the compared value (empty for the value itself). */
  readonly path: readonly PathSegment[];
  readonly reason: "different" | "absent" | "unknown" | "length" | "not-object" | "not-list";
  readonly expected: unknown;
  /** The value found there (`undefined` when absent). */
  readonly received: JsonValue | undefined;
}

interface AsymmetricMatcherLike {
  asymmetricMatch(other: unknown): boolean;
}

function isAsymmetric(value: unknown): value is AsymmetricMatcherLike {
  return typeof value === "object" && value !== null && typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === "function";
}

/** Deep equality of plan values; Jest asymmetric matchers (`expect.any(String)`, ...) in `expected` are honoured. */
export function valueMatches(received: unknown, expected: unknown): boolean {
  if (isAsymmetric(expected)) return expected.asymmetricMatch(received);
  if (Array.isArray(expected)) {
    return Array.isArray(received) && received.length === expected.length && expected.every((e, i) => valueMatches(received[i], e));
  }
  if (isJsonObject(expected) && isJsonObject(received)) {
    const keys = Object.keys(expected);
    return keys.length === Object.keys(received).length && keys.every((k) => k in received && valueMatches(received[k], expected[k]));
  }
  return jsonEqual(received, expected);
}

function unknownAt(marks: unknown, path: readonly PathSegment[]): boolean {
  for (let i = 0; i <= path.length; i += 1) {
    const found = lookupPath(marks, path.slice(0, i));
    if (found.found && found.value === true) return true;
    if (!found.found) return false;
  }
  return false;
}

/**
 * The first place where `received` does not contain `expected`, or `undefined` when it does.
 * Partial match: an expected object's keys must all be present and match (other keys are ignored),
 * recursively; an expected list must have the same length and each element must match the
 * element at the same index (partially, for objects). `unknownMarks` (the change's
 * `after_unknown`) lets an absent value be reported as unknown-until-apply instead.
 */
export function findMismatch(
  received: JsonValue | undefined,
  expected: unknown,
  unknownMarks?: JsonValue,
  path: readonly PathSegment[] = [],
): Mismatch | undefined {
  if (
    expected !== undefined &&
    (received === undefined || (received === null && !isAsymmetric(expected) && expected !== null)) &&
    unknownAt(unknownMarks, path)
  ) {
    return { path, reason: "unknown", expected, received };
  }
  if (isAsymmetric(expected)) {
    return expected.asymmetricMatch(received) ? undefined : { path, reason: received === undefined ? "absent" : "different", expected, received };
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(received)) return { path, reason: received === undefined ? "absent" : "not-list", expected, received };
    if (received.length !== expected.length) return { path, reason: "length", expected, received };
    for (let i = 0; i < expected.length; i += 1) {
      const m = findMismatch(received[i] as JsonValue, expected[i], unknownMarks, [...path, i]);
      if (m) return m;
    }
    return undefined;
  }
  if (isJsonObject(expected)) {
    if (!isJsonObject(received)) return { path, reason: received === undefined ? "absent" : "not-object", expected, received };
    for (const key of Object.keys(expected)) {
      const value = Object.prototype.hasOwnProperty.call(received, key) ? received[key] : undefined;
      const m = findMismatch(value, expected[key], unknownMarks, [...path, key]);
      if (m) return m;
    }
    return undefined;
  }
  if (expected === undefined) return received === undefined ? undefined : { path, reason: "different", expected, received };
  if (received === undefined) return { path, reason: "absent", expected, received };
  return jsonEqual(received, expected) ? undefined : { path, reason: "different", expected, received };
}

/**
 * One sentence for a mismatch, e.g.
 * `expected aws_s3_bucket_server_side_encryption_configuration.data: rule[0].bucket_key_enabled to be true, but the plan has false`.
 */
export function describeMismatch(address: string, m: Mismatch): string {
  const where = m.path.length === 0 ? address : `${address}: ${formatPath(m.path)}`;
  const want = `expected ${where} to be ${show(m.expected)}`;
  switch (m.reason) {
    case "unknown":
      return `${want}, but it is unknown until apply (after_unknown)`;
    case "absent":
      return `${want}, but the plan has no value there`;
    case "length":
      return `expected ${where} to have ${(m.expected as unknown[]).length} element(s) ${show(m.expected)}, but the plan has ${(m.received as unknown[]).length}: ${show(m.received)}`;
    case "not-list":
      return `${want} (a list), but the plan has ${show(m.received)}`;
    case "not-object":
      return `${want} (an object), but the plan has ${show(m.received)}`;
    case "different":
      return `${want}, but the plan has ${show(m.received)}`;
  }
}
