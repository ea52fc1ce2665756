import type { BlueprintConfigSpec, EnvironmentConfig, Partition } from "@sse-kms/config";
import type { z } from "zod";
import type { EnvironmentStack } from "./stack";

/** What the environment generator hands a blueprint's starter configuration. */
export interface StarterContext {
  /** The new environment's name. */
  readonly env: string;
  readonly account: string;
  readonly region: string;
  /** The partition of `region` (`aws` when the region is unknown: the schema reports it). */
  readonly partition: Partition;
  /** The generator options this blueprint declared in `starter.options`, as given (strings). */
  readonly options: Readonly<Record<string, string | undefined>>;
}

/** The configuration `nx g @sse-kms/workspace-plugin:environment` writes for a blueprint. */
export interface BlueprintStarter<S extends z.ZodType> {
  /** Generator options the starter reads (camelCase, e.g. `destinationAccount`). @default none */
  readonly options?: readonly string[];
  /** The starter `blueprints.<name>` block; throw an Error with one clear message when options are missing. */
  config(ctx: StarterContext): z.input<S>;
}

/**
 * A blueprint: everything the app layer needs to offer it to environments. Each
 * `blueprints/<name>` exports one as `blueprint`; apps/catalog/src/blueprints.ts registers it
 * with one line. Nothing outside the blueprint's folder knows its configuration's shape.
 */
export interface Blueprint<N extends string = string, S extends z.ZodType = z.ZodType> extends BlueprintConfigSpec<N, S> {
  /** One sentence: what the blueprint creates (docs and generator help). */
  readonly summary: string;
  /** Builds the blueprint's constructs into its stack `<env>-<name>`, from its validated configuration. */
  build(stack: EnvironmentStack, config: z.output<S>): void;
  /** What the environment generator writes for it. */
  readonly starter: BlueprintStarter<S>;
  /** Extra generated pages (e.g. hand-over documents): repo-relative path -> Markdown. @default none */
  readonly pages?: (env: EnvironmentConfig, config: z.output<S>) => ReadonlyMap<string, string>;
}

/** Declares a blueprint (an identity function that keeps the literal name and the schema's types). */
export function defineBlueprint<const N extends string, S extends z.ZodType>(blueprint: Blueprint<N, S>): Blueprint<N, S> {
  return blueprint;
}

/** Any blueprint, whatever its name and schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBlueprint = Blueprint<string, any>;
