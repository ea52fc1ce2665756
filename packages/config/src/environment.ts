import { z } from "zod";
import { BackendSchema } from "./backend";
import { runCrossChecks } from "./cross-checks";
import { checkMonitoring, MonitoringSchema } from "./monitoring";
import { AwsProviderVersion } from "./provider";
import { AccountId, BucketName, Region, RoleArn, Tags, arnPartition, isKnownRegion, partitionOf } from "./primitives";

/**
 * A name a blueprint creates that must be unique beyond its own configuration: bucket names are
 * global, aliases and IAM role names unique per account (aliases also per region).
 */
export interface NameClaim {
  readonly kind: "bucket name" | "alias" | "IAM role name";
  readonly value: string;
  /** Where the value is configured, relative to `blueprints.<name>`. */
  readonly path: readonly (string | number)[];
  /** The account and region the name lives in (ignored for bucket names, which are global). @default the environment's */
  readonly account?: string;
  readonly region?: string;
}

/** Reports one problem at a path relative to `blueprints.<name>`. */
export type IssueReporter = (path: readonly (string | number)[], input: unknown, message: string) => void;

/**
 * What the environment schema needs to know of a blueprint: its name and its configuration
 * schema, plus optional environment-wide rules. Each blueprint folder exports one (see
 * `Blueprint` in @sse-kms/stack); the app layer lists them (apps/catalog/src/blueprints.ts).
 */
export interface BlueprintConfigSpec<N extends string = string, S extends z.ZodType = z.ZodType> {
  /** The key under `blueprints` in environment.json and the suffix of its stacks (`<env>-<name>`). */
  readonly name: N;
  /** The zod schema of `blueprints.<name>`: the one source of its type, runtime check and JSON Schema. */
  readonly configSchema: S;
  /** Names this blueprint creates that must not collide with another blueprint's. @default none */
  readonly claims?: (config: z.output<S>, env: EnvironmentBase) => readonly NameClaim[];
  /** Rules that need the environment (e.g. "another account than the environment's"). @default none */
  readonly checkEnvironment?: (config: z.output<S>, env: EnvironmentBase, issue: IssueReporter) => void;
}

/** Any blueprint spec, whatever its name and schema (the constraint of lists of specs). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBlueprintConfigSpec = BlueprintConfigSpec<string, any>;

/** The name rule of blueprints: it becomes part of stack names, Nx projects and npm packages. */
export const BLUEPRINT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const BLUEPRINT_NAME_MAX = 40;

/**
 * `releasedBuckets`: buckets a blueprint's stack created and no longer configures, to be dropped from
 * its state without touching S3 (Terraform `removed` blocks with `lifecycle.destroy = false`): the
 * first half of moving a bucket to another stack, whose `buckets[]` entry adopts it. `blueprint` is
 * any string here (the type); createEnvironmentSchema narrows it to the registered names.
 */
function releasedBucketsSchema(blueprint: z.ZodType<string>) {
  return z
    .array(
      z.strictObject({
        blueprint: blueprint.describe("The blueprint whose stack created the bucket (its stack <env>-<blueprint> forgets it)."),
        bucket: BucketName.describe("The bucket's name."),
      }),
    )
    .default([])
    .describe(
      "Buckets a blueprint's stack created and no longer configures: its next apply drops each bucket's resources from its state (removed blocks, destroy = false) and leaves the bucket, its objects and its configuration as they are. To move a bucket to another stack: list it here, add it to the other blueprint's buckets with adopt, apply this stack first (README: Move a bucket to another stack).",
    );
}

/** An environment name: the folder apps/<name>, the prefix of its stacks and of names derived from them. */
export const EnvironmentName = z
  .string({ error: "must be a string" })
  .regex(/^[a-z][a-z0-9-]{0,19}$/, { error: "must be 1-20 characters: a lowercase letter, then lowercase letters, digits or '-'" });

/**
 * The one-partition rule of an environment: an ARN must be in the partition of the region. The
 * problem, or undefined when `arn` is in `region`'s partition; `region` must be a known region.
 */
export function arnPartitionProblem(arn: string, region: string): string | undefined {
  const partition = partitionOf(region);
  if (arnPartition(arn) === partition) return undefined;
  return `ARN is in partition ${arnPartition(arn)} but region ${region} is in partition ${partition}; use arn:${partition}:...`;
}

