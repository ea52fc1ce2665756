/**
 * The shared test kit: fixture environments of one blueprint, and a typed synth of one blueprint's
 * stack. Every blueprint's tests use it with their own fixtures (never the shipped apps/*), so a
 * blueprint folder copied by the fork generator tests itself.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type EnvironmentConfig, createEnvironmentSchema, loadEnvironmentFile, parseEnvironment } from "@sse-kms/config";
import { type Blueprint, EnvironmentStack } from "@sse-kms/stack";
import { Testing } from "cdktf";
import type { z } from "zod";

import type { Json } from "@sse-kms/construct-kit/testing";

export type { Json };

/** An environment that enables `B`, with `B`'s configuration typed. */
export type EnvironmentWith<B extends Blueprint> = EnvironmentConfig & { readonly blueprints: { readonly [K in B["name"]]: z.output<B["configSchema"]> } };

const schemaOf = <B extends Blueprint>(blueprint: B) => createEnvironmentSchema([blueprint]);

/** Validates a raw environment object that enables (only) `blueprint`. Throws a ConfigError naming every bad field. */
export function parseFixture<B extends Blueprint>(blueprint: B, raw: unknown, source = "fixture"): EnvironmentWith<B> {
  return parseEnvironment(schemaOf(blueprint), raw, source) as EnvironmentWith<B>;
}

/** Every `*.json` file of `dir` (sorted by file name), validated as an environment with `blueprint` only. */
export function fixtureEnvironments<B extends Blueprint>(dir: string, blueprint: B): EnvironmentWith<B>[] {
  const schema = schemaOf(blueprint);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => loadEnvironmentFile(join(dir, f), schema) as EnvironmentWith<B>);
}

/** The blueprint's configuration in an environment. */
export function configOf<B extends Blueprint>(blueprint: B, env: EnvironmentWith<B>): z.output<B["configSchema"]> {
  return env.blueprints[blueprint.name as B["name"]];
}

/** One blueprint's stack, synthesized. */
export interface SynthesizedBlueprint {
  readonly stack: EnvironmentStack;
  /** The stack's Terraform JSON, as written to cdk.tf.json. */
  readonly text: string;
  readonly json: Json;
}

/** Builds `<env>-<blueprint>` as the app does, and synthesizes it. */
export function synthBlueprint<B extends Blueprint>(blueprint: B, env: EnvironmentWith<B>): SynthesizedBlueprint {
  const stack = newBlueprintStack(blueprint, env);
  const text = Testing.synth(stack);
  return { stack, text, json: JSON.parse(text) as Json };
}

/** Builds `<env>-<blueprint>` in a fresh test app, without synthesizing it. */
export function newBlueprintStack<B extends Blueprint>(blueprint: B, env: EnvironmentWith<B>): EnvironmentStack {
  const stack = new EnvironmentStack(Testing.app({ stackTraces: false }), { env, blueprint: blueprint.name });
  blueprint.build(stack, configOf(blueprint, env));
  return stack;
}
