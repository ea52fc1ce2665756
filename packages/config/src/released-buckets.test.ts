/** `releasedBuckets`: each mistake refused with one line naming the field; a move (release here, adopt there) accepted. */
import { z } from "zod";
import { BucketListSchema, ConfigError, KeySettingsSchema, createEnvironmentSchema, keyAndBucketClaims, parseEnvironment } from "./index";

const configSchema = z.strictObject({ key: KeySettingsSchema, buckets: BucketListSchema });
// Two stub blueprints of the same shape: a bucket moves from "one" to "two".
const schema = createEnvironmentSchema([
  { name: "one", configSchema, claims: keyAndBucketClaims },
  { name: "two", configSchema, claims: keyAndBucketClaims },
]);
const ACCOUNT = "111111111111";
const block = (alias: string, buckets: unknown[]) => ({ key: { name: "data", alias, administrators: [`arn:aws:iam::${ACCOUNT}:role/admin`] }, buckets });

function problems(releasedBuckets: unknown, blueprints: Record<string, unknown>): string[] {
  try {
    parseEnvironment(schema, { name: "dev", account: ACCOUNT, region: "eu-west-1", releasedBuckets, blueprints }, "env.json");
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split("\n");
    throw e;
  }
  return [];
}

const moved = { one: block("alias/one", [{ name: "kept-1" }]), two: block("alias/two", [{ name: "moved-1", adopt: true }]) };

test("a move: released by one blueprint, adopted by another", () => {
  expect(problems([{ blueprint: "one", bucket: "moved-1" }], moved)).toEqual([]);
  const env = parseEnvironment(schema, { name: "dev", account: ACCOUNT, region: "eu-west-1", blueprints: moved }, "env.json");
  expect(env.releasedBuckets).toEqual([]);
});

test("a bucket the same blueprint still creates is refused", () => {
  expect(problems([{ blueprint: "one", bucket: "kept-1" }], moved)).toEqual([
    "env.json: releasedBuckets[0].bucket: blueprints.one still creates this bucket; a stack cannot create and forget one bucket: remove it from blueprints.one.buckets, or drop this entry (got \"kept-1\")",
  ]);
});

test("a blueprint that is not enabled, an unknown one, a bad bucket name and a duplicate are refused", () => {
  expect(problems([{ blueprint: "two", bucket: "moved-1" }], { one: moved.one })[0]).toMatch(
    /^env\.json: releasedBuckets\[0\]\.blueprint: blueprints\.two is not enabled in this environment, so no stack of it is synthesized to forget the bucket; .* \(got "two"\)$/,
  );
  expect(problems([{ blueprint: "three", bucket: "moved-1" }], moved)[0]).toMatch(/^env\.json: releasedBuckets\[0\]\.blueprint: must be a registered blueprint \(one, two\)/);
  expect(problems([{ blueprint: "one", bucket: "Not_A_Bucket" }], moved)[0]).toMatch(/^env\.json: releasedBuckets\[0\]\.bucket: /);
  expect(
    problems(
      [
        { blueprint: "one", bucket: "moved-1" },
        { blueprint: "one", bucket: "moved-1" },
      ],
      moved,
    ),
  ).toEqual(['env.json: releasedBuckets[1].bucket: released twice from blueprints.one; list it once (got "moved-1")']);
  expect(problems([{ blueprint: "one", bucket: "moved-1", extra: 1 }], moved)[0]).toMatch(/^env\.json: releasedBuckets\[0\]/);
});
