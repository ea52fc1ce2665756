/**
 * cdktf and constructs record a "creation stack" for every token, lazy value and nested block: a
 * full stack trace (Error.stackTraceLimit raised to Number.MAX_SAFE_INTEGER) captured onto a plain
 * object and formatted to text on the spot. Only the message of a token that fails to resolve
 * reads it. Formatting them was the largest single cost of a synth above loading cdktf (about a
 * tenth of its CPU; docs/performance.md).
 */

/**
 * Installs a V8 stack-trace hook (`Error.prepareStackTrace`, https://v8.dev/docs/stack-trace-api)
 * that formats a trace captured onto a plain object (what cdktf's and constructs' creation stacks
 * are) as empty, and an Error's trace as node does (`<name>: <message>` and one `    at <frame>`
 * line per frame). A message about an unresolvable token then names no creation stack; nothing
 * else changes. For the synth process only (apps/main.ts), never for a library. Returns a function
 * that restores the previous hook.
 */
export function skipCreationStacks(): () => void {
  const previous = Error.prepareStackTrace;
  const errorToString = Error.prototype.toString;
  Error.prepareStackTrace = (target: unknown, frames: readonly NodeJS.CallSite[]) =>
    target instanceof Error ? `${errorToString.call(target)}${frames.map((f) => `\n    at ${String(f)}`).join("")}` : "";
  return () => {
    Error.prepareStackTrace = previous;
  };
}
