/** The `monitoring` block of environment.json: shape, defaults and environment rules, as the validate CLI reports them. */
import { z } from "zod";
import { BucketListSchema, ConfigError, KeySettingsSchema, createEnvironmentSchema, parseEnvironment } from "./index";

const schema = createEnvironmentSchema([{ name: "customer-managed", configSchema: z.strictObject({ key: KeySettingsSchema, buckets: BucketListSchema }) }]);

const env = (monitoring: unknown) => ({
  name: "prod",
  account: "333333333333",
  region: "us-east-1",
  ...(monitoring === undefined ? {} : { monitoring }),
  blueprints: { "customer-managed": { key: { name: "data", alias: "alias/prod-data" }, buckets: [{ name: "acme-prod-data-333333333333" }] } },
});

/** The one-line problems of an invalid environment. */
function problems(monitoring: unknown): string[] {
  try {
    parseEnvironment(schema, env(monitoring), "env.json");
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split("\n");
    throw e;
  }
  return [];
}

describe("monitoring", () => {
  test("is optional: absent means no alarms", () => {
    expect(parseEnvironment(schema, env(undefined)).monitoring).toBeUndefined();
  });

  test("a created topic gets its defaults (no extra key administrators, 30-day deletion window)", () => {
    expect(parseEnvironment(schema, env({ topic: { create: {} } })).monitoring).toEqual({
      topic: { create: { keyAdministrators: [], deletionWindowInDays: 30 } },
    });
  });

  test("an existing topic of the environment's account and region is accepted", () => {
    const arn = "arn:aws:sns:us-east-1:333333333333:security-key-alarms";
    expect(parseEnvironment(schema, env({ topic: { existingTopicArn: arn } })).monitoring).toEqual({ topic: { existingTopicArn: arn } });
  });

  test.each([
    ["another region", "arn:aws:sns:eu-west-1:333333333333:alarms", "eu-west-1"],
    ["another account", "arn:aws:sns:us-east-1:444444444444:alarms", "444444444444"],
  ])("an existing topic in %s is refused with the field, the rule, the value and the fix", (_what, arn, _bad) => {
    expect(problems({ topic: { existingTopicArn: arn } })).toEqual([
      `env.json: monitoring.topic.existingTopicArn: the topic must be in the environment's account 333333333333 and region us-east-1 (EventBridge rules deliver to an SNS topic of their own region); create a topic there or use {"create": {}} (got "${arn}")`,
    ]);
  });

  test("a FIFO topic, a subscription ARN and a wildcard are refused", () => {
    expect(problems({ topic: { existingTopicArn: "arn:aws:sns:us-east-1:333333333333:alarms.fifo" } }).join("\n")).toMatch(/monitoring\.topic/);
    expect(problems({ topic: { existingTopicArn: "arn:aws:sns:us-east-1:333333333333:alarms:0b1c-sub" } }).join("\n")).toMatch(/monitoring\.topic/);
    expect(problems({ topic: { existingTopicArn: "arn:aws:sns:us-east-1:333333333333:*" } }).join("\n")).toMatch(/monitoring\.topic/);
  });

  test("a key administrator of another account is refused at its index", () => {
    expect(problems({ topic: { create: { keyAdministrators: ["arn:aws:iam::444444444444:role/admin"] } } })).toEqual([
      `env.json: monitoring.topic.create.keyAdministrators[0]: must be a principal of the environment's account 333333333333 (the topic key lives there) (got "arn:aws:iam::444444444444:role/admin")`,
    ]);
  });

  test("a deletion window outside 7..30 and unknown fields are refused", () => {
    expect(problems({ topic: { create: { deletionWindowInDays: 3 } } }).join("\n")).toMatch(/monitoring\.topic/);
    expect(problems({ topic: { create: {} }, extra: true }).join("\n")).toMatch(/monitoring\.extra: unknown field/);
    expect(problems({}).join("\n")).toMatch(/monitoring\.topic/);
  });

  test("both forms at once are refused", () => {
    expect(problems({ topic: { create: {}, existingTopicArn: "arn:aws:sns:us-east-1:333333333333:a" } }).join("\n")).toMatch(/monitoring\.topic/);
  });
});
