import type { StackInventory } from "./inventory";
import type { AccessRequest, AccessResult } from "./request";
import { inventoryOf, simulateAccess } from "./simulate";
import { type StackInput, type StackSource } from "./stacks";

/** Which kind of denial {@link accessMatchers}' `toDeny` expects. */
export type DenyKind = "explicit" | "implicit";

/** The access matchers as they appear on `expect(stack)`; both are asynchronous: await them. */
export interface AccessMatchers<R> {
  /**
   * The stack(s) allow the request (simulated with `simulateAccess`):
   * `await expect(stack).toAllow({ principal, action, resource })`.
   */
  toAllow(request: AccessRequest): Promise<R>;
  /**
   * The stack(s) deny the request: `"explicit"` (a Deny statement matched), `"implicit"`
   * (nothing allowed it), or either when omitted.
   */
  toDeny(request: AccessRequest, kind?: DenyKind): Promise<R>;
}

// Type parameters must match the declarations being merged (@types/jest's globals, and `expect` for @jest/globals).
declare global {
  namespace jest {
    interface Matchers<R, T = {}> extends AccessMatchers<R> {}
  }
}

declare module "expect" {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends AccessMatchers<R> {}
}

const MAX_CACHED = 32;
const cache = new Map<string, StackInventory>();

/** Synthesized JSON strings are parsed once per test file; stacks and objects are read on every call. */
function cachedInventory(subject: StackInput): StackInventory {
  const list: readonly StackSource[] = Array.isArray(subject) ? subject : [subject as StackSource];
  if (!list.every((s) => typeof s === "string")) return inventoryOf(subject);
  const key = list.join("\u0000");
  let inv = cache.get(key);
  if (!inv) {
    inv = inventoryOf(subject);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, inv);
  }
  return inv;
}

const describeRequest = (r: AccessRequest) =>
  `${r.principal === "*" ? "anonymous (*)" : r.principal} ${r.action} on ${typeof r.resource === "string" ? r.resource : JSON.stringify(r.resource)}${r.viaS3 ? ` via S3 (${JSON.stringify(r.viaS3)})` : ""}`;

const decisionText = (d: AccessResult["decision"]) => (d === "Allowed" ? "allowed" : d === "ExplicitlyDenied" ? "explicitly denied" : "implicitly denied");

async function run(received: unknown, request: AccessRequest): Promise<AccessResult> {
  if (received === null || received === undefined)
    throw new Error("expect(stack): pass a TerraformStack, its synthesized JSON (string or object), or an array of them");
  return simulateAccess(cachedInventory(received as StackInput), request);
}

/** The access matchers, for `expect.extend`. Prefer {@link registerAccessMatchers}. */
export const accessMatchers = {
  async toAllow(received: unknown, request: AccessRequest): Promise<jest.CustomMatcherResult> {
    const result = await run(received, request);
    const pass = result.decision === "Allowed";
    return {
      pass,
      message: () =>
        pass
          ? `expected ${describeRequest(request)} not to be allowed, but it was\n\n${result.explanation}`
          : `expected ${describeRequest(request)} to be allowed, but it was ${decisionText(result.decision)}\n\n${result.explanation}`,
    };
  },

  async toDeny(received: unknown, request: AccessRequest, kind?: DenyKind): Promise<jest.CustomMatcherResult> {
    if (kind !== undefined && kind !== "explicit" && kind !== "implicit") throw new Error(`toDeny: kind must be "explicit" or "implicit", got ${String(kind)}`);
    const result = await run(received, request);
    const wanted = kind === "explicit" ? ["ExplicitlyDenied"] : kind === "implicit" ? ["ImplicitlyDenied"] : ["ExplicitlyDenied", "ImplicitlyDenied"];
    const pass = wanted.includes(result.decision);
    const expectation = kind === undefined ? "denied" : `${kind}ly denied`;
    return {
      pass,
      message: () =>
        pass
          ? `expected ${describeRequest(request)} not to be ${expectation}, but it was ${decisionText(result.decision)}\n\n${result.explanation}`
          : `expected ${describeRequest(request)} to be ${expectation}, but it was ${decisionText(result.decision)}\n\n${result.explanation}`,
    };
  },
};

/** Registers `toAllow` / `toDeny` with jest's `expect` (call once per test file, or from a setup file). */
export function registerAccessMatchers(): void {
  expect.extend(accessMatchers);
}
