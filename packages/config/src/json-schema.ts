import { z } from "zod";

type JsonNode = Record<string, unknown>;
const isNode = (v: unknown): v is JsonNode => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A union of two objects told apart by one required property (e.g. `key`: a key definition, or
 * `{ existingKeyArn }` for an existing key) becomes `if: { required: [p] }, then, else` instead of
 * `anyOf`: editors and validators then check the input against the branch it chose and report
 * that branch's errors only, instead of every error of both branches.
 */
function discriminate(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(discriminate);
  if (!isNode(node)) return node;
  const out: JsonNode = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, discriminate(v)]));
  const branches = out.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2 || !branches.every((b) => isNode(b) && b.type === "object")) return out;
  const [a, b] = branches as JsonNode[];
  const only = (x: JsonNode, y: JsonNode) =>
    ((x.required as string[] | undefined) ?? []).filter((p) => !Object.prototype.hasOwnProperty.call((y.properties as JsonNode | undefined) ?? {}, p));
  const [pa, pb] = [only(a!, b!), only(b!, a!)];
  // The branch with the fewest distinguishing properties is the `then` (e.g. `existingKeyArn`); the other, `else`.
  const candidates = [[a!, b!, pa] as const, [b!, a!, pb] as const].filter(([, , p]) => p.length > 0).sort(([, , x], [, , y]) => x.length - y.length);
  const [chosen, other, property] = candidates.length > 0 ? [candidates[0]![0], candidates[0]![1], candidates[0]![2][0]!] : [undefined, undefined, undefined];
  if (chosen === undefined) return out;
  const { anyOf: _dropped, ...rest } = out;
  return { ...rest, if: { type: "object", properties: { [property]: true }, required: [property] }, then: chosen, else: other };
}

/** The JSON Schema of an environment file (input side: defaulted fields are optional). */
export function environmentJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = discriminate(z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" })) as JsonNode;
  return { ...json, title: "sse-kms-blueprints environment", $id: "environment.schema.json" };
}

/** The committed file's exact text. */
export function renderEnvironmentJsonSchema(schema: z.ZodType): string {
  return `${JSON.stringify(environmentJsonSchema(schema), null, 2)}\n`;
}
