/**
 * The synthesized stack as `verify` reads it: every resource (type, name, configuration, provider
 * alias) and the references between them (`${aws_kms_key.data.arn}`), which are bound to live values
 * once the live resources are found (see bind.ts).
 */

/** One resource of `cdk.tf.json`. */
export interface StackResource {
  readonly type: string;
  readonly name: string;
  /** `type.name`. */
  readonly address: string;
  /** The provider alias (`aws.destination` -> `destination`), undefined for the default provider. */
  readonly alias?: string;
  /** The configuration without `//`, `depends_on`, `lifecycle`, `provider`. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** One AWS provider block. */
export interface ProviderConfig {
  readonly alias?: string;
  readonly region: string;
  readonly allowedAccountIds?: readonly string[];
  readonly roleArn?: string;
}

/** The parts of a synthesized stack `verify` uses. */
export interface StackModel {
  readonly resources: readonly StackResource[];
  readonly providers: readonly ProviderConfig[];
}

/** Reads `cdk.tf.json`. */
export function readStack(stackJson: string): StackModel {
  const doc = JSON.parse(stackJson) as {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
    provider?: { aws?: Array<{ alias?: string; region?: string; allowed_account_ids?: string[]; assume_role?: Array<{ role_arn?: string }> }> };
  };
  const resources: StackResource[] = [];
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const { "//": _m, depends_on: _d, lifecycle: _l, provider, ...config } = body;
      const alias = typeof provider === "string" && provider.startsWith("aws.") ? provider.slice(4) : undefined;
      resources.push({ type, name, address: `${type}.${name}`, ...(alias ? { alias } : {}), config });
    }
  }
  const providers = (doc.provider?.aws ?? [{}]).map((p) => ({
    ...(p.alias ? { alias: p.alias } : {}),
    region: p.region ?? "us-east-1",
    ...(p.allowed_account_ids ? { allowedAccountIds: p.allowed_account_ids } : {}),
    ...(p.assume_role?.[0]?.role_arn ? { roleArn: p.assume_role[0].role_arn } : {}),
  }));
  return { resources, providers };
}

const REFERENCE = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}/g;

/** Live values of the stack's resources, by address then attribute (`aws_kms_key.data` -> `{arn, id}`). */
export type Bindings = Map<string, Readonly<Record<string, string>>>;

/**
 * Replaces every `${type.name.attribute}` in `value` (strings, deeply) with its bound live value;
 * a reference that cannot be bound is collected in `unresolved` and left in place.
 */
export function resolveReferences<T>(value: T, bindings: Bindings, unresolved: Set<string> = new Set()): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string")
      return v.replace(REFERENCE, (whole, type: string, name: string, attr: string) => {
        const bound = bindings.get(`${type}.${name}`)?.[attr];
        if (bound === undefined) {
          unresolved.add(whole);
          return whole;
        }
        return bound;
      });
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** The addresses a value refers to (`aws_kms_key.data` for `${aws_kms_key.data.arn}`). */
export function referencedAddresses(value: unknown): string[] {
  const text = JSON.stringify(value);
  return [...text.matchAll(REFERENCE)].map((m) => `${m[1]}.${m[2]}`);
}

/**
 * A policy (or event pattern) in canonical form, so that two documents equal as IAM reads them compare
 * equal: object keys sorted, a one-element array the same as its element, arrays of plain values sorted
 * and de-duplicated, statements ordered by their canonical text.
 */
export function canonicalJson(value: unknown): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const items = v.map(canon);
      const sorted = items.every((x) => typeof x !== "object" || x === null)
        ? [...new Set(items.map((x) => JSON.stringify(x)))].sort().map((x) => JSON.parse(x) as unknown)
        : [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      return sorted.length === 1 ? sorted[0] : sorted;
    }
    if (v && typeof v === "object")
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(canon(typeof value === "string" ? (JSON.parse(value) as unknown) : value));
}
