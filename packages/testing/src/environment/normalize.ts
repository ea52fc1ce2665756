/**
 * Normalised synth output for snapshots: cdktf's `//` metadata (construct paths, unique ids)
 * is dropped, and policy strings are parsed so a snapshot diff shows the statement that changed.
 */
export function normalizeStack(stackJson: string | Record<string, unknown>): unknown {
  const parsed = typeof stackJson === "string" ? (JSON.parse(stackJson) as unknown) : stackJson;
  return strip(parsed);
}

const POLICY_ATTRIBUTES = new Set(["policy", "assume_role_policy"]);

function strip(value: unknown, key?: string): unknown {
  if (typeof value === "string" && key !== undefined && POLICY_ATTRIBUTES.has(key) && value.startsWith("{")) {
    try {
      return { "(parsed policy)": JSON.parse(value) as unknown };
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((v) => strip(v));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== "//") out[k] = strip(v, k);
    return out;
  }
  return value;
}
