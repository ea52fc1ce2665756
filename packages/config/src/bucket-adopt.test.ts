/** `buckets[].adopt`: true, false or the adoption object; each mistake refused with one line naming the field. */
import { z } from "zod";
import { BucketListSchema, ConfigError, KeySettingsSchema, createEnvironmentSchema, parseEnvironment } from "./index";

const configSchema = z.strictObject({ key: KeySettingsSchema, buckets: BucketListSchema });
const schema = createEnvironmentSchema([{ name: "customer-managed", configSchema }]);
const ACCOUNT = "111111111111";

const env = (adopt: unknown) => ({
  name: "dev",
  account: ACCOUNT,
  region: "eu-west-1",
  blueprints: {
    "customer-managed": {
      key: { name: "data", alias: "alias/dev-data", administrators: [`arn:aws:iam::${ACCOUNT}:role/admin`] },
      buckets: [{ name: "legacy-bucket-1", adopt }],
    },
  },
});

function parsed(adopt: unknown): unknown {
  const c = parseEnvironment(schema, env(adopt), "env.json").blueprints["customer-managed"] as z.output<typeof configSchema>;
  return c.buckets[0]!.adopt;
}

function problems(adopt: unknown): string[] {
  try {
    parseEnvironment(schema, env(adopt), "env.json");
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split("\n");
    throw e;
  }
  return [];
}

test("true and false stay booleans; an object gets its defaults", () => {
  expect(parsed(true)).toBe(true);
  expect(parsed(false)).toBe(false);
  expect(parsed({})).toEqual({ existing: [], tags: {}, keepPolicyStatements: [] });
  const statement = {
    Sid: "AllowAuditRead",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/audit` },
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::legacy-bucket-1/*",
  };
  expect(parsed({ existing: ["policy"], tags: { owner: "data team" }, keepPolicyStatements: [statement] })).toEqual({
    existing: ["policy"],
    tags: { owner: "data team" },
    keepPolicyStatements: [statement],
  });
});

test.each<[string, unknown, string]>([
  ["an unknown configuration", { existing: ["versioning"] }, "adopt.existing[0]: must be one of policy, ownershipControls, publicAccessBlock"],
  ["a configuration twice", { existing: ["policy", "policy"] }, "adopt.existing: must not list a configuration twice"],
  ["a reserved tag key", { tags: { "aws:cloudformation:stack-name": "x" } }, "adopt.tags"],
  ["a statement without Sid", { keepPolicyStatements: [{ Effect: "Allow", Action: "s3:GetObject" }] }, "adopt.keepPolicyStatements[0].Sid"],
  [
    "a Sid twice",
    {
      keepPolicyStatements: [
        { Sid: "A", Effect: "Allow" },
        { Sid: "A", Effect: "Deny" },
      ],
    },
    "adopt.keepPolicyStatements: must not list the same Sid twice",
  ],
  ["an unknown field", { exists: ["policy"] }, "adopt"],
  ["a string", "yes", "adopt"],
])("%s is refused in one line naming the field", (_what, adopt, message) => {
  const lines = problems(adopt);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`blueprints.customer-managed.buckets[0].${message}`);
});
