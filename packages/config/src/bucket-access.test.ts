/** Per-bucket readers/writers and existing keys: the schema rules, each refused with one line naming the field. */
import { z } from "zod";
import {
  BucketListSchema,
  ConfigError,
  ExistingKeySchema,
  KeySettingsSchema,
  checkBucketAccess,
  checkExistingKeyEnvironment,
  createEnvironmentSchema,
  existingKeyProblem,
  keyAndBucketClaims,
  parseEnvironment,
} from "./index";

const configSchema = z.strictObject({ key: z.union([KeySettingsSchema, ExistingKeySchema]), buckets: BucketListSchema }).superRefine(checkBucketAccess);
const schema = createEnvironmentSchema([{ name: "customer-managed", configSchema, checkEnvironment: checkExistingKeyEnvironment }]);

const ACCOUNT = "111111111111";
const role = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function env(blueprint: Record<string, unknown>): Record<string, unknown> {
  return { name: "dev", account: ACCOUNT, region: "eu-west-1", blueprints: { "customer-managed": blueprint } };
}
const owned = (buckets: unknown[], key: Record<string, unknown> = {}) =>
  env({ key: { name: "data", alias: "alias/dev-data", administrators: [role("admin")], users: [role("app")], ...key }, buckets });

/** The one-line problems of a rejected input (`path: message (got value)`). */
function problems(input: unknown): string[] {
  try {
    parseEnvironment(schema, input, "env.json");
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split("\n");
    throw e;
  }
  return [];
}

