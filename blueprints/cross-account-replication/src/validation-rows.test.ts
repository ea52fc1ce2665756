/**
 * The validation rows of the cross-account-replication blueprint: one row per rule of its configuration
 * (blueprints.cross-account-replication), run by `validationRows` (@sse-kms/testing) against an environment that enables
 * this blueprint only. A config that breaks the rule fails with the rule's message at the exact field
 * path; a config that keeps it passes. The rules of every environment are the catalog's rows.
 */
import { createEnvironmentSchema } from "@sse-kms/config";
import { type RawConfig as Config, validationRows } from "@sse-kms/testing";
import { blueprint } from "./index";

/** A valid base: the dev environment with a cross-account-replication block only. */
function devConfig(): Config {
  return {
    $schema: "../catalog/schema/environment.schema.json",
    name: "dev",
    account: "111111111111",
    region: "eu-west-1",
    production: false,
    tags: { environment: "dev", owner: "platform-team" },
    backend: { type: "local" },
    blueprints: {
      "cross-account-replication": {
        source: {
          key: {
            name: "replica-src",
            alias: "alias/dev-replica-src",
            administrators: ["arn:aws:iam::111111111111:role/platform-key-admin"],
            users: ["arn:aws:iam::111111111111:role/app-data"],
          },
          bucket: { name: "acme-dev-replica-src-111111111111" },
        },
        destination: {
          mode: "create",
          account: "444444444444",
          region: "eu-west-2",
          key: { name: "replica-dst", alias: "alias/dev-replica-dst" },
          bucket: { name: "acme-dev-replica-dst-444444444444" },
        },
      },
    },
  };
}

const rep = (c: Config): Config => c.blueprints["cross-account-replication"];
const REP = "blueprints.cross-account-replication";

// The messages, spelled out: a changed message must be a deliberate change of this table.
const M = {
  lockOut:
    "no principal could manage this key: a key policy without administrators and without root management locks the key out forever; add an administrator or set rootManagement to true",
  unknown: "unknown field (check its spelling against the schema; unknown fields are errors)",
  sameAccountExisting:
    "must be create when the destination is the environment's account 111111111111: same-account replication into an existing bucket is not supported (create the destination here, or replicate into another account)",
  versioning: "must be true: replication needs versioning on the source and destination buckets",
} as const;

validationRows({
  schema: createEnvironmentSchema([blueprint]),
  base: devConfig,
  rejects: [
    {
      rule: "replication destination in another partition",
      mutate: (c) => (rep(c).destination.region = "us-gov-west-1"),
      path: `${REP}.destination.region`,
      message: "must be in partition aws, like the source region eu-west-1",
    },
    {
      rule: "lock-out of the replication destination key",
      mutate: (c) => (rep(c).destination.key.rootManagement = false),
      path: `${REP}.destination.key.administrators`,
      message: M.lockOut,
    },
    {
      rule: "replication destination bucket named like its source",
      mutate: (c) => (rep(c).destination.bucket.name = rep(c).source.bucket.name),
      path: `${REP}.destination.bucket.name`,
      message: `bucket names are global: the same name is already used by ${REP}.source.bucket.name`,
    },
    {
      rule: "unknown key in a replication destination",
      mutate: (c) => (rep(c).destination.kmsKey = "x"),
      path: `${REP}.destination.kmsKey`,
      message: M.unknown,
    },
    {
      rule: "existing destination in the source account",
      mutate: (c) => {
        rep(c).destination = {
          mode: "existing",
          account: "111111111111",
          bucketArn: "arn:aws:s3:::acme-replica",
          keyArn: "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        };
      },
      path: `${REP}.destination.mode`,
      message: M.sameAccountExisting,
    },
    {
      rule: "existing destination key of another account",
      mutate: (c) => {
        rep(c).destination = {
          mode: "existing",
          account: "444444444444",
          bucketArn: "arn:aws:s3:::acme-replica",
          keyArn: "arn:aws:kms:eu-west-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        };
      },
      path: `${REP}.destination.keyArn`,
      message: "must be a key of the destination account 444444444444",
    },
    {
      rule: "existing destination key in an unknown region",
      mutate: (c) => {
        rep(c).destination = {
          mode: "existing",
          account: "444444444444",
          bucketArn: "arn:aws:s3:::acme-replica",
          keyArn: "arn:aws:kms:eu-west-9:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        };
      },
      path: `${REP}.destination.keyArn`,
      message:
        'names region "eu-west-9", which is not a known AWS region; the destination region is taken from the key ARN (the key must be in the destination bucket\'s region)',
    },
    {
      rule: "existing destination bucket that is the source bucket",
      mutate: (c) => {
        rep(c).destination = {
          mode: "existing",
          account: "444444444444",
          bucketArn: `arn:aws:s3:::${rep(c).source.bucket.name}`,
          keyArn: "arn:aws:kms:eu-west-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        };
      },
      path: `${REP}.destination.bucketArn`,
      message: "must name a bucket other than the source bucket (replication copies into another account's bucket)",
    },
    {
      rule: "replication destination mode",
      mutate: (c) => (rep(c).destination.mode = "import"),
      path: `${REP}.destination.mode`,
      message: "mode must be create or existing",
    },
    {
      rule: "replication source without versioning",
      mutate: (c) => (rep(c).source.bucket.versioning = false),
      path: `${REP}.source.bucket.versioning`,
      message: M.versioning,
    },
    {
      rule: "replication destination without versioning",
      mutate: (c) => (rep(c).destination.bucket.versioning = false),
      path: `${REP}.destination.bucket.versioning`,
      message: M.versioning,
    },
    {
      rule: "source-account administrator of the replication destination key",
      mutate: (c) => (rep(c).destination.key.administrators = ["arn:aws:iam::111111111111:role/platform-key-admin"]),
      path: `${REP}.destination.key.administrators[0]`,
      message:
        "must be a principal of the destination account 444444444444, not of account 111111111111: the source account would administer the backup key (rewrite its policy or schedule its deletion), which breaks the isolation of the replica",
    },
    {
      rule: "source-account user of the replication destination key",
      mutate: (c) => (rep(c).destination.key.users = ["arn:aws:iam::111111111111:role/app-data"]),
      path: `${REP}.destination.key.users[0]`,
      message:
        "must be a principal of the destination account 444444444444, not of account 111111111111: the key policy pins kms:CallerAccount to the key's account, so this grant could never apply (check the account id for a typo)",
    },
  ],
  accepts: [
    {
      rule: "destination key administrator of the destination account",
      mutate: (c) => (rep(c).destination.key.administrators = ["arn:aws:iam::444444444444:role/backup-admin"]),
    },
    {
      rule: "replication within the account, another region (S3 CRR), with RTC and a prefix filter",
      mutate: (c) => {
        Object.assign(rep(c).destination, { account: "111111111111", bucket: { name: "acme-dev-replica-dst-111111111111" } });
        Object.assign(rep(c), { replicationTimeControl: true, filter: { prefix: "reports/" } });
      },
    },
    {
      rule: "replication within the account and region (S3 SRR), with a tag filter",
      mutate: (c) => {
        Object.assign(rep(c).destination, { account: "111111111111", region: "eu-west-1", bucket: { name: "acme-dev-replica-dst-111111111111" } });
        rep(c).filter = { tags: { replicate: "yes" } };
      },
    },
    {
      rule: "replication to an existing destination",
      mutate: (c) => {
        rep(c).destination = {
          mode: "existing",
          account: "444444444444",
          bucketArn: "arn:aws:s3:::acme-replica",
          keyArn: "arn:aws:kms:eu-west-2:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        };
      },
    },
  ],
});
