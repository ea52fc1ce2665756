/**
 * One row per validation rule: a config that breaks the rule must fail with the rule's message at
 * the exact field path, and a config that keeps it must pass. Each row mutates one field of a
 * valid base config (the content of apps/dev/environment.json).
 */
import { ConfigError, parseEnvironment, type ConfigProblem, type EnvironmentConfig } from "@sse-kms/config";
import { BLUEPRINT_NAMES, type Environment, EnvironmentSchema } from "./catalog";

// ---------------------------------------------------------------------------------------------
// The base: a copy of apps/dev/environment.json (valid), plus helpers to reach its parts.
// ---------------------------------------------------------------------------------------------

/* eslint-disable @typescript-eslint/no-explicit-any */
type Config = Record<string, any>;

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
      "customer-managed": {
        key: {
          name: "data",
          alias: "alias/dev-data",
          description: "dev data key for S3 SSE-KMS",
          rotationPeriodInDays: 365,
          deletionWindowInDays: 7,
          administrators: ["arn:aws:iam::111111111111:role/platform-key-admin"],
          users: ["arn:aws:iam::111111111111:role/app-data"],
        },
        buckets: [{ name: "acme-dev-data-111111111111" }],
      },
    },
  };
}

/** A valid cross-account-replication blueprint for the dev environment. */
function replication(): Config {
  return {
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
  };
}

/** A valid imported-material blueprint for the dev environment. */
function importedMaterial(): Config {
  return {
    key: { name: "byok", alias: "alias/dev-byok", administrators: ["arn:aws:iam::111111111111:role/platform-key-admin"] },
    buckets: [{ name: "acme-dev-byok-111111111111" }],
  };
}

const cm = (c: Config): Config => c.blueprints["customer-managed"];
const key = (c: Config): Config => cm(c).key;
const bucket0 = (c: Config): Config => cm(c).buckets[0];
const rep = (c: Config): Config => c.blueprints["cross-account-replication"];
const withReplication = (c: Config): Config => {
  c.blueprints["cross-account-replication"] = replication();
  return c;
};

const KEY = "blueprints.customer-managed.key";
const BUCKET0 = "blueprints.customer-managed.buckets[0]";
const REP = "blueprints.cross-account-replication";

// The messages, spelled out: a changed message must be a deliberate change of this table.
const M = {
  deletionRange: "must be between 7 and 30 days",
  rotationRange: "must be between 90 and 2560 days",
  wholeDays: "must be a whole number of days",
  aliasPrefix: "must start with alias/",
  aliasReserved: "must not start with alias/aws/ (reserved for AWS managed keys)",
  aliasChars: "may contain only letters, digits, '/', '_' and '-' after alias/, and must not be empty",
  aliasLength: "must be at most 256 characters",
  bucketLength: "must be 3 to 63 characters long",
  bucketChars: "may contain only lowercase letters, digits, '.' and '-'",
  bucketEnds: "must begin and end with a lowercase letter or digit",
  bucketDots: "must not contain two adjacent periods",
  bucketIp: "must not be formatted as an IP address",
  bucketPrefix: "must not start with a reserved prefix (xn--, sthree-, amzn-s3-demo-)",
  bucketSuffix: "must not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)",
  accountFormat: "must be an AWS account id: exactly 12 digits, as a string (quote it; leading zeros count)",
  accountType: "must be a string of 12 digits",
  region: "must be a known AWS region name such as eu-west-1 or us-east-1 (availability zones like eu-west-1a are not regions)",
  principal: "must be an IAM role, user or account-root ARN such as arn:aws:iam::123456789012:role/app (no wildcards, no assumed-role session ARNs)",
  symmetricOnly: "S3 SSE-KMS supports symmetric keys only: use SYMMETRIC_DEFAULT",
  lockOut:
    "no principal could manage this key: a key policy without administrators and without root management locks the key out forever; add an administrator or set rootManagement to true",
  twice: "must not list the same principal twice",
  duplicateBucket: "duplicate bucket name",
  unknown: "unknown field (check its spelling against the schema; unknown fields are errors)",
  sameAccountExisting:
    "must be create when the destination is the environment's account 111111111111: same-account replication into an existing bucket is not supported (create the destination here, or replicate into another account)",
  tagReserved: "tag keys must not start with aws: (reserved)",
  tagCount: "at most 50 tags per resource",
  tagKeyLength: "tag keys must be 1 to 128 characters",
  tagValueLength: "tag values must be at most 256 characters",
  tagValueChars: "tag values may contain letters, digits, spaces and _ . : / = + - @",
  versioning: "must be true: replication needs versioning on the source and destination buckets",
} as const;

