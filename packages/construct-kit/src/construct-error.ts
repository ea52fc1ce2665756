import { type IssueReporter, formatPath, formatValue } from "@sse-kms/config";
import type { z } from "zod";
import { isKnownRegion } from "@sse-kms/policy";

/** What is wrong with one prop of a construct, and how to fix it. */
export interface PropProblem {
  /** Construct path of the construct that received the prop, e.g. `prod-customer-managed/data/Key`. */
  readonly constructPath: string;
  /** The prop (or `prop.field`) at fault. */
  readonly prop: string;
  /** The rule it breaks, phrased to follow the prop name: `must be between 7 and 30 days`. */
  readonly rule: string;
  /** The value received (rendered on one line, cut at 80 characters). */
  readonly received: unknown;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * Thrown by constructs for bad props: names the construct path, the prop, the rule, the value
 * received and the fix, e.g.
 * `prod-customer-managed/data/Key: deletionWindowInDays must be between 7 and 30 days (got 3). Fix: ...`
 */
export class ConstructPropError extends Error implements PropProblem {
  readonly constructPath: string;
  readonly prop: string;
  readonly rule: string;
  readonly received: unknown;
  readonly fix: string;

  constructor(problem: PropProblem) {
    super(`${problem.constructPath}: ${problem.prop} ${problem.rule} (got ${formatValue(problem.received)}). Fix: ${problem.fix}`);
    this.name = "ConstructPropError";
    this.constructPath = problem.constructPath;
    this.prop = problem.prop;
    this.rule = problem.rule;
    this.received = problem.received;
    this.fix = problem.fix;
  }
}

/**
 * Throws a {@link ConstructPropError} for `problem` unless `ok`; after it, TypeScript knows `ok`
 * holds (`requireProp(x !== undefined, ...)` narrows `x`).
 */
export function requireProp(ok: unknown, problem: PropProblem): asserts ok {
  if (!ok) throw new ConstructPropError(problem);
}

/** Where a construct received a prop, and how to fix it: a {@link PropProblem} without its rule and value. */
export type PropSite = Pick<PropProblem, "constructPath" | "prop" | "fix">;

/**
 * The one way a construct checks a prop against a rule of `@sse-kms/config` (a zod primitive such
 * as `AccountId` or `PrincipalArn`): throws a {@link ConstructPropError} whose rule is the schema's
 * first issue message (the message configuration validation gives for the same value), naming the
 * construct path, the prop, the value received and the fix. After it, TypeScript knows `value` has
 * the schema's type.
 */
export function requireValid<S extends z.ZodType>(schema: S, value: unknown, site: PropSite): asserts value is z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConstructPropError({ ...site, rule: result.error.issues[0]?.message ?? "is invalid", received: value });
}

/**
 * An {@link IssueReporter} that throws the first issue as a {@link ConstructPropError}: a construct
 * runs a configuration rule of its blueprint's `config.ts` (e.g. its `checkEnvironment`) on its
 * props and fails with the same message. `prefix` is the prop the issue paths are relative to
 * (`config`); `fix` gives the fix of the prop at fault (`config.destination.mode`).
 */
export function throwingIssueReporter(constructPath: string, prefix: string, fix: (prop: string) => string): IssueReporter {
  return (path, received, rule) => {
    const prop = formatPath([prefix, ...path]);
    throw new ConstructPropError({ constructPath, prop, rule, received, fix: fix(prop) });
  };
}

/**
 * The region check of every construct: `region` must be a known AWS region name (the one table,
 * `@sse-kms/policy`'s). Throws a {@link ConstructPropError} naming the construct and the prop.
 */
export function requireKnownRegion(
  constructPath: string,
  prop: string,
  region: unknown,
  fix = "use a region name such as eu-west-1",
): asserts region is string {
  requireProp(isKnownRegion(region), { constructPath, prop, rule: "must be a known AWS region", received: region, fix });
}

/**
 * A Terraform identifier derived from a logical name: lowercase, `_` for every other character,
 * prefixed when it would start with a digit. Used to pin resource addresses.
 */
export function terraformName(name: string): string {
  const id = name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return /^[a-z_]/.test(id) ? id : `_${id}`;
}
