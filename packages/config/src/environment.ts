import { z } from "zod";
import { BackendSchema } from "./backend";
import { CrossAccountReplicationConfigSchema, CustomerManagedConfigSchema, ImportedMaterialConfigSchema } from "./blueprints";
import { AwsProviderVersion } from "./provider";
import { AccountId, KNOWN_REGIONS, Region, RoleArn, Tags, arnPartition, partitionOf } from "./primitives";

export const BLUEPRINT_NAMES = ["customer-managed", "imported-material", "cross-account-replication"] as const;
export type BlueprintName = (typeof BLUEPRINT_NAMES)[number];

/**
 * One environment: an AWS account and region, and the blueprints deployed there.
 * This schema is the single source of both the TypeScript type and the runtime check,
 * and of the JSON Schema that editors use (packages/config/schema/environment.schema.json).
 */
export const EnvironmentConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path to the JSON Schema, for editors."),
    name: z
      .string({ error: "must be a string" })
      .regex(/^[a-z][a-z0-9-]{0,19}$/, { error: "must be 1-20 characters: a lowercase letter, then lowercase letters, digits or '-'" })
      .describe("Environment name; stacks are named <name>-<blueprint>."),
    account: AccountId,
    region: Region,
    production: z.boolean({ error: "must be true or false" }).default(false)
      .describe("Production: stateful resources are protected (prevent_destroy) and guardrails are stricter."),
    preventDestroy: z.boolean({ error: "must be true or false" }).optional()
      .describe("lifecycle.prevent_destroy on keys and buckets. Default: the value of production."),
    awsProviderVersion: AwsProviderVersion,
    assumeRoleArn: RoleArn.optional().describe("Role the AWS provider assumes to deploy."),
    tags: Tags.default({}),
    backend: BackendSchema.default({ type: "local", directory: "terraform-state" }),
    blueprints: z
      .strictObject({
        "customer-managed": CustomerManagedConfigSchema.optional(),
        "imported-material": ImportedMaterialConfigSchema.optional(),
        "cross-account-replication": CrossAccountReplicationConfigSchema.optional(),
      })
      .refine((b) => Object.values(b).some((v) => v !== undefined), {
        error: `enable at least one blueprint (${BLUEPRINT_NAMES.join(", ")})`,
      }),
  })
  .superRefine((env, ctx) => {
    if (!KNOWN_REGIONS.includes(env.region)) return; // already reported
    const partition = partitionOf(env.region);
    // One partition per environment: every ARN must be in the region's partition.
    const visit = (value: unknown, path: (string | number)[]) => {
      if (typeof value === "string" && value.startsWith("arn:")) {
        if (arnPartition(value) !== partition) {
          ctx.addIssue({
            code: "custom",
            path,
            input: value,
            message: `ARN is in partition ${arnPartition(value)} but region ${env.region} is in partition ${partition}; use arn:${partition}:...`,
          });
        }
      } else if (Array.isArray(value)) {
        value.forEach((v, i) => visit(v, [...path, i]));
      } else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
      }
    };
    visit(env, []);
    // Bucket names are global, and aliases unique per account and region: two blueprints of one
    // environment cannot both create the same one (duplicates inside one list are reported there).
    const claim = (seen: Map<string, { owner: string; where: string }>, value: string, path: (string | number)[], owner: string, message: string) => {
      const where = path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("").slice(1);
      const first = seen.get(value);
      if (first === undefined) seen.set(value, { owner, where });
      else if (first.owner !== owner) ctx.addIssue({ code: "custom", path, input: value, message: `${message} ${first.where}` });
    };
    const bucketNames = new Map<string, { owner: string; where: string }>();
    const aliases = new Map<string, { owner: string; where: string }>();
    const bucketMessage = "bucket names are global: the same name is already used by";
    const aliasMessage = "aliases are unique per account and region: the same alias is already used by";
    for (const bp of ["customer-managed", "imported-material"] as const) {
      const config = env.blueprints[bp];
      if (!config) continue;
      claim(aliases, config.key.alias, ["blueprints", bp, "key", "alias"], `${bp}.key`, aliasMessage);
      config.buckets.forEach((b, i) => claim(bucketNames, b.name, ["blueprints", bp, "buckets", i, "name"], `${bp}.buckets`, bucketMessage));
    }
    const rep = env.blueprints["cross-account-replication"];
    if (rep) {
      const at = ["blueprints", "cross-account-replication"];
      claim(aliases, rep.source.key.alias, [...at, "source", "key", "alias"], "replication.source.key", aliasMessage);
      claim(bucketNames, rep.source.bucket.name, [...at, "source", "bucket", "name"], "replication.source.bucket", bucketMessage);
      if (rep.destination.mode === "create") {
        const name = rep.destination.bucket.name;
        claim(bucketNames, name, [...at, "destination", "bucket", "name"], "replication.destination.bucket", bucketMessage);
      }
    }
    if (rep && rep.destination.account === env.account) {
      ctx.addIssue({
        code: "custom",
        path: ["blueprints", "cross-account-replication", "destination", "account"],
        input: rep.destination.account,
        message: "must differ from the environment's account (this blueprint replicates across accounts)",
      });
    }
    if (rep?.destination.mode === "create" && KNOWN_REGIONS.includes(rep.destination.region) && partitionOf(rep.destination.region) !== partition) {
      ctx.addIssue({
        code: "custom",
        path: ["blueprints", "cross-account-replication", "destination", "region"],
        input: rep.destination.region,
        message: `must be in partition ${partition}, like the source region ${env.region}`,
      });
    }
  });

export type EnvironmentConfig = z.output<typeof EnvironmentConfigSchema>;
export type EnvironmentConfigInput = z.input<typeof EnvironmentConfigSchema>;

/** Whether keys and buckets of this environment carry lifecycle.prevent_destroy. */
export function preventDestroyOf(env: EnvironmentConfig): boolean {
  return env.preventDestroy ?? env.production;
}

/** The blueprints an environment enables, in a fixed order. */
export function enabledBlueprints(env: EnvironmentConfig): BlueprintName[] {
  return BLUEPRINT_NAMES.filter((b) => env.blueprints[b] !== undefined);
}
