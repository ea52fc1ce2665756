/** Helpers for this blueprint's tests (not exported from the package). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type EnvironmentWith, type Json, parseFixture, synthBlueprint } from "@sse-kms/testing";
import { type CrossAccountReplicationBlueprint } from "./construct";
import { blueprint as BLUEPRINT } from "./blueprint";
import { type ReplicationHandover, replicationHandover } from "./handover";

export type { Json };
export { BLUEPRINT };
export type ReplicationEnvironment = EnvironmentWith<typeof BLUEPRINT>;

/** This blueprint's fixture environments (fixtures/<name>.json): `staging` replicates into an existing destination, `prod` creates it. */
export const FIXTURES = ["staging", "prod"] as const;

/** The raw (unparsed) fixture environment file, as a fresh object. */
export function rawEnvironment(name: string): Json {
  return JSON.parse(readFileSync(join(__dirname, "../fixtures", `${name}.json`), "utf8")) as Json;
}

/** A fixture environment, parsed, optionally changed first. */
export function environment(name: string, change?: (raw: Json) => void): ReplicationEnvironment {
  const raw = rawEnvironment(name);
  change?.(raw);
  return parseFixture(BLUEPRINT, raw, `fixtures/${name}.json (test variant)`);
}

/** The blueprint's configuration in an environment. */
export const configIn = (env: ReplicationEnvironment) => env.blueprints[BLUEPRINT.name];

/** The hand-over of an environment's replication stack (undefined when it creates the destination). */
export const handoverIn = (env: ReplicationEnvironment): ReplicationHandover | undefined => replicationHandover(env, BLUEPRINT.name, configIn(env));

/** Builds the blueprint's stack as the app does, and synthesizes it. */
export function build(env: ReplicationEnvironment) {
  const { stack, text, json } = synthBlueprint(BLUEPRINT, env);
  const blueprint = stack.node.findChild(BLUEPRINT.name) as CrossAccountReplicationBlueprint;
  return { stack, blueprint, text, json };
}

/** A policy attribute, parsed. */
export const policyOf = (block: Json, attribute = "policy"): Json => JSON.parse(block[attribute] as string) as Json;

/** A value or list as a list. */
export const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

/** The Terraform name a bucket's resources share. */
export const tfName = (bucket: string): string => bucket.replace(/[^a-z0-9_]/g, "_");

/** A destination switched to `create` (for fixtures with `existing`). */
export function toCreate(raw: Json): void {
  const rep = raw.blueprints[BLUEPRINT.name];
  const account = rep.destination.account as string;
  rep.destination = {
    mode: "create",
    account,
    region: "eu-west-1",
    key: { name: "backup", alias: `alias/${raw.name}-backup`, administrators: [`arn:aws:iam::${account}:role/platform-key-admin`] },
    bucket: { name: `acme-${raw.name}-backup-${account}` },
  };
}

/** A destination switched to `existing` (for fixtures with `create`). */
export function toExisting(raw: Json): void {
  const rep = raw.blueprints[BLUEPRINT.name];
  const account = rep.destination.account as string;
  rep.destination = {
    mode: "existing",
    account,
    bucketArn: `arn:aws:s3:::acme-${raw.name}-vault-${account}`,
    keyArn: `arn:aws:kms:us-west-2:${account}:key/11111111-2222-4333-8444-555555555555`,
  };
}
