/**
 * cdktf and constructs record a "creation stack" for every token, lazy value and nested block: a
 * full stack trace (Error.stackTraceLimit raised to Number.MAX_SAFE_INTEGER) captured onto a plain
 * object and formatted to text on the spot. Only the message of a token that fails to resolve
 * reads it. Formatting them was the largest single cost of a synth above loading cdktf (about a
 * tenth of its CPU; docs/performance.md).
 */

/** cdktf's and constructs' creation-stack target: a plain `{ stack: "" }`, captured with the limit raised to Number.MAX_SAFE_INTEGER. */
function isCreationStackCapture(target: object): boolean {
  if (Error.stackTraceLimit !== Number.MAX_SAFE_INTEGER || Object.getPrototypeOf(target) !== Object.prototype) return false;
  const keys = Object.keys(target);
  return keys.length === 1 && keys[0] === "stack" && (target as { stack?: unknown }).stack === "";
}

/**
 * Skips cdktf's and constructs' creation stacks, for the synth process only (apps/main.ts), never
 * for a library. Two V8 hooks (https://v8.dev/docs/stack-trace-api):
 * - `Error.captureStackTrace` does nothing for a creation stack (a plain `{ stack: "" }` captured
 *   with the limit raised to Number.MAX_SAFE_INTEGER, the shape both libraries' `captureStackTrace`
 *   use), so its `stack` stays "" and the library records no frames: the walk over every frame of
 *   the JavaScript stack is skipped, not only its formatting. Any other capture goes to V8.
 * - `Error.prepareStackTrace` formats any other trace captured onto a plain object as empty, and an
 *   Error's trace as node does (`<name>: <message>` and one `    at <frame>` line per frame).
 * A message about an unresolvable token then names no creation stack; nothing else changes.
 * Returns a function that restores both previous hooks.
 */
export function skipCreationStacks(): () => void {
  const previous = Error.prepareStackTrace;
  const capture = Error.captureStackTrace;
  const errorToString = Error.prototype.toString;
  Error.prepareStackTrace = (target: unknown, frames: readonly NodeJS.CallSite[]) =>
    target instanceof Error ? `${errorToString.call(target)}${frames.map((f) => `\n    at ${String(f)}`).join("")}` : "";
  Error.captureStackTrace = function captureStackTrace(target: object, below?: Function): void {
    if (!isCreationStackCapture(target)) capture.call(Error, target, below);
  };
  return () => {
    Error.prepareStackTrace = previous;
    Error.captureStackTrace = capture;
  };
}