/** The fields of an environment besides its blueprints. */
export const EnvironmentBaseFields = {
  $schema: z.string().optional().describe("Path to the JSON Schema, for editors."),
  name: EnvironmentName.describe("Environment name: the name of its folder apps/<name>; stacks are named <name>-<blueprint>."),
  account: AccountId,
  region: Region,
  production: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe("Production: stateful resources are protected (prevent_destroy) and guardrails are stricter."),
  preventDestroy: z
    .boolean({ error: "must be true or false" })
    .optional()
    .describe("lifecycle.prevent_destroy on keys and buckets. Default: the value of production."),
  awsProviderVersion: AwsProviderVersion,
  assumeRoleArn: RoleArn.optional().describe("Role the AWS provider assumes to deploy."),
  tags: Tags.default({}),
  backend: BackendSchema.default({ type: "local", directory: "terraform-state" }),
  monitoring: MonitoringSchema.optional(),
  releasedBuckets: releasedBucketsSchema(z.string({ error: "must be a string" })),
};

const EnvironmentBaseSchema = z.strictObject(EnvironmentBaseFields);
/** An environment without its blueprints. */
export type EnvironmentBase = z.output<typeof EnvironmentBaseSchema>;

/**
 * A validated environment. `blueprints` maps each enabled blueprint's name to its validated
 * configuration (the output of that blueprint's `configSchema`); packages treat it as opaque,
 * the blueprint that owns a key reads it with its own type.
 */
export type EnvironmentConfig = EnvironmentBase & { readonly blueprints: Readonly<Record<string, unknown>> };

/** The input side of an environment file (what environment.json holds before defaults). */
export type EnvironmentConfigInput = z.input<typeof EnvironmentBaseSchema> & { blueprints: Record<string, unknown> };

/** The validated configs of a list of blueprint specs, by name. */
export type BlueprintConfigs<B extends readonly AnyBlueprintConfigSpec[]> = {
  readonly [K in B[number] as K["name"]]?: z.output<K["configSchema"]>;
};

/**
 * The environment schema over the given blueprints: the base fields, one optional
 * `blueprints.<name>` per blueprint (validated by its own schema), and the rules that span
 * blueprints: one partition per file, at least one blueprint, names claimed once.
 */
export function createEnvironmentSchema<const B extends readonly AnyBlueprintConfigSpec[]>(blueprints: B) {
  const names = blueprints.map((b) => b.name);
  for (const name of names) {
    if (!BLUEPRINT_NAME.test(name) || name.length > BLUEPRINT_NAME_MAX)
      throw new Error(
        `blueprint name ${JSON.stringify(name)} breaks the rule: lowercase letters and digits in words joined by '-', at most ${BLUEPRINT_NAME_MAX} characters`,
      );
  }
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new Error(`blueprint name "${duplicate}" is registered twice`);
  const shape = Object.fromEntries(blueprints.map((b) => [b.name, b.configSchema.optional()]));
  return z
    .strictObject({
      ...EnvironmentBaseFields,
      releasedBuckets: releasedBucketsSchema(z.enum(names as [string, ...string[]], { error: `must be a registered blueprint (${names.join(", ")})` })),
      blueprints: z
        .strictObject(shape)
        .refine((b) => Object.values(b).some((v) => v !== undefined), { error: `enable at least one blueprint (${names.join(", ")})` }),
    })
    .superRefine((env, ctx) => checkEnvironment(env as EnvironmentConfig, blueprints, ctx)) as unknown as z.ZodType<
    EnvironmentBase & { readonly blueprints: BlueprintConfigs<B> },
    EnvironmentConfigInput
  >;
}

