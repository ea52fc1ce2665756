/**
 * Stub blueprints for the catalog's own tests: small `defineBlueprint` specs that create nothing.
 * The catalog's tests check what every environment and the registry check (environment fields,
 * names claimed by two blueprints, the assembled schema) against these, so removing a shipped
 * blueprint changes no catalog test; each shipped blueprint's rules are its own tests'.
 */
import { AliasName, BucketName, createEnvironmentSchema, keyAndBucketClaims } from "@sse-kms/config";
import { defineBlueprint } from "@sse-kms/stack";
import { z } from "zod";

const StubConfig = z.strictObject({
  key: z.strictObject({ alias: AliasName }),
  buckets: z.array(z.strictObject({ name: BucketName })),
});

function stub<const N extends string>(name: N) {
  return defineBlueprint({
    name,
    summary: `A stub for the catalog's tests: claims one alias and some bucket names, creates nothing.`,
    configSchema: StubConfig,
    claims: (config) => keyAndBucketClaims(config),
    build: () => undefined,
    starter: { config: ({ env, account }) => ({ key: { alias: `alias/${env}-${name}` }, buckets: [{ name: `acme-${env}-${name}-${account}` }] }) },
  });
}

/** Two stubs, registered in the order of their names as the catalog does. */
export const STUB_BLUEPRINTS = [stub("stub-a"), stub("stub-b")] as const;

/** The environment schema assembled from the stubs, as apps/catalog/src/catalog.ts assembles the registered blueprints'. */
export const StubEnvironmentSchema = createEnvironmentSchema(STUB_BLUEPRINTS);
