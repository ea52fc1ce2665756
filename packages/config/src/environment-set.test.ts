/** Rules across environment files: names, global bucket names, aliases per account and region. */
import { z } from "zod";
import { BucketListSchema } from "./bucket";
import { type NameClaim, createEnvironmentSchema } from "./environment";
import { checkEnvironmentSet as checkSet, type EnvironmentFile } from "./environment-set";
import { KeySettingsSchema } from "./key";
import { parseEnvironment } from "./validate";

/** A blueprint spec for these tests: a key and buckets, claiming the alias and the bucket names (packages know no real blueprint). */
const SPEC = {
  name: "customer-managed",
  configSchema: z.strictObject({ key: KeySettingsSchema, buckets: BucketListSchema }),
  claims: (c: { key: { alias: string }; buckets: { name: string }[] }): NameClaim[] => [
    { kind: "alias", value: c.key.alias, path: ["key", "alias"] },
    ...c.buckets.map((b, i): NameClaim => ({ kind: "bucket name", value: b.name, path: ["buckets", i, "name"] })),
  ],
} as const;
const schema = createEnvironmentSchema([SPEC]);
const checkEnvironmentSet = (files: readonly EnvironmentFile[]) => checkSet(files, [SPEC]);

function env(name: string, account: string, region: string, bucket: string, alias: string) {
  return parseEnvironment(schema, {
    name,
    account,
    region,
    blueprints: {
      "customer-managed": {
        key: { name: "data", alias, administrators: [`arn:aws:iam::${account}:role/admin`] },
        buckets: [{ name: bucket }],
      },
    },
  });
}

test("distinct environments: no problem", () => {
  const a = { file: "a.json", env: env("a", "111111111111", "eu-west-1", "bucket-a", "alias/data") };
  const b = { file: "b.json", env: env("b", "222222222222", "eu-west-1", "bucket-b", "alias/data") };
  expect(checkEnvironmentSet([a, b])).toEqual([]);
});

test("the same name in two files is refused at the second, naming the first", () => {
  const a = { file: "a.json", env: env("same", "111111111111", "eu-west-1", "bucket-a", "alias/a") };
  const b = { file: "b.json", env: env("same", "222222222222", "eu-west-1", "bucket-b", "alias/b") };
  expect(checkEnvironmentSet([a, b])).toEqual([
    expect.objectContaining({ source: "b.json", path: "name", received: "same", message: expect.stringContaining("a.json has the same name") }),
  ]);
});

test("the same bucket name in two environments is refused (bucket names are global)", () => {
  const a = { file: "a.json", env: env("a", "111111111111", "eu-west-1", "shared-bucket", "alias/a") };
  const b = { file: "b.json", env: env("b", "222222222222", "us-east-1", "shared-bucket", "alias/b") };
  expect(checkEnvironmentSet([a, b])).toEqual([
    expect.objectContaining({
      source: "b.json",
      path: "blueprints.customer-managed.buckets[0].name",
      message: "bucket names are global: a.json already uses it at blueprints.customer-managed.buckets[0].name; choose another name",
    }),
  ]);
});

test("the same alias: refused in the same account and region, accepted in another region or account", () => {
  const a = { file: "a.json", env: env("a", "111111111111", "eu-west-1", "bucket-a", "alias/data") };
  const sameBoth = { file: "b.json", env: env("b", "111111111111", "eu-west-1", "bucket-b", "alias/data") };
  const otherRegion = { file: "c.json", env: env("c", "111111111111", "eu-west-2", "bucket-c", "alias/data") };
  const problems = checkEnvironmentSet([a, sameBoth, otherRegion]);
  expect(problems.map((p) => [p.source, p.path, p.received])).toEqual([["b.json", "blueprints.customer-managed.key.alias", "alias/data"]]);
  expect(problems[0].message).toMatch(/111111111111 eu-west-1/);
});
