import { formatValue } from "./validate";

/**
 * Thrown by constructs for bad props: names the construct path, the prop, the rule, the value
 * received and the fix, e.g.
 * `prod-customer-managed/data/Key: deletionWindowInDays must be between 7 and 30 days (got 3). Fix: ...`
 */
export class ConstructPropError extends Error {
  constructor(
    readonly constructPath: string,
    readonly prop: string,
    readonly rule: string,
    readonly received: unknown,
    readonly fix: string,
  ) {
    super(`${constructPath}: ${prop} ${rule} (got ${formatValue(received)}). Fix: ${fix}`);
    this.name = "ConstructPropError";
  }
}

/** Throws a ConstructPropError unless `ok`. */
export function requireProp(ok: boolean, constructPath: string, prop: string, rule: string, received: unknown, fix: string): void {
  if (!ok) throw new ConstructPropError(constructPath, prop, rule, received, fix);
}

/**
 * A Terraform identifier derived from a logical name: lowercase, `_` for every other character,
 * prefixed when it would start with a digit. Used to pin resource addresses.
 */
export function terraformName(name: string): string {
  const id = name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return /^[a-z_]/.test(id) ? id : `_${id}`;
}
