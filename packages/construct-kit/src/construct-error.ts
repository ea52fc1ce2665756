import { formatValue } from "@sse-kms/config";
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
