import { isJsonObject, show } from "./json";
import { type ResourceChange, type TerraformPlan } from "./model";
import { describeMismatch, findMismatch, valueMatches } from "./partial";
import { formatPath, isUnknown, lookupPath, parsePath, type PlanPath } from "./paths";
import { actionOf, replaceOrder } from "./query";

/**
 * Jest matchers over a parsed plan ({@link TerraformPlan} from `readPlanFile` or `parsePlan`, e.g.
 * of `terraform show -json`). Register them with `import "@sse-kms/testing/jest-setup"` (or
 * `expect.extend(planMatchers)`). Each is also a plain function returning `{ pass, message }`.
 * Failure messages are one paragraph naming the address(es) and attribute that differ.
 */

/** What a matcher returns (Jest's `CustomMatcherResult`). */
export interface PlanMatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** A partial `after` value for {@link toPlanCreate}. */
export type PartialAfter = Readonly<Record<string, unknown>>;

/** Types whose destruction loses data or makes data undecryptable: the default of {@link toPlanNoDestroy}. */
export const STATEFUL_TYPES: readonly string[] = ["aws_kms_key", "aws_kms_external_key", "aws_s3_bucket"];

function asPlan(received: unknown, matcher: string): TerraformPlan {
  if (
    isJsonObject(received) &&
    typeof received.format_version === "string" &&
    typeof received.source === "string" &&
    Array.isArray(received.resource_changes)
  ) {
    return received as unknown as TerraformPlan;
  }
  throw new TypeError(`${matcher}: expected a parsed plan (from readPlanFile or parsePlan), got ${show(received, 80)}`);
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

function list(items: readonly string[], max = 8): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

function describeAction(rc: ResourceChange): string {
  const order = replaceOrder(rc);
  const action =
    order === "delete-first"
      ? "replace (delete, then create)"
      : order === "create-first"
        ? "replace (create, then delete)"
        : order === "create-then-forget"
          ? "replace (create, then forget the old object)"
          : actionOf(rc);
  return `${action} ${rc.address}${rc.action_reason ? ` (${rc.action_reason})` : ""}`;
}

/**
 * Passes when some change of `type` has action `create` and its `after` contains `partialAfter`
 * (objects: listed keys must match, recursively; lists: same length, element by element). A value
 * that is unknown until apply does not match a concrete expectation, and the message says so.
 */
export function toPlanCreate(received: unknown, type: string, partialAfter?: PartialAfter): PlanMatcherResult {
  const plan = asPlan(received, "toPlanCreate");
  const ofType = plan.resource_changes.filter((rc) => rc.type === type);
  const created = ofType.filter((rc) => actionOf(rc) === "create");
  const failures = created.map((rc) => ({
    rc,
    mismatch: partialAfter === undefined ? undefined : findMismatch(rc.change.after, partialAfter, rc.change.after_unknown),
  }));
  const matching = failures.filter((f) => f.mismatch === undefined).map((f) => f.rc.address);
  const what = `${article(type)}${partialAfter === undefined ? "" : ` with ${show(partialAfter)}`}`;
  const pass = matching.length > 0;
  const message = (): string => {
    if (pass) return `expected the plan not to create ${what}, but it creates ${list(matching)} (plan: ${plan.source})`;
    if (ofType.length === 0) {
      const types = [...new Set(plan.resource_changes.map((rc) => rc.type))].sort();
      return `expected the plan to create ${what}, but the plan has no ${type} at all (its types: ${list(types) || "none"}) (plan: ${plan.source})`;
    }
    const others = ofType.filter((rc) => actionOf(rc) !== "create").map(describeAction);
    const otherText = others.length > 0 ? `; not created: ${list(others)}` : "";
    if (created.length === 0) return `expected the plan to create ${what}, but it creates none${otherText} (plan: ${plan.source})`;
    const reasons = failures.map((f) => (f.mismatch ? describeMismatch(f.rc.address, f.mismatch) : f.rc.address));
    return `expected the plan to create ${what}, but none of the ${created.length} created ${type} matches: ${reasons.join("; ")}${otherText} (plan: ${plan.source})`;
  };
  return { pass, message };
}

/**
 * Passes when no change of the listed types is a delete or a replace (either order, or
 * create-then-forget). Default types: {@link STATEFUL_TYPES}. A `forget` alone (a `removed` block
 * that keeps the object) is not a destroy and passes.
 */
export function toPlanNoDestroy(received: unknown, types: readonly string[] = STATEFUL_TYPES): PlanMatcherResult {
  const plan = asPlan(received, "toPlanNoDestroy");
  const watched = plan.resource_changes.filter((rc) => types.includes(rc.type));
  const offenders = watched.filter((rc) => ["delete", "replace"].includes(actionOf(rc)));
  const pass = offenders.length === 0;
  const typeText = types.length > 1 ? `${types.slice(0, -1).join(", ")} or ${types[types.length - 1]}` : (types[0] ?? "(no types)");
  const message = (): string =>
    pass
      ? `expected the plan to delete or replace some ${typeText}, but it deletes or replaces none (${
          watched.length === 0 ? "it has no change of these types" : list(watched.map(describeAction))
        }) (plan: ${plan.source})`
      : `expected the plan not to delete or replace any ${typeText}, but it would ${list(offenders.map(describeAction))} (plan: ${plan.source})`;
  return { pass, message };
}

/**
 * Passes when the change at `address` has, in its `after`, a value at `path` deep-equal to `value`
 * (Jest asymmetric matchers allowed). The message says when the address is missing, the resource is
 * being deleted, the value is unknown until apply, or it is absent.
 */
export function toHavePlannedValue(received: unknown, address: string, path: PlanPath, value: unknown): PlanMatcherResult {
  const plan = asPlan(received, "toHavePlannedValue");
  const segments = parsePath(path);
  const where = `${address}: ${formatPath(segments)}`;
  const rc = plan.resource_changes.find((c) => c.address === address && c.deposed === undefined);
  const fail = (why: string): PlanMatcherResult => ({
    pass: false,
    message: () => `expected ${where} to be ${show(value)}, but ${why} (plan: ${plan.source})`,
  });
  if (!rc) {
    const near = plan.resource_changes.map((c) => c.address);
    return fail(`the plan has no resource change at ${address} (it has: ${list(near) || "none"})`);
  }
  const action = actionOf(rc);
  if (rc.change.after === null) return fail(`${address} is planned for ${action}: it has no after value`);
  const found = lookupPath(rc.change.after, segments);
  if (isUnknown(rc, segments) && (!found.found || found.value === null)) return fail("it is unknown until apply (after_unknown)");
  if (!found.found) {
    const parent = found.depth > 0 ? lookupPath(rc.change.after, segments.slice(0, found.depth)) : undefined;
    const context = parent && parent.found ? `; ${formatPath(segments.slice(0, found.depth))} is ${show(parent.value)}` : "";
    return fail(`the plan has no value there${context}`);
  }
  const pass = valueMatches(found.value, value);
  return {
    pass,
    message: () =>
      pass
        ? `expected ${where} not to be ${show(value)}, but the plan has ${show(found.value)} (plan: ${plan.source})`
        : `expected ${where} to be ${show(value)}, but the plan has ${show(found.value)} (plan: ${plan.source})`,
  };
}

/** All plan matchers, for `expect.extend(planMatchers)`. */
export const planMatchers = { toPlanCreate, toPlanNoDestroy, toHavePlannedValue };