/** The problems of a config: [] when it is valid. Any error other than ConfigError fails the test. */
function problemsOf(config: unknown): { problems: readonly ConfigProblem[]; error?: ConfigError; parsed?: EnvironmentConfig } {
  try {
    return { problems: [], parsed: parseEnvironment(EnvironmentSchema, config, "environment.json") };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { problems: e.problems, error: e };
  }
}

function mutated(mutate: (c: Config) => unknown): Config {
  const c = devConfig();
  mutate(c);
  return c;
}

test("the base config (apps/dev/environment.json) is valid", () => {
  expect(problemsOf(devConfig()).problems).toEqual([]);
  expect(problemsOf(withReplication(devConfig())).problems).toEqual([]);
  expect(problemsOf(mutated((c) => (c.blueprints["imported-material"] = importedMaterial()))).problems).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// Failing rows: [rule, mutation, field path, message, value the message reports].
// ---------------------------------------------------------------------------------------------

interface Failing {
  rule: string;
  mutate: (c: Config) => unknown;
  path: string;
  message: string;
}

const tags = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`tag${i}`, "v"]));

const failing: Failing[] = [
  // Deletion window 7..30, whole days.
  { rule: "deletion window 6", mutate: (c) => (key(c).deletionWindowInDays = 6), path: `${KEY}.deletionWindowInDays`, message: M.deletionRange },
  { rule: "deletion window 31", mutate: (c) => (key(c).deletionWindowInDays = 31), path: `${KEY}.deletionWindowInDays`, message: M.deletionRange },
  { rule: "deletion window 7.5", mutate: (c) => (key(c).deletionWindowInDays = 7.5), path: `${KEY}.deletionWindowInDays`, message: M.wholeDays },
  { rule: "deletion window as a string", mutate: (c) => (key(c).deletionWindowInDays = "7"), path: `${KEY}.deletionWindowInDays`, message: M.wholeDays },
  // Rotation period 90..2560.
  { rule: "rotation period 89", mutate: (c) => (key(c).rotationPeriodInDays = 89), path: `${KEY}.rotationPeriodInDays`, message: M.rotationRange },
  { rule: "rotation period 2561", mutate: (c) => (key(c).rotationPeriodInDays = 2561), path: `${KEY}.rotationPeriodInDays`, message: M.rotationRange },
  { rule: "rotation period 365.5", mutate: (c) => (key(c).rotationPeriodInDays = 365.5), path: `${KEY}.rotationPeriodInDays`, message: M.wholeDays },
  // Alias names.
  { rule: "alias without alias/ prefix", mutate: (c) => (key(c).alias = "dev-data"), path: `${KEY}.alias`, message: M.aliasPrefix },
  { rule: "alias under alias/aws/", mutate: (c) => (key(c).alias = "alias/aws/s3"), path: `${KEY}.alias`, message: M.aliasReserved },
  { rule: "alias with a '.'", mutate: (c) => (key(c).alias = "alias/dev.data"), path: `${KEY}.alias`, message: M.aliasChars },
  { rule: "alias with a space", mutate: (c) => (key(c).alias = "alias/dev data"), path: `${KEY}.alias`, message: M.aliasChars },
  { rule: "alias empty after the prefix", mutate: (c) => (key(c).alias = "alias/"), path: `${KEY}.alias`, message: M.aliasChars },
  { rule: "alias of 257 characters", mutate: (c) => (key(c).alias = `alias/${"a".repeat(251)}`), path: `${KEY}.alias`, message: M.aliasLength },
  // S3 bucket names.
  { rule: "bucket name of 2 characters", mutate: (c) => (bucket0(c).name = "ab"), path: `${BUCKET0}.name`, message: M.bucketLength },
  { rule: "bucket name of 64 characters", mutate: (c) => (bucket0(c).name = "a".repeat(64)), path: `${BUCKET0}.name`, message: M.bucketLength },
  { rule: "bucket name with uppercase", mutate: (c) => (bucket0(c).name = "acme-Dev-data"), path: `${BUCKET0}.name`, message: M.bucketChars },
  { rule: "bucket name with '_'", mutate: (c) => (bucket0(c).name = "acme_dev_data"), path: `${BUCKET0}.name`, message: M.bucketChars },
  { rule: "bucket name with '..'", mutate: (c) => (bucket0(c).name = "acme..data"), path: `${BUCKET0}.name`, message: M.bucketDots },
  { rule: "bucket name that is an IPv4 address", mutate: (c) => (bucket0(c).name = "192.168.5.4"), path: `${BUCKET0}.name`, message: M.bucketIp },
  { rule: "bucket name starting with '-'", mutate: (c) => (bucket0(c).name = "-acme-data"), path: `${BUCKET0}.name`, message: M.bucketEnds },
  { rule: "bucket name ending with '-'", mutate: (c) => (bucket0(c).name = "acme-data-"), path: `${BUCKET0}.name`, message: M.bucketEnds },
  { rule: "bucket name ending with '.'", mutate: (c) => (bucket0(c).name = "acme-data."), path: `${BUCKET0}.name`, message: M.bucketEnds },
  { rule: "bucket name prefix xn--", mutate: (c) => (bucket0(c).name = "xn--acme-data"), path: `${BUCKET0}.name`, message: M.bucketPrefix },
  { rule: "bucket name prefix sthree-", mutate: (c) => (bucket0(c).name = "sthree-acme-data"), path: `${BUCKET0}.name`, message: M.bucketPrefix },
  { rule: "bucket name prefix amzn-s3-demo-", mutate: (c) => (bucket0(c).name = "amzn-s3-demo-acme"), path: `${BUCKET0}.name`, message: M.bucketPrefix },
  { rule: "bucket name suffix -s3alias", mutate: (c) => (bucket0(c).name = "acme-data-s3alias"), path: `${BUCKET0}.name`, message: M.bucketSuffix },
  { rule: "bucket name suffix --ol-s3", mutate: (c) => (bucket0(c).name = "acme-data--ol-s3"), path: `${BUCKET0}.name`, message: M.bucketSuffix },
  { rule: "bucket name suffix .mrap", mutate: (c) => (bucket0(c).name = "acme-data.mrap"), path: `${BUCKET0}.name`, message: M.bucketSuffix },
  { rule: "bucket name suffix --x-s3", mutate: (c) => (bucket0(c).name = "acme-data--x-s3"), path: `${BUCKET0}.name`, message: M.bucketSuffix },
  { rule: "bucket name suffix --table-s3", mutate: (c) => (bucket0(c).name = "acme-data--table-s3"), path: `${BUCKET0}.name`, message: M.bucketSuffix },
  // Account ids: 12 digits, as a string.
  { rule: "account of 11 digits", mutate: (c) => (c.account = "11111111111"), path: "account", message: M.accountFormat },
  { rule: "account of 13 digits", mutate: (c) => (c.account = "1111111111111"), path: "account", message: M.accountFormat },
  { rule: "account as a number", mutate: (c) => (c.account = 111111111111), path: "account", message: M.accountType },
  { rule: "account with letters", mutate: (c) => (c.account = "11111111111a"), path: "account", message: M.accountFormat },
  { rule: "account with spaces", mutate: (c) => (c.account = " 111111111111"), path: "account", message: M.accountFormat },
  // Known region names.
  { rule: "region that is an availability zone", mutate: (c) => (c.region = "eu-west-1a"), path: "region", message: M.region },
  { rule: "region in uppercase", mutate: (c) => (c.region = "EU-WEST-1"), path: "region", message: M.region },
  { rule: "unknown region", mutate: (c) => (c.region = "mars-1"), path: "region", message: M.region },
  // Principal ARNs.
  {
    rule: "assumed-role session ARN",
    mutate: (c) => (key(c).users = ["arn:aws:sts::111111111111:assumed-role/app-data/session"]),
    path: `${KEY}.users[0]`,
    message: M.principal,
  },
  { rule: "wildcard principal", mutate: (c) => (key(c).users = ["*"]), path: `${KEY}.users[0]`, message: M.principal },
  { rule: "wildcard role name", mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:role/*"]), path: `${KEY}.users[0]`, message: M.principal },
  {
    rule: "wildcard in the role path",
    mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:role/team*/app"]),
    path: `${KEY}.users[0]`,
    message: M.principal,
  },
  {
    rule: "'?' in the role path",
    mutate: (c) => (key(c).administrators = ["arn:aws:iam::111111111111:role/te?m/admin"]),
    path: `${KEY}.administrators[0]`,
    message: M.principal,
  },
  { rule: "principal without account", mutate: (c) => (key(c).users = ["arn:aws:iam:::role/app-data"]), path: `${KEY}.users[0]`, message: M.principal },
  {
    rule: "principal with an 11-digit account",
    mutate: (c) => (key(c).users = ["arn:aws:iam::11111111111:role/app-data"]),
    path: `${KEY}.users[0]`,
    message: M.principal,
  },
  {
    rule: "principal that is a group",
    mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:group/devs"]),
    path: `${KEY}.users[0]`,
    message: M.principal,
  },
  {
    rule: "role name of 65 characters",
    mutate: (c) => (key(c).users = [`arn:aws:iam::111111111111:role/${"r".repeat(65)}`]),
    path: `${KEY}.users[0]`,
    message: M.principal,
  },
  // One partition per environment.
  {
    rule: "aws-cn user in a eu-west-1 environment",
    mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:role/app-data", "arn:aws-cn:iam::111111111111:role/app-data-cn"]),
    path: `${KEY}.users[1]`,
    message: "ARN is in partition aws-cn but region eu-west-1 is in partition aws; use arn:aws:...",
  },
  {
    rule: "aws-us-gov administrator in a eu-west-1 environment",
    mutate: (c) => (key(c).administrators = ["arn:aws-us-gov:iam::111111111111:role/platform-key-admin"]),
    path: `${KEY}.administrators[0]`,
    message: "ARN is in partition aws-us-gov but region eu-west-1 is in partition aws; use arn:aws:...",
  },
  {
    rule: "aws-cn deploy role in a eu-west-1 environment",
    mutate: (c) => (c.assumeRoleArn = "arn:aws-cn:iam::111111111111:role/deploy"),
    path: "assumeRoleArn",
    message: "ARN is in partition aws-cn but region eu-west-1 is in partition aws; use arn:aws:...",
  },
  {
    rule: "aws ARNs in a cn-north-1 environment",
    mutate: (c) => {
      c.region = "cn-north-1";
      key(c).administrators = ["arn:aws-cn:iam::111111111111:role/platform-key-admin"];
      // users[0] keeps its arn:aws: ARN
    },
    path: `${KEY}.users[0]`,
    message: "ARN is in partition aws but region cn-north-1 is in partition aws-cn; use arn:aws-cn:...",
  },
  {
    rule: "replication destination in another partition",
    mutate: (c) => (withReplication(c), (rep(c).destination.region = "us-gov-west-1")),
    path: `${REP}.destination.region`,
    message: "must be in partition aws, like the source region eu-west-1",
  },
  // Key spec: symmetric only.
  { rule: "key spec RSA_2048", mutate: (c) => (key(c).keySpec = "RSA_2048"), path: `${KEY}.keySpec`, message: M.symmetricOnly },
  { rule: "key spec HMAC_256", mutate: (c) => (key(c).keySpec = "HMAC_256"), path: `${KEY}.keySpec`, message: M.symmetricOnly },
  {
    rule: "key spec that does not exist",
    mutate: (c) => (key(c).keySpec = "AES_256"),
    path: `${KEY}.keySpec`,
    message:
      "must be one of SYMMETRIC_DEFAULT, RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, HMAC_224, HMAC_256, HMAC_384, HMAC_512, SM2, ML_DSA_44, ML_DSA_65, ML_DSA_87",
  },
  // Lock-out.
  {
    rule: "no administrators and no root management",
    mutate: (c) => ((key(c).administrators = []), (key(c).rootManagement = false)),
    path: `${KEY}.administrators`,
    message: M.lockOut,
  },
  {
    rule: "administrators omitted and no root management",
    mutate: (c) => (delete key(c).administrators, (key(c).rootManagement = false)),
    path: `${KEY}.administrators`,
    message: M.lockOut,
  },
  {
    rule: "lock-out of the imported-material key",
    mutate: (c) => {
      c.blueprints["imported-material"] = importedMaterial();
      c.blueprints["imported-material"].key.administrators = [];
      c.blueprints["imported-material"].key.rootManagement = false;
    },
    path: "blueprints.imported-material.key.administrators",
    message: M.lockOut,
  },
  {
    rule: "lock-out of the replication destination key",
    mutate: (c) => (withReplication(c), (rep(c).destination.key.rootManagement = false)),
    path: `${REP}.destination.key.administrators`,
    message: M.lockOut,
  },
  // Separation of duties, and duplicates.
  {
    rule: "administrator who is also a user",
    mutate: (c) => key(c).users.push("arn:aws:iam::111111111111:role/platform-key-admin"),
    path: `${KEY}.users`,
    message: "separation of duties: arn:aws:iam::111111111111:role/platform-key-admin is both administrator and user; use different principals",
  },
  {
    rule: "the same administrator twice",
    mutate: (c) => key(c).administrators.push("arn:aws:iam::111111111111:role/platform-key-admin"),
    path: `${KEY}.administrators`,
    message: M.twice,
  },
  {
    rule: "duplicate bucket names in one blueprint",
    mutate: (c) => cm(c).buckets.push({ name: "acme-other-111111111111" }, { name: "acme-dev-data-111111111111" }),
    path: "blueprints.customer-managed.buckets[2].name",
    message: M.duplicateBucket,
  },
  {
    rule: "the same bucket in two blueprints",
    mutate: (c) => {
      c.blueprints["imported-material"] = importedMaterial();
      c.blueprints["imported-material"].buckets.push({ name: "acme-dev-data-111111111111" });
    },
    path: "blueprints.imported-material.buckets[1].name",
    message: "bucket names are global: the same name is already used by blueprints.customer-managed.buckets[0].name",
  },
  {
    rule: "the replication source bucket is a customer-managed bucket",
    mutate: (c) => (withReplication(c), (rep(c).source.bucket.name = "acme-dev-data-111111111111")),
    // Blueprints are checked in the order of their names: the later one's field is reported.
    path: "blueprints.customer-managed.buckets[0].name",
    message: `bucket names are global: the same name is already used by ${REP}.source.bucket.name`,
  },
  {
    rule: "replication destination bucket named like its source",
    mutate: (c) => (withReplication(c), (rep(c).destination.bucket.name = rep(c).source.bucket.name)),
    path: `${REP}.destination.bucket.name`,
    message: `bucket names are global: the same name is already used by ${REP}.source.bucket.name`,
  },
  {
    rule: "the same alias in two blueprints",
    mutate: (c) => {
      c.blueprints["imported-material"] = importedMaterial();
      c.blueprints["imported-material"].key.alias = "alias/dev-data";
    },
    path: "blueprints.imported-material.key.alias",
    message: "aliases are unique per account and region: the same alias is already used by blueprints.customer-managed.key.alias",
  },
  // Unknown keys, at every level.
  { rule: "unknown key at the root", mutate: (c) => (c.acount = "111111111111"), path: "acount", message: M.unknown },
  { rule: "unknown blueprint", mutate: (c) => (c.blueprints["customer-manged"] = {}), path: "blueprints.customer-manged", message: M.unknown },
  { rule: "unknown key in a key", mutate: (c) => (key(c).rotationEnabled = true), path: `${KEY}.rotationEnabled`, message: M.unknown },
  { rule: "unknown key in a bucket", mutate: (c) => (bucket0(c).versionning = true), path: `${BUCKET0}.versionning`, message: M.unknown },
  { rule: "unknown key in a local backend", mutate: (c) => (c.backend.dir = "state"), path: "backend.dir", message: M.unknown },
  {
    rule: "unknown key in an s3 backend",
    mutate: (c) => (c.backend = { type: "s3", bucket: "acme-terraform-state", region: "eu-west-1", dynamodbTable: "locks" }),
    path: "backend.dynamodbTable",
    message: M.unknown,
  },
  {
    rule: "unknown key in cloud workspaces (inside a union)",
    mutate: (c) => (c.backend = { type: "cloud", organization: "acme", workspaces: { name: "dev-{stack}", project: "p" } }),
    path: "backend.workspaces.project",
    message: M.unknown,
  },
  {
    rule: "unknown key in a replication destination",
    mutate: (c) => (withReplication(c), (rep(c).destination.kmsKey = "x")),
    path: `${REP}.destination.kmsKey`,
    message: M.unknown,
  },
  {
    rule: "rotation period on an imported key (EXTERNAL keys do not rotate)",
    mutate: (c) => ((c.blueprints["imported-material"] = importedMaterial()), (c.blueprints["imported-material"].key.rotationPeriodInDays = 365)),
    path: "blueprints.imported-material.key.rotationPeriodInDays",
    message: M.unknown,
  },
  // Cross-account replication.
  {
    rule: "existing destination in the source account",
    mutate: (c) => {
      withReplication(c);
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
      withReplication(c);
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
      withReplication(c);
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
      withReplication(c);
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
    mutate: (c) => (withReplication(c), (rep(c).destination.mode = "import")),
    path: `${REP}.destination.mode`,
    message: "mode must be create or existing",
  },
  {
    rule: "replication source without versioning",
    mutate: (c) => (withReplication(c), (rep(c).source.bucket.versioning = false)),
    path: `${REP}.source.bucket.versioning`,
    message: M.versioning,
  },
  {
    rule: "replication destination without versioning",
    mutate: (c) => (withReplication(c), (rep(c).destination.bucket.versioning = false)),
    path: `${REP}.destination.bucket.versioning`,
    message: M.versioning,
  },
  // Tags.
  { rule: "tag key with aws: prefix", mutate: (c) => (c.tags["aws:owner"] = "me"), path: 'tags["aws:owner"]', message: M.tagReserved },
  { rule: "tag key with AWS: prefix", mutate: (c) => (c.tags["AWS:owner"] = "me"), path: 'tags["AWS:owner"]', message: M.tagReserved },
  { rule: "51 tags", mutate: (c) => (c.tags = tags(51)), path: "tags", message: M.tagCount },
  { rule: "129-character tag key", mutate: (c) => (c.tags[`k${"e".repeat(128)}`] = "v"), path: `tags.k${"e".repeat(128)}`, message: M.tagKeyLength },
  { rule: "empty tag key", mutate: (c) => (c.tags[""] = "v"), path: 'tags[""]', message: M.tagKeyLength },
  { rule: "257-character tag value", mutate: (c) => (c.tags.owner = "v".repeat(257)), path: "tags.owner", message: M.tagValueLength },
  { rule: "tag value with '!'", mutate: (c) => (c.tags.owner = "platform!"), path: "tags.owner", message: M.tagValueChars },
  // Other fields.
  {
    rule: "environment name with uppercase",
    mutate: (c) => (c.name = "Dev"),
    path: "name",
    message: "must be 1-20 characters: a lowercase letter, then lowercase letters, digits or '-'",
  },
  {
    rule: "key name with '_' (part of Terraform addresses)",
    mutate: (c) => (key(c).name = "data_key"),
    path: `${KEY}.name`,
    message: "must be 1-31 characters: a lowercase letter, then lowercase letters, digits or '-'",
  },
  {
    rule: "key administrator of another account",
    mutate: (c) => (key(c).administrators = ["arn:aws:iam::111111111112:role/platform-key-admin"]),
    path: `${KEY}.administrators[0]`,
    message:
      "must be a principal of the environment's account 111111111111, not of account 111111111112: an administrator holds kms:PutKeyPolicy and kms:ScheduleKeyDeletion, so another account would own the key (check the account id for a typo)",
  },
  {
    rule: "key user of another account",
    mutate: (c) => (key(c).users = ["arn:aws:iam::222222222222:root"]),
    path: `${KEY}.users[0]`,
    message:
      "must be a principal of the environment's account 111111111111, not of account 222222222222: the key policy pins kms:CallerAccount to the key's account, so this grant could never apply (check the account id for a typo)",
  },
  {
    rule: "source-account administrator of the replication destination key",
    mutate: (c) => (withReplication(c), (rep(c).destination.key.administrators = ["arn:aws:iam::111111111111:role/platform-key-admin"])),
    path: `${REP}.destination.key.administrators[0]`,
    message:
      "must be a principal of the destination account 444444444444, not of account 111111111111: the source account would administer the backup key (rewrite its policy or schedule its deletion), which breaks the isolation of the replica",
  },
  {
    rule: "source-account user of the replication destination key",
    mutate: (c) => (withReplication(c), (rep(c).destination.key.users = ["arn:aws:iam::111111111111:role/app-data"])),
    path: `${REP}.destination.key.users[0]`,
    message:
      "must be a principal of the destination account 444444444444, not of account 111111111111: the key policy pins kms:CallerAccount to the key's account, so this grant could never apply (check the account id for a typo)",
  },
  {
    rule: "cloud workspace name without {stack}",
    mutate: (c) => (c.backend = { type: "cloud", organization: "acme", workspaces: { name: "sse-kms-dev" } }),
    path: "backend.workspaces.name",
    message:
      "must contain {stack} (and otherwise only letters, digits, '-' and '_'): without it every stack of the environment shares one workspace and one state, so applying one stack plans the destruction of the others",
  },
  {
    rule: "local state directory that leaves the repository",
    mutate: (c) => (c.backend.directory = "state/../../elsewhere"),
    path: "backend.directory",
    message: "must stay inside the repository: remove the '..' segments that climb out of it",
  },
  {
    rule: "absolute local state directory",
    mutate: (c) => (c.backend.directory = "/var/state"),
    path: "backend.directory",
    message: "must be a relative path (absolute paths make synth output machine-specific)",
  },
  {
    rule: "Windows-absolute local state directory",
    mutate: (c) => (c.backend.directory = "C:\\state"),
    path: "backend.directory",
    message: "must be a relative path (absolute paths make synth output machine-specific)",
  },
  { rule: "backend type", mutate: (c) => (c.backend = { type: "gcs" }), path: "backend.type", message: "type must be one of local, s3, cloud" },
  {
    rule: "no blueprint enabled",
    mutate: (c) => (c.blueprints = {}),
    path: "blueprints",
    message: `enable at least one blueprint (${BLUEPRINT_NAMES.join(", ")})`,
  },
  { rule: "no bucket", mutate: (c) => (cm(c).buckets = []), path: "blueprints.customer-managed.buckets", message: "list at least one bucket" },
  {
    rule: "key material expiry without time zone",
    mutate: (c) => (
      (c.blueprints["imported-material"] = importedMaterial()),
      (c.blueprints["imported-material"].keyMaterial = { validTo: "2027-12-31T23:59:59" })
    ),
    path: "blueprints.imported-material.keyMaterial.validTo",
    message: "must be an ISO-8601 timestamp with a time zone, e.g. 2027-12-31T23:59:59Z",
  },
];

describe.each(failing)("rejects: $rule", ({ mutate, path, message }) => {
  const config = mutated(mutate);
  const { problems, error } = problemsOf(config);

  test(`${path}: ${message.slice(0, 60)}`, () => {
    expect(error).toBeInstanceOf(ConfigError);
    // The rule's message, at the exact field ...
    expect(problems).toContainEqual(expect.objectContaining({ path, message, source: "environment.json" }));
    // ... and nothing at any other field: the mutation broke this rule only.
    expect([...new Set(problems.map((p) => p.path))]).toEqual([path]);
    // One line per problem in the error message, naming file, field and rule.
    const lines = error!.message.split("\n");
    expect(lines).toHaveLength(problems.length);
    expect(lines.some((l) => l.startsWith(`environment.json: ${path}: ${message} (got `))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Passing rows: the same rules, kept.
// ---------------------------------------------------------------------------------------------

interface Passing {
  rule: string;
  mutate: (c: Config) => unknown;
  check?: (env: EnvironmentConfig) => void;
}

const keyOut = (e: EnvironmentConfig) => {
  const k = (e as Environment).blueprints["customer-managed"]!.key;
  if ("existingKeyArn" in k) throw new Error("expected a key definition, got an existing key");
  return k;
};

const passing: Passing[] = [
  { rule: "deletion window 7", mutate: (c) => (key(c).deletionWindowInDays = 7), check: (e) => expect(keyOut(e).deletionWindowInDays).toBe(7) },
  { rule: "deletion window 30", mutate: (c) => (key(c).deletionWindowInDays = 30) },
  {
    rule: "deletion window omitted (default 30)",
    mutate: (c) => delete key(c).deletionWindowInDays,
    check: (e) => expect(keyOut(e).deletionWindowInDays).toBe(30),
  },
  { rule: "rotation period 90", mutate: (c) => (key(c).rotationPeriodInDays = 90) },
  { rule: "rotation period 2560", mutate: (c) => (key(c).rotationPeriodInDays = 2560) },
  {
    rule: "rotation period omitted (default 365)",
    mutate: (c) => delete key(c).rotationPeriodInDays,
    check: (e) => expect(keyOut(e).rotationPeriodInDays).toBe(365),
  },
  { rule: "alias with '/', '_' and '-'", mutate: (c) => (key(c).alias = "alias/dev/data_key-1") },
  { rule: "alias of 256 characters", mutate: (c) => (key(c).alias = `alias/${"a".repeat(250)}`) },
  { rule: "alias that only mentions aws", mutate: (c) => (key(c).alias = "alias/aws-data") },
  { rule: "bucket name of 3 characters", mutate: (c) => (bucket0(c).name = "abc") },
  { rule: "bucket name of 63 characters", mutate: (c) => (bucket0(c).name = "a".repeat(63)) },
  { rule: "bucket name with dots and digits", mutate: (c) => (bucket0(c).name = "acme.data.2024") },
  { rule: "bucket name that only looks like an address", mutate: (c) => (bucket0(c).name = "192.168.5.4.data") },
  { rule: "bucket name containing a reserved suffix mid-name", mutate: (c) => (bucket0(c).name = "acme-s3alias-data") },
  {
    rule: "account with leading zeros",
    mutate: (c) => {
      c.account = "012345678901";
      key(c).administrators = ["arn:aws:iam::012345678901:role/platform-key-admin"];
      key(c).users = ["arn:aws:iam::012345678901:role/app-data"];
    },
  },
  { rule: "region us-east-1", mutate: (c) => (c.region = "us-east-1") },
  { rule: "role principal", mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:role/app-data"]) },
  { rule: "role principal with a path", mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:role/service-role/team/app-data"]) },
  { rule: "user principal", mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:user/alice"]) },
  { rule: "account root principal as user", mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:root"]) },
  {
    rule: "destination key administrator of the destination account",
    mutate: (c) => (withReplication(c), (rep(c).destination.key.administrators = ["arn:aws:iam::444444444444:role/backup-admin"])),
  },
  {
    rule: "cloud backend with {stack} in the workspace name",
    mutate: (c) => (c.backend = { type: "cloud", organization: "acme", workspaces: { name: "sse-kms-{stack}" } }),
  },
  { rule: "local state directory with a '..' that stays inside", mutate: (c) => (c.backend.directory = "state/../terraform-state") },
  { rule: "IAM name characters +=,.@_-", mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:role/a+b=c,d.e@f_g-h"]) },
  {
    rule: "a whole environment in aws-cn",
    mutate: (c) => {
      c.region = "cn-north-1";
      key(c).administrators = ["arn:aws-cn:iam::111111111111:role/platform-key-admin"];
      key(c).users = ["arn:aws-cn:iam::111111111111:role/app-data"];
    },
    check: (e) => expect(e.region).toBe("cn-north-1"),
  },
  { rule: "key spec SYMMETRIC_DEFAULT", mutate: (c) => (key(c).keySpec = "SYMMETRIC_DEFAULT") },
  { rule: "no administrators, root management on", mutate: (c) => (key(c).administrators = []) },
  {
    rule: "no administrators, root management off, allowRootFullAccess",
    mutate: (c) => ((key(c).administrators = []), (key(c).rootManagement = false), (key(c).allowRootFullAccess = true)),
  },
  { rule: "administrators and no root management", mutate: (c) => (key(c).rootManagement = false) },
  { rule: "several distinct buckets", mutate: (c) => cm(c).buckets.push({ name: "acme-dev-logs-111111111111" }, { name: "acme-dev-tmp-111111111111" }) },
  { rule: "imported-material blueprint beside customer-managed", mutate: (c) => (c.blueprints["imported-material"] = importedMaterial()) },
  { rule: "replication to another account", mutate: (c) => withReplication(c) },
  {
    rule: "replication within the account, another region (S3 CRR), with RTC and a prefix filter",
    mutate: (c) => {
      withReplication(c);
      Object.assign(rep(c).destination, { account: "111111111111", bucket: { name: "acme-dev-replica-dst-111111111111" } });
      Object.assign(rep(c), { replicationTimeControl: true, filter: { prefix: "reports/" } });
    },
  },
  {
    rule: "replication within the account and region (S3 SRR), with a tag filter",
    mutate: (c) => {
      withReplication(c);
      Object.assign(rep(c).destination, { account: "111111111111", region: "eu-west-1", bucket: { name: "acme-dev-replica-dst-111111111111" } });
      rep(c).filter = { tags: { replicate: "yes" } };
    },
  },
  {
    rule: "replication to an existing destination",
    mutate: (c) => {
      withReplication(c);
      rep(c).destination = {
        mode: "existing",
        account: "444444444444",
        bucketArn: "arn:aws:s3:::acme-replica",
        keyArn: "arn:aws:kms:eu-west-2:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      };
    },
  },
  { rule: "50 tags", mutate: (c) => (c.tags = tags(50)) },
  { rule: "128-character tag key", mutate: (c) => (c.tags["k".repeat(128)] = "v") },
  { rule: "tag key that contains aws: later", mutate: (c) => (c.tags["team:aws:owner"] = "me") },
  { rule: "empty tag value and unicode letters", mutate: (c) => ((c.tags.empty = ""), (c.tags["équipe"] = "Zürich 1")) },
  { rule: "s3 backend", mutate: (c) => (c.backend = { type: "s3", bucket: "acme-terraform-state", region: "eu-west-1" }) },
  { rule: "cloud backend with tags", mutate: (c) => (c.backend = { type: "cloud", organization: "acme", workspaces: { tags: ["sse-kms"] } }) },
  { rule: "no $schema", mutate: (c) => delete c.$schema },
];

test.each(passing)("accepts: $rule", ({ mutate, check }) => {
  const { problems, parsed } = problemsOf(mutated(mutate));
  expect(problems).toEqual([]);
  check?.(parsed!);
});

test("several problems in one config are all reported, each at its own path", () => {
  const c = devConfig();
  c.account = "12345";
  key(c).deletionWindowInDays = 3;
  bucket0(c).name = "Bad_Bucket";
  c.colour = "blue";
  const { problems } = problemsOf(c);
  expect(new Set(problems.map((p) => p.path))).toEqual(new Set(["account", `${KEY}.deletionWindowInDays`, `${BUCKET0}.name`, "colour"]));
  expect(problems.find((p) => p.path === "account")?.received).toBe("12345");
  expect(problems.find((p) => p.path === "colour")?.received).toBe("blue");
});
