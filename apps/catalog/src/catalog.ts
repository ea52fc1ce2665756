import { type EnvironmentConfig, createEnvironmentSchema, enabledBlueprints, renderEnvironmentJsonSchema } from "@sse-kms/config";
import { attachKeyEventAlarms } from "@sse-kms/monitoring";
import { type AnyBlueprint, EnvironmentStack } from "@sse-kms/stack";
import type { Construct } from "constructs";
import * as registered from "./blueprints";

/** Every registered blueprint (src/blueprints.ts), sorted by name: the order of stacks and docs. */
export const BLUEPRINTS: readonly AnyBlueprint[] = Object.values(registered).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** The registered blueprints' names. */
export const BLUEPRINT_NAMES: readonly string[] = BLUEPRINTS.map((b) => b.name);

/** The registered blueprint of that name, if any. */
export function blueprintNamed(name: string): AnyBlueprint | undefined {
  return BLUEPRINTS.find((b) => b.name === name);
}

/**
 * The schema of `apps/<env>/environment.json`, assembled from the registered blueprints: the one
 * source of the environment type, the runtime check and the committed JSON Schema.
 */
export const EnvironmentSchema = createEnvironmentSchema(Object.values(registered));

/** A validated environment, each registered blueprint's configuration typed. */
export type Environment = EnvironmentConfig & ReturnType<typeof EnvironmentSchema.parse>;

/** Repo-relative path of the committed JSON Schema (every environment.json's `$schema`). */
export const ENVIRONMENT_JSON_SCHEMA_PATH = "apps/catalog/schema/environment.schema.json";

/** The `$schema` value of an `apps/<env>/environment.json`. */
export const ENVIRONMENT_SCHEMA_REF = "../catalog/schema/environment.schema.json";

/** The committed JSON Schema's exact text. */
export function renderJsonSchema(): string {
  return renderEnvironmentJsonSchema(EnvironmentSchema);
}

/**
 * One stack per enabled blueprint of an environment, named `<env>-<blueprint>`. With `monitoring`,
 * each stack also gets key-event alarms for the keys it creates in the environment's account and region.
 */
export function buildEnvironment(scope: Construct, env: EnvironmentConfig): EnvironmentStack[] {
  return enabledBlueprints(env, BLUEPRINTS).map((blueprint) => {
    const stack = new EnvironmentStack(scope, { env, blueprint: blueprint.name });
    blueprint.build(stack, env.blueprints[blueprint.name]);
    attachKeyEventAlarms({ stack, provider: stack.provider, account: env.account, region: env.region, preventDestroy: stack.preventDestroy }, env.monitoring);
    return stack;
  });
}

/** Every extra generated page of an environment's blueprints (e.g. replication hand-overs): path -> Markdown. */
export function blueprintPages(env: EnvironmentConfig): Map<string, string> {
  const pages = new Map<string, string>();
  for (const b of enabledBlueprints(env, BLUEPRINTS)) for (const [path, text] of b.pages?.(env, env.blueprints[b.name]) ?? []) pages.set(path, text);
  return pages;
}
