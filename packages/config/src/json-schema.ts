import { z } from "zod";
import { EnvironmentConfigSchema } from "./environment";

/** Repo-relative path of the committed JSON Schema generated from the zod schema. */
export const ENVIRONMENT_JSON_SCHEMA_PATH = "packages/config/schema/environment.schema.json";

/** The JSON Schema of an environment file (input side: defaulted fields are optional). */
export function environmentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(EnvironmentConfigSchema, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  return { ...schema, title: "sse-kms-blueprints environment", $id: "environment.schema.json" };
}

/** The committed file's exact text. */
export function renderEnvironmentJsonSchema(): string {
  return `${JSON.stringify(environmentJsonSchema(), null, 2)}\n`;
}
