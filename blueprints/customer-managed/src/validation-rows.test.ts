/**
 * The validation rows of the customer-managed blueprint: one row per rule of its configuration
 * (blueprints.customer-managed), run by `validationRows` (@sse-kms/testing) against an environment that enables
 * this blueprint only. A config that breaks the rule fails with the rule's message at the exact field
 * path; a config that keeps it passes. The rules of every environment are the catalog's rows.
 */
import { createEnvironmentSchema, type EnvironmentConfig } from "@sse-kms/config";
import { type RawConfig as Config, validationRows } from "@sse-kms/testing";
import { blueprint } from "./index";

/** A valid base: the dev environment (apps/dev/environment.json) with its customer-managed block only. */
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

const cm = (c: Config): Config => c.blueprints["customer-managed"];
const key = (c: Config): Config => cm(c).key;
const bucket0 = (c: Config): Config => cm(c).buckets[0];

const KEY = "blueprints.customer-managed.key";
const BUCKET0 = "blueprints.customer-managed.buckets[0]";

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
  principal: "must be an IAM role, user or account-root ARN such as arn:aws:iam::123456789012:role/app (no wildcards, no assumed-role session ARNs)",
  symmetricOnly: "S3 SSE-KMS supports symmetric keys only: use SYMMETRIC_DEFAULT",
  lockOut:
    "no principal could manage this key: a key policy without administrators and without root management locks the key out forever; add an administrator or set rootManagement to true",
  twice: "must not list the same principal twice",
  duplicateBucket: "duplicate bucket name",
  unknown: "unknown field (check its spelling against the schema; unknown fields are errors)",
} as const;

const schema = createEnvironmentSchema([blueprint]);
type Parsed = EnvironmentConfig & ReturnType<typeof schema.parse>;

const keyOut = (e: Parsed) => {
  const k = e.blueprints["customer-managed"]!.key;
  if ("existingKeyArn" in k) throw new Error("expected a key definition, got an existing key");
  return k;
};

validationRows({
  schema,
  base: devConfig,
  rejects: [
    { rule: "deletion window 6", mutate: (c) => (key(c).deletionWindowInDays = 6), path: `${KEY}.deletionWindowInDays`, message: M.deletionRange },
    { rule: "deletion window 31", mutate: (c) => (key(c).deletionWindowInDays = 31), path: `${KEY}.deletionWindowInDays`, message: M.deletionRange },
    { rule: "deletion window 7.5", mutate: (c) => (key(c).deletionWindowInDays = 7.5), path: `${KEY}.deletionWindowInDays`, message: M.wholeDays },
    { rule: "deletion window as a string", mutate: (c) => (key(c).deletionWindowInDays = "7"), path: `${KEY}.deletionWindowInDays`, message: M.wholeDays },
    { rule: "rotation period 89", mutate: (c) => (key(c).rotationPeriodInDays = 89), path: `${KEY}.rotationPeriodInDays`, message: M.rotationRange },
    { rule: "rotation period 2561", mutate: (c) => (key(c).rotationPeriodInDays = 2561), path: `${KEY}.rotationPeriodInDays`, message: M.rotationRange },
    { rule: "rotation period 365.5", mutate: (c) => (key(c).rotationPeriodInDays = 365.5), path: `${KEY}.rotationPeriodInDays`, message: M.wholeDays },
    { rule: "alias without alias/ prefix", mutate: (c) => (key(c).alias = "dev-data"), path: `${KEY}.alias`, message: M.aliasPrefix },
    { rule: "alias under alias/aws/", mutate: (c) => (key(c).alias = "alias/aws/s3"), path: `${KEY}.alias`, message: M.aliasReserved },
    { rule: "alias with a '.'", mutate: (c) => (key(c).alias = "alias/dev.data"), path: `${KEY}.alias`, message: M.aliasChars },
    { rule: "alias with a space", mutate: (c) => (key(c).alias = "alias/dev data"), path: `${KEY}.alias`, message: M.aliasChars },
    { rule: "alias empty after the prefix", mutate: (c) => (key(c).alias = "alias/"), path: `${KEY}.alias`, message: M.aliasChars },
    { rule: "alias of 257 characters", mutate: (c) => (key(c).alias = `alias/${"a".repeat(251)}`), path: `${KEY}.alias`, message: M.aliasLength },
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
      rule: "aws ARNs in a cn-north-1 environment",
      mutate: (c) => {
        c.region = "cn-north-1";
        key(c).administrators = ["arn:aws-cn:iam::111111111111:role/platform-key-admin"];
        // users[0] keeps its arn:aws: ARN
      },
      path: `${KEY}.users[0]`,
      message: "ARN is in partition aws but region cn-north-1 is in partition aws-cn; use arn:aws-cn:...",
    },
    { rule: "key spec RSA_2048", mutate: (c) => (key(c).keySpec = "RSA_2048"), path: `${KEY}.keySpec`, message: M.symmetricOnly },
    { rule: "key spec HMAC_256", mutate: (c) => (key(c).keySpec = "HMAC_256"), path: `${KEY}.keySpec`, message: M.symmetricOnly },
    {
      rule: "key spec that does not exist",
      mutate: (c) => (key(c).keySpec = "AES_256"),
      path: `${KEY}.keySpec`,
      message:
        "must be one of SYMMETRIC_DEFAULT, RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, HMAC_224, HMAC_256, HMAC_384, HMAC_512, SM2, ML_DSA_44, ML_DSA_65, ML_DSA_87",
    },
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
    { rule: "unknown key in a key", mutate: (c) => (key(c).rotationEnabled = true), path: `${KEY}.rotationEnabled`, message: M.unknown },
    { rule: "unknown key in a bucket", mutate: (c) => (bucket0(c).versionning = true), path: `${BUCKET0}.versionning`, message: M.unknown },
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
    { rule: "no bucket", mutate: (c) => (cm(c).buckets = []), path: "blueprints.customer-managed.buckets", message: "list at least one bucket" },
  ],
  accepts: [
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
    { rule: "role principal", mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:role/app-data"]) },
    { rule: "role principal with a path", mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:role/service-role/team/app-data"]) },
    { rule: "user principal", mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:user/alice"]) },
    { rule: "account root principal as user", mutate: (c) => (key(c).users = ["arn:aws:iam::111111111111:root"]) },
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
  ],
});
