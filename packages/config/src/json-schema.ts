import { z } from "zod";

/** The JSON Schema of an environment file (input side: defaulted fields are optional). */
export function environmentJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  return { ...json, title: "sse-kms-blueprints environment", $id: "environment.schema.json" };
}

/** The committed file's exact text. */
export function renderEnvironmentJsonSchema(schema: z.ZodType): string {
  return `${JSON.stringify(environmentJsonSchema(schema), null, 2)}\n`;
}
