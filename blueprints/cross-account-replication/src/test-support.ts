/** Helpers for this blueprint's tests (not exported from the package). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type EnvironmentConfig, parseEnvironment } from "@sse-kms/config";
import { EnvironmentStack } from "@sse-kms/stack";
import { Testing } from "cdktf";
import { CrossAccountReplicationBlueprint } from "./blueprint";
import { BLUEPRINT } from "./handover";

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = Record<string, any>;

export const repoRoot = join(__dirname, "../../..");

/** The environments that ship this blueprint. */
export const SHIPPED = ["staging", "prod"] as const;

/** The raw (unparsed) environment file of a shipped environment, as a fresh object. */
export function rawEnvironment(name: string): Json {
  return JSON.parse(readFileSync(join(repoRoot, "apps", name, "environment.json"), "utf8")) as Json;
}

/** A shipped environment, parsed, optionally changed first (only this blueprint kept). */
export function environment(name: string, change?: (raw: Json) => void): EnvironmentConfig {
  const raw = rawEnvironment(name);
  raw.blueprints = { [BLUEPRINT]: raw.blueprints[BLUEPRINT] };
  change?.(raw);
  return parseEnvironment(raw, `apps/${name}/environment.json (test variant)`);
}

/** Builds the blueprint's stack as the catalog does (forStack), and synthesizes it. */
export function build(env: EnvironmentConfig) {
  const app = Testing.app({ stackTraces: false });
  const stack = new EnvironmentStack(app, { env, blueprint: BLUEPRINT });
  const blueprint = CrossAccountReplicationBlueprint.forStack(stack);
  const text = Testing.synth(stack);
  return { app, stack, blueprint, text, json: JSON.parse(text) as Json };
}

/** A policy attribute, parsed. */
export const policyOf = (block: Json, attribute = "policy"): Json => JSON.parse(block[attribute] as string) as Json;

/** A value or list as a list. */
export const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

/** The Terraform name a bucket's resources share. */
export const tfName = (bucket: string): string => bucket.replace(/[^a-z0-9_]/g, "_");

/** A destination switched to `create` (for environments that ship `existing`). */
export function toCreate(raw: Json): void {
  const rep = raw.blueprints[BLUEPRINT];
  const account = rep.destination.account as string;
  rep.destination = {
    mode: "create",
    account,
    region: "eu-west-1",
    key: { name: "backup", alias: `alias/${raw.name}-backup`, administrators: [`arn:aws:iam::${account}:role/platform-key-admin`] },
    bucket: { name: `acme-${raw.name}-backup-${account}` },
  };
}

/** A destination switched to `existing` (for environments that ship `create`). */
export function toExisting(raw: Json): void {
  const rep = raw.blueprints[BLUEPRINT];
  const account = rep.destination.account as string;
  rep.destination = {
    mode: "existing",
    account,
    bucketArn: `arn:aws:s3:::acme-${raw.name}-vault-${account}`,
    keyArn: `arn:aws:kms:us-west-2:${account}:key/11111111-2222-4333-8444-555555555555`,
  };
}
