/**
 * Rules that only hold across environment files: each file can be valid alone while the set is
 * not. Called by the catalog's loadEnvironments (synth, lock:update, docs, ...) and the validate CLI.
 */
import type { EnvironmentConfig } from "./environment";
import type { ConfigProblem } from "./validate";

/** One environment with the file it came from. */
export interface EnvironmentFile {
  /** The file, as it is named in messages. */
  readonly file: string;
  readonly env: EnvironmentConfig;
}

/** A problem across files: a {@link ConfigProblem} of one file that names the other. */
export type Problem = ConfigProblem;

interface Claim {
  readonly file: string;
  readonly path: string;
}

/** Every (bucket name, field path) an environment creates. */
function bucketClaims(env: EnvironmentConfig): [string, string][] {
  const out: [string, string][] = [];
  for (const bp of ["customer-managed", "imported-material"] as const) {
    env.blueprints[bp]?.buckets.forEach((b, i) => out.push([b.name, `blueprints.${bp}.buckets[${i}].name`]));
  }
  const rep = env.blueprints["cross-account-replication"];
  if (rep) {
    out.push([rep.source.bucket.name, "blueprints.cross-account-replication.source.bucket.name"]);
    if (rep.destination.mode === "create") out.push([rep.destination.bucket.name, "blueprints.cross-account-replication.destination.bucket.name"]);
  }
  return out;
}

/** Every (account/region/alias, field path) of the aliases an environment creates. */
function aliasClaims(env: EnvironmentConfig): [string, string][] {
  const at = (account: string, region: string, alias: string) => `${account}/${region}/${alias}`;
  const out: [string, string][] = [];
  for (const bp of ["customer-managed", "imported-material"] as const) {
    const c = env.blueprints[bp];
    if (c) out.push([at(env.account, env.region, c.key.alias), `blueprints.${bp}.key.alias`]);
  }
  const rep = env.blueprints["cross-account-replication"];
  if (rep) {
    out.push([at(env.account, env.region, rep.source.key.alias), "blueprints.cross-account-replication.source.key.alias"]);
    if (rep.destination.mode === "create") {
      const d = rep.destination;
      out.push([at(d.account, d.region, d.key.alias), "blueprints.cross-account-replication.destination.key.alias"]);
    }
  }
  return out;
}

/**
 * Problems of a set of environments: two with the same `name` (stacks, state and lock entries
 * would collide), the same bucket name in two environments (bucket names are global), the same
 * alias in the same account and region in two environments. One problem per later occurrence,
 * naming the field and the file that claimed the value first. Within one file these are the
 * environment schema's business, and are not repeated here.
 */
export function checkEnvironmentSet(files: readonly EnvironmentFile[]): Problem[] {
  const problems: Problem[] = [];
  const names = new Map<string, Claim>();
  const buckets = new Map<string, Claim>();
  const aliases = new Map<string, Claim>();
  const claim = (seen: Map<string, Claim>, key: string, file: string, path: string, received: string, message: (first: Claim) => string) => {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, { file, path });
    else if (first.file !== file) problems.push({ source: file, path, received, message: message(first) });
  };
  for (const { file, env } of files) {
    claim(names, env.name, file, "name", env.name, (f) =>
      `environment names must be distinct: ${f.file} has the same name (stacks, state files and lock entries are named after it); rename one`);
    for (const [name, path] of bucketClaims(env)) {
      claim(buckets, name, file, path, name, (f) => `bucket names are global: ${f.file} already uses it at ${f.path}; choose another name`);
    }
    for (const [key, path] of aliasClaims(env)) {
      const alias = key.split("/").slice(2).join("/");
      claim(aliases, key, file, path, alias, (f) =>
        `aliases are unique per account and region: ${f.file} already creates it in ${key.split("/").slice(0, 2).join(" ")} at ${f.path}; choose another alias`);
    }
  }
  return problems;
}
