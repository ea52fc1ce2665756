import { ConfigError, type EnvironmentConfig } from "@sse-kms/config";
import { ConstructPropError } from "@sse-kms/construct-kit";
import { parseFixture } from "@sse-kms/testing";
import { EnvironmentStack } from "@sse-kms/stack";
import { Testing } from "cdktf";
import { CrossAccountReplicationBlueprint, type CrossAccountReplicationBlueprintProps } from "./construct";
import type { CrossAccountReplicationConfig } from "./config";
import { BLUEPRINT, environment, rawEnvironment, type Json } from "./test-support";

const REP = "blueprints.cross-account-replication";
const KEY_ID = "1234abcd-12ab-44cd-86ef-1234567890ab";

/** The problems (path: message) of an environment file after `change`. */
function problems(name: string, change: (rep: Json, raw: Json) => void): string[] {
  const raw = rawEnvironment(name);
  change(raw.blueprints[BLUEPRINT.name], raw);
  try {
    parseFixture(BLUEPRINT, raw, "env.json");
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

const existing = (account: string, keyArn: string, bucketArn = `arn:aws:s3:::acme-vault-${account}`) => ({ mode: "existing", account, bucketArn, keyArn });

describe("configuration errors name the field", () => {
  test.each([
    [
      "existing destination in the source account (same-account replication needs mode create)",
      "staging",
      (rep: Json) => (rep.destination = existing("222222222222", `arn:aws:kms:eu-central-1:222222222222:key/${KEY_ID}`)),
      `${REP}.destination.mode: must be create when the destination is the environment's account 222222222222: same-account replication into an existing bucket is not supported (create the destination here, or replicate into another account)`,
    ],
    [
      "destination assume_role in the source account and region (one provider only)",
      "prod",
      (rep: Json) => {
        rep.destination.account = "333333333333";
        rep.destination.region = "us-east-1";
        rep.destination.assumeRoleArn = "arn:aws:iam::333333333333:role/platform-deploy";
        rep.destination.key.administrators = ["arn:aws:iam::333333333333:role/platform-key-admin"];
      },
      `${REP}.destination.assumeRoleArn: must be omitted when the destination is the environment's own account and region: the stack's provider creates it (set the environment's assumeRoleArn instead)`,
    ],
    [
      "same account and region (S3 SRR): the destination alias must differ from the source alias",
      "dev",
      (rep: Json) => {
        rep.destination.region = "eu-west-1";
        rep.destination.key.alias = "alias/dev-replicated";
      },
      `${REP}.destination.key.alias: aliases are unique per account and region: the same alias is already used by ${REP}.source.key.alias`,
    ],
    [
      "RTC with metrics off",
      "prod",
      (rep: Json) => {
        rep.replicationTimeControl = true;
        rep.metrics = false;
      },
      `${REP}.metrics: must be true with replicationTimeControl: S3 requires replication metrics with Replication Time Control (set metrics to true or drop replicationTimeControl)`,
    ],
    [
      "delete-marker replication with a tag filter",
      "staging",
      (rep: Json) => (rep.filter = { tags: { replicate: "yes" } }),
      `${REP}.deleteMarkerReplication: must be false with filter.tags: S3 does not replicate delete markers for tag-based rules (set it to false, or filter on a prefix only)`,
    ],
    ["empty filter", "prod", (rep: Json) => (rep.filter = {}), `${REP}.filter: must set prefix, tags or both (omit filter to replicate every object)`],
    [
      "prefix with an IAM wildcard",
      "prod",
      (rep: Json) => (rep.filter = { prefix: "reports/*" }),
      `${REP}.filter.prefix: must not contain * or ?: the role policy scopes its object ARNs with the prefix, and IAM reads them as wildcards there`,
    ],
    [
      "empty prefix",
      "prod",
      (rep: Json) => (rep.filter = { prefix: "" }),
      `${REP}.filter.prefix: must not be empty (omit filter.prefix to replicate every object)`,
    ],
    [
      "prefix longer than an S3 key",
      "prod",
      (rep: Json) => (rep.filter = { prefix: "é".repeat(513) }),
      `${REP}.filter.prefix: must be at most 1024 bytes (the longest S3 object key)`,
    ],
    [
      "tag key over 128 characters",
      "prod",
      (rep: Json) => (rep.filter = { tags: { ["k".repeat(129)]: "v" } }),
      `${REP}.filter.tags.${"k".repeat(129)}: tag keys must be 1 to 128 characters`,
    ],
    [
      "tag value over 256 characters",
      "prod",
      (rep: Json) => (rep.filter = { tags: { k: "v".repeat(257) } }),
      `${REP}.filter.tags.k: tag values must be at most 256 characters`,
    ],
    [
      "reserved tag key",
      "prod",
      (rep: Json) => (rep.filter = { tags: { "aws:owner": "x" } }),
      `${REP}.filter.tags["aws:owner"]: tag keys must not start with aws: (reserved)`,
    ],
    [
      "more than 10 tags",
      "prod",
      (rep: Json) => (rep.filter = { tags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`t${i}`, "x"])) }),
      `${REP}.filter.tags: at most 10 tags: an S3 object carries at most 10 tags, so a filter with more never matches`,
    ],
    ["no tag", "prod", (rep: Json) => (rep.filter = { tags: {} }), `${REP}.filter.tags: must name at least one tag (omit filter.tags otherwise)`],
    [
      "unknown filter field",
      "prod",
      (rep: Json) => (rep.filter = { prefix: "a/", tag: { k: "v" } }),
      `${REP}.filter.tag: unknown field (check its spelling against the schema; unknown fields are errors)`,
    ],
    [
      "existing key of another account than the destination",
      "staging",
      (rep: Json) => (rep.destination = existing("555555555555", `arn:aws:kms:eu-central-1:666666666666:key/${KEY_ID}`)),
      `${REP}.destination.keyArn: must be a key of the destination account 555555555555`,
    ],
    [
      "existing key ARN in an unknown region (the destination region comes from it)",
      "staging",
      (rep: Json) => (rep.destination = existing("555555555555", `arn:aws:kms:eu-middle-9:555555555555:key/${KEY_ID}`)),
      `${REP}.destination.keyArn: names region "eu-middle-9", which is not a known AWS region; the destination region is taken from the key ARN (the key must be in the destination bucket's region)`,
    ],
    [
      "existing destination given a region (it is the key's region: no second source of truth)",
      "staging",
      (rep: Json) => (rep.destination.region = "eu-central-1"),
      `${REP}.destination.region: unknown field (check its spelling against the schema; unknown fields are errors)`,
    ],
    [
      "existing destination bucket equal to the source bucket",
      "staging",
      (rep: Json) => (rep.destination.bucketArn = `arn:aws:s3:::${rep.source.bucket.name}`),
      `${REP}.destination.bucketArn: must name a bucket other than the source bucket (replication copies into another account's bucket)`,
    ],
    [
      "existing key ARN that is an alias",
      "staging",
      (rep: Json) => (rep.destination.keyArn = "arn:aws:kms:eu-central-1:555555555555:alias/backup"),
      `${REP}.destination.keyArn: must be a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    ],
    [
      "created destination bucket equal to the source bucket",
      "prod",
      (rep: Json) => (rep.destination.bucket.name = rep.source.bucket.name),
      `${REP}.destination.bucket.name: bucket names are global: the same name is already used by ${REP}.source.bucket.name`,
    ],
    [
      "source without versioning",
      "prod",
      (rep: Json) => (rep.source.bucket.versioning = false),
      `${REP}.source.bucket.versioning: must be true: replication needs versioning on the source and destination buckets`,
    ],
    [
      "created destination without versioning",
      "prod",
      (rep: Json) => (rep.destination.bucket.versioning = false),
      `${REP}.destination.bucket.versioning: must be true: replication needs versioning on the source and destination buckets`,
    ],
    [
      "created destination in another partition",
      "prod",
      (rep: Json) => (rep.destination.region = "cn-north-1"),
      `${REP}.destination.region: must be in partition aws, like the source region us-east-1`,
    ],
    [
      "destination account not 12 digits",
      "prod",
      (rep: Json) => (rep.destination.account = "3333"),
      `${REP}.destination.account: must be an AWS account id: exactly 12 digits, as a string (quote it; leading zeros count)`,
    ],
    [
      "unknown destination region",
      "prod",
      (rep: Json) => (rep.destination.region = "us-east-7"),
      `${REP}.destination.region: must be a known AWS region name such as eu-west-1 or us-east-1 (availability zones like eu-west-1a are not regions)`,
    ],
    [
      "bad role name",
      "prod",
      (rep: Json) => (rep.replicationRoleName = "prod replication"),
      `${REP}.replicationRoleName: must be an IAM role name: 1-64 of letters, digits and +=,.@_-`,
    ],
    ["bad destination mode", "prod", (rep: Json) => (rep.destination.mode = "import"), `${REP}.destination.mode: mode must be create or existing`],
    [
      "destination assume_role that is not a role ARN",
      "prod",
      (rep: Json) => (rep.destination.assumeRoleArn = "arn:aws:iam::444444444444:user/deploy"),
      `${REP}.destination.assumeRoleArn: must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy`,
    ],
  ])("%s", (_rule, env, change, expected) => {
    expect(problems(env, change)).toContain(expected);
  });

  test("the shipped configurations are valid", () => {
    expect(problems("staging", () => undefined)).toEqual([]);
    expect(problems("prod", () => undefined)).toEqual([]);
    expect(problems("dev", () => undefined)).toEqual([]);
    // Same account, another region: the same alias is another key's there (aliases are regional).
    expect(problems("dev", (rep) => (rep.destination.key.alias = "alias/dev-replicated"))).toEqual([]);
  });
});

describe("construct errors name the construct path, the prop, the value and the fix", () => {
  const build = (
    env: EnvironmentConfig,
    change: (p: { -readonly [K in keyof CrossAccountReplicationBlueprintProps]: CrossAccountReplicationBlueprintProps[K] }) => void,
  ) => {
    const stack = new EnvironmentStack(Testing.app({ stackTraces: false }), { env, blueprint: BLUEPRINT.name });
    const props = {
      environmentName: env.name,
      account: env.account,
      region: env.region,
      config: structuredClone(env.blueprints[BLUEPRINT.name]) as CrossAccountReplicationConfig,
      preventDestroy: stack.preventDestroy,
    };
    change(props);
    return () => new CrossAccountReplicationBlueprint(stack, "replication", props);
  };
  const prod = environment("prod");
  const staging = environment("staging");
  const at = "prod-cross-account-replication/replication";

  test.each([
    [
      "destination assume_role in the source account and region",
      prod,
      (p: Json) => {
        p.config.destination.account = "333333333333";
        p.config.destination.region = "us-east-1";
      },
      `${at}: config.destination.assumeRoleArn must be omitted when the destination is the environment's own account and region: the stack's provider creates it (set the environment's assumeRoleArn instead) (got "arn:aws:iam::444444444444:role/platform-deploy"). Fix: drop destination.assumeRoleArn (the source provider creates the destination)`,
    ],
    [
      "source account not 12 digits",
      prod,
      (p: Json) => (p.account = "3333"),
      `${at}: account must be an AWS account id: exactly 12 digits, as a string (quote it; leading zeros count) (got "3333"). Fix: pass the source account id as a 12-digit string`,
    ],
    [
      "unknown source region",
      prod,
      (p: Json) => (p.region = "us-east-7"),
      `${at}: region must be a known AWS region (got "us-east-7"). Fix: use a region name such as eu-west-1`,
    ],
    [
      "created destination in another partition",
      prod,
      (p: Json) => (p.config.destination.region = "us-gov-west-1"),
      `${at}: config.destination.region must be in partition aws, like the source region us-east-1 (got "us-gov-west-1"). Fix: replicate within one partition`,
    ],
    [
      "no environment name and no role name",
      prod,
      (p: Json) => (p.environmentName = ""),
      `${at}: environmentName must be 1-20 characters: a lowercase letter, then lowercase letters, digits or '-' (got ""). Fix: pass the environment's name (it forms the default role name <env>-s3-replication), or set config.replicationRoleName`,
    ],
  ])("%s", (_rule, env, change, message) => {
    expect(build(env, change)).toThrow(ConstructPropError);
    expect(build(env, change)).toThrow(message);
  });

  const st = "staging-cross-account-replication/replication";
  test.each([
    [
      "existing destination in the source account",
      (p: Json) => {
        p.config.destination.account = "222222222222";
        p.config.destination.keyArn = `arn:aws:kms:eu-central-1:222222222222:key/${KEY_ID}`;
      },
      `${st}: config.destination.mode must be create when the destination is the environment's account 222222222222: same-account replication into an existing bucket is not supported (create the destination here, or replicate into another account) (got "existing"). Fix: create the destination here, or replicate into another account`,
    ],
    [
      "existing bucket in another partition",
      (p: Json) => (p.config.destination.bucketArn = "arn:aws-cn:s3:::acme-vault"),
      `${st}: config.destination.bucketArn ARN is in partition aws-cn but region eu-central-1 is in partition aws; use arn:aws:... (got "arn:aws-cn:s3:::acme-vault"). Fix: use arn:aws:...`,
    ],
  ])("%s", (_rule, change, message) => {
    expect(build(staging, change)).toThrow(ConstructPropError);
    expect(build(staging, change)).toThrow(message);
  });
  // The configuration's own rules (destination account and region, role name, key of the destination
  // account and its region, destination bucket other than the source's) live in config.ts only:
  // `config` is the schema's output. "configuration errors name the field" above tests each.
});