describe("buckets[].readers / writers", () => {
  test("default to empty lists; role and user ARNs of the account are accepted", () => {
    const parsed = parseEnvironment(
      schema,
      owned([{ name: "a-bucket-1" }, { name: "b-bucket-1", readers: [role("r")], writers: [`arn:aws:iam::${ACCOUNT}:user/w`] }]),
    );
    const c = parsed.blueprints["customer-managed"] as z.output<typeof configSchema>;
    expect(c.buckets[0]).toMatchObject({ readers: [], writers: [] });
    expect(c.buckets[1]).toMatchObject({ readers: [role("r")], writers: [`arn:aws:iam::${ACCOUNT}:user/w`] });
  });

  test.each([
    ["the account root", `arn:aws:iam::${ACCOUNT}:root`, "must be an IAM role or user ARN"],
    ["an assumed-role session", `arn:aws:sts::${ACCOUNT}:assumed-role/app/s`, "must be an IAM role or user ARN"],
    ["a wildcard", `arn:aws:iam::${ACCOUNT}:role/*`, "must be an IAM role or user ARN"],
  ])("%s is refused", (_what, arn, message) => {
    const lines = problems(owned([{ name: "a-bucket-1", readers: [arn] }]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("blueprints.customer-managed.buckets[0].readers[0]: " + message);
  });

  test("a principal of another account is refused with one line", () => {
    const lines = problems(owned([{ name: "a-bucket-1", writers: [role("w", "222222222222")] }]));
    expect(lines).toEqual([
      expect.stringMatching(
        /^env\.json: blueprints\.customer-managed\.buckets\[0\]\.writers\[0\]: must be a role or user of the environment's account 111111111111, not of account 222222222222: .*kms:CallerAccount/,
      ),
    ]);
  });

  test("a key administrator is refused (separation of duties)", () => {
    expect(problems(owned([{ name: "a-bucket-1", readers: [role("admin")] }]))).toEqual([
      expect.stringContaining(
        "blueprints.customer-managed.buckets[0].readers[0]: separation of duties: arn:aws:iam::111111111111:role/admin is a key administrator",
      ),
    ]);
  });

  test("a key-level user is refused: it already reaches every bucket", () => {
    expect(problems(owned([{ name: "a-bucket-1", writers: [role("app")] }]))).toEqual([
      expect.stringContaining("blueprints.customer-managed.buckets[0].writers[0]: arn:aws:iam::111111111111:role/app is a key-level user (key.users)"),
    ]);
  });

  test("reader and writer of the same bucket is refused; of different buckets it is fine", () => {
    expect(problems(owned([{ name: "a-bucket-1", readers: [role("x")], writers: [role("x")] }]))).toEqual([
      expect.stringContaining("blueprints.customer-managed.buckets[0].readers[0]: arn:aws:iam::111111111111:role/x is both reader and writer of this bucket"),
    ]);
    expect(
      problems(
        owned([
          { name: "a-bucket-1", readers: [role("x")] },
          { name: "b-bucket-1", writers: [role("x")] },
        ]),
      ),
    ).toEqual([]);
  });

  test("the same principal twice in one list is refused", () => {
    expect(problems(owned([{ name: "a-bucket-1", readers: [role("x"), role("x")] }]))).toEqual([
      expect.stringContaining("blueprints.customer-managed.buckets[0].readers: must not list the same principal twice"),
    ]);
  });
});

describe("key.existingKeyArn", () => {
  const existing = (existingKeyArn: unknown, extra: Record<string, unknown> = {}) =>
    env({ key: { existingKeyArn, ...extra }, buckets: [{ name: "a-bucket-1" }] });

  test("a full key ARN is accepted, users default to none, and no alias is claimed", () => {
    const parsed = parseEnvironment(schema, existing(KEY_ARN));
    const c = parsed.blueprints["customer-managed"] as z.output<typeof configSchema>;
    expect(c.key).toEqual({ existingKeyArn: KEY_ARN, users: [] });
    expect(keyAndBucketClaims(c).map((k) => k.kind)).toEqual(["bucket name"]);
  });

  test("a multi-Region key (mrk-) of the environment's region is accepted", () => {
    expect(problems(existing(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`))).toEqual([]);
  });

  test.each([
    ["an alias ARN", `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/data`, "is an alias ARN: give the key ARN"],
    ["a bare key id", "1234abcd-12ab-34cd-56ef-1234567890ab", "must be a full KMS key ARN"],
    ["a truncated key id", `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd`, "must be a full KMS key ARN"],
  ])("%s is refused with one line", (_what, arn, message) => {
    const lines = problems(existing(arn));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`blueprints.customer-managed.key.existingKeyArn: ${message}`);
  });

  test.each([
    ["another account", `arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab`, "not of account 222222222222 in eu-west-1"],
    ["another region", `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, `not of account ${ACCOUNT} in us-east-1`],
  ])("a key of %s is refused with one line naming the field", (_what, arn, message) => {
    const lines = problems(existing(arn));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("blueprints.customer-managed.key.existingKeyArn: must be a key of the environment's account 111111111111 in eu-west-1");
    expect(lines[0]).toContain(message);
  });

  test("existingKeyProblem names the partition too", () => {
    expect(existingKeyProblem(KEY_ARN.replace("arn:aws:", "arn:aws-cn:"), { account: ACCOUNT, region: "eu-west-1", partition: "aws" })).toContain(
      "(partition aws-cn)",
    );
    expect(existingKeyProblem(KEY_ARN, { account: ACCOUNT, region: "eu-west-1", partition: "aws" })).toBeUndefined();
  });

  test("key-definition fields beside existingKeyArn are unknown fields", () => {
    expect(problems(existing(KEY_ARN, { alias: "alias/x" }))).toEqual([expect.stringContaining("blueprints.customer-managed.key.alias: unknown field")]);
  });

  test("a key definition with a typo still reports the typo, not a missing existingKeyArn", () => {
    const lines = problems(owned([{ name: "a-bucket-1" }], { rotation: 90 }));
    expect(lines).toEqual([expect.stringContaining("blueprints.customer-managed.key.rotation: unknown field")]);
  });

  test("per-bucket readers of an existing key follow the same rules (a key-level user is refused)", () => {
    const input = env({ key: { existingKeyArn: KEY_ARN, users: [role("app")] }, buckets: [{ name: "a-bucket-1", readers: [role("app")] }] });
    expect(problems(input)).toEqual([expect.stringContaining("buckets[0].readers[0]: arn:aws:iam::111111111111:role/app is a key-level user")]);
  });
});
