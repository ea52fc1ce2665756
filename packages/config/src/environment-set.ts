/**
 * Rules that only hold across environment files: each file can be valid alone while the set is
 * not. Called by the catalog's loadEnvironments (synth, lock:update, docs, ...) and the validate CLI.
 */
import type { AnyBlueprintConfigSpec, EnvironmentConfig, NameClaim } from "./environment";
import { type ConfigProblem, formatPath } from "./validate";

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

/** Every name a file's blueprints claim, with its uniqueness scope and field path (`blueprints.<name>.<...>`). */
function claimsOf(
  env: EnvironmentConfig,
  blueprints: readonly AnyBlueprintConfigSpec[],
): { kind: NameClaim["kind"]; key: string; value: string; path: string; scope: string }[] {
  const out: { kind: NameClaim["kind"]; key: string; value: string; path: string; scope: string }[] = [];
  for (const b of blueprints) {
    const config = env.blueprints[b.name];
    if (config === undefined) continue;
    for (const c of b.claims?.(config, env) ?? []) {
      const account = c.account ?? env.account;
      const scope = c.kind === "bucket name" ? "" : c.kind === "alias" ? `${account} ${c.region ?? env.region}` : account;
      out.push({ kind: c.kind, key: `${c.kind}\0${scope}\0${c.value}`, value: c.value, scope, path: formatPath(["blueprints", b.name, ...c.path]) });
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
export function checkEnvironmentSet(files: readonly EnvironmentFile[], blueprints: readonly AnyBlueprintConfigSpec[]): Problem[] {
  const problems: Problem[] = [];
  const names = new Map<string, Claim>();
  const claimed = new Map<string, Claim>();
  const claim = (seen: Map<string, Claim>, key: string, file: string, path: string, received: string, message: (first: Claim) => string) => {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, { file, path });
    else if (first.file !== file) problems.push({ source: file, path, received, message: message(first) });
  };
  for (const { file, env } of files) {
    claim(
      names,
      env.name,
      file,
      "name",
      env.name,
      (f) => `environment names must be distinct: ${f.file} has the same name (stacks, state files and lock entries are named after it); rename one`,
    );
    for (const c of claimsOf(env, blueprints)) {
      claim(claimed, c.key, file, c.path, c.value, (f) =>
        c.kind === "bucket name"
          ? `bucket names are global: ${f.file} already uses it at ${f.path}; choose another name`
          : c.kind === "alias"
            ? `aliases are unique per account and region: ${f.file} already creates it in ${c.scope} at ${f.path}; choose another alias`
            : `IAM role names are unique per account: ${f.file} already creates it in ${c.scope} at ${f.path}; choose another name`,
      );
    }
  }
  return problems;
}