function checkEnvironment(env: EnvironmentConfig, blueprints: readonly AnyBlueprintConfigSpec[], ctx: z.RefinementCtx): void {
  runCrossChecks(env, ctx);
  if (!isKnownRegion(env.region)) return; // already reported
  checkMonitoring(env.monitoring, env, (path, input, message) => ctx.addIssue({ code: "custom", path, input, message }));
  // One partition per environment: every ARN must be in the region's partition.
  const visit = (value: unknown, path: (string | number)[]) => {
    if (typeof value === "string" && value.startsWith("arn:")) {
      const message = arnPartitionProblem(value, env.region);
      if (message !== undefined) ctx.addIssue({ code: "custom", path, input: value, message });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i]));
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    }
  };
  visit(env, []);
  // Names claimed by two blueprints (inside one blueprint, its own schema reports duplicates).
  // A claim's owner is its field with list positions left out: duplicates inside one list are the
  // list schema's to report, once.
  const seen = new Map<string, { owner: string; where: string }>();
  for (const b of blueprints) {
    const config = env.blueprints[b.name];
    if (config === undefined) continue;
    const at = ["blueprints", b.name];
    for (const claim of b.claims?.(config, env) ?? []) {
      const scope =
        claim.kind === "bucket name"
          ? ""
          : claim.kind === "alias"
            ? `${claim.account ?? env.account}/${claim.region ?? env.region}`
            : (claim.account ?? env.account);
      const key = `${claim.kind}\0${scope}\0${claim.value}`;
      const path = [...at, ...claim.path];
      const where = path
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
        .join("")
        .slice(1);
      const owner = path.filter((p) => typeof p === "string").join(".");
      const first = seen.get(key);
      if (first === undefined) seen.set(key, { owner, where });
      else if (first.owner !== owner) {
        const unique =
          claim.kind === "bucket name"
            ? "bucket names are global"
            : claim.kind === "alias"
              ? "aliases are unique per account and region"
              : "IAM role names are unique per account";
        ctx.addIssue({
          code: "custom",
          path,
          input: claim.value,
          message: `${unique}: the same ${claim.kind === "bucket name" ? "name" : claim.kind === "alias" ? "alias" : "role name"} is already used by ${first.where}`,
        });
      }
    }
    b.checkEnvironment?.(config, env, (path, input, message) => ctx.addIssue({ code: "custom", path: [...at, ...path], input, message }));
  }
  checkReleasedBuckets(env, blueprints, seen, ctx);
}

/**
 * A released bucket's removed blocks go into its blueprint's stack, which must still be synthesized
 * (a stack whose folder is gone is never applied again), and which must no longer create the bucket
 * (Terraform refuses a removed block for a resource still in the configuration). The bucket may be
 * claimed by another blueprint: that is the move.
 */
function checkReleasedBuckets(
  env: EnvironmentConfig,
  blueprints: readonly AnyBlueprintConfigSpec[],
  claimed: ReadonlyMap<string, { owner: string; where: string }>,
  ctx: z.RefinementCtx,
): void {
  const released = new Set<string>();
  (env.releasedBuckets ?? []).forEach((r, i) => {
    const path = ["releasedBuckets", i];
    if (env.blueprints[r.blueprint] === undefined && blueprints.some((b) => b.name === r.blueprint)) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "blueprint"],
        input: r.blueprint,
        message: `blueprints.${r.blueprint} is not enabled in this environment, so no stack of it is synthesized to forget the bucket; release the bucket while the blueprint is still enabled (apply, then remove the blueprint), or drop this entry`,
      });
    }
    const owner = claimed.get(`bucket name\0\0${r.bucket}`)?.owner;
    if (owner?.startsWith(`blueprints.${r.blueprint}.`)) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "bucket"],
        input: r.bucket,
        message: `blueprints.${r.blueprint} still creates this bucket; a stack cannot create and forget one bucket: remove it from blueprints.${r.blueprint}.buckets, or drop this entry`,
      });
    }
    const key = `${r.blueprint}\0${r.bucket}`;
    if (released.has(key)) ctx.addIssue({ code: "custom", path: [...path, "bucket"], input: r.bucket, message: `released twice from blueprints.${r.blueprint}; list it once` });
    released.add(key);
  });
}

/** Whether keys and buckets of this environment carry lifecycle.prevent_destroy. */
export function preventDestroyOf(env: EnvironmentBase): boolean {
  return env.preventDestroy ?? env.production;
}

/** The blueprints an environment enables, in the order given. */
export function enabledBlueprints<B extends { readonly name: string }>(env: EnvironmentConfig, blueprints: readonly B[]): B[] {
  return blueprints.filter((b) => env.blueprints[b.name] !== undefined);
}

/**
 * The claims of a blueprint made of one key and a list of buckets (`{ key: { alias }, buckets: [{ name }] }`):
 * the key's alias (environment account and region), when the stack creates the key, and every bucket name.
 * An existing key (`key.existingKeyArn`) has no alias of this stack.
 */
export function keyAndBucketClaims(config: {
  readonly key: { readonly alias: string } | { readonly existingKeyArn: string };
  readonly buckets: readonly { readonly name: string }[];
}): NameClaim[] {
  return [
    ...("alias" in config.key ? [{ kind: "alias", value: config.key.alias, path: ["key", "alias"] } satisfies NameClaim] : []),
    ...config.buckets.map((b, i): NameClaim => ({ kind: "bucket name", value: b.name, path: ["buckets", i, "name"] })),
  ];
}
