import { z } from "zod";
import { BucketListSchema } from "./bucket";
import { createEnvironmentSchema } from "./environment";
import { KeySettingsSchema } from "./key";
import { DEFAULT_AWS_PROVIDER_VERSION, isSupportedProviderVersion, providerKnows } from "./provider";
import { parseEnvironment } from "./validate";

/** An environment schema over one test blueprint (packages know no real blueprint). */
const schema = createEnvironmentSchema([{ name: "customer-managed", configSchema: z.strictObject({ key: KeySettingsSchema, buckets: BucketListSchema }) }]);

describe("awsProviderVersion", () => {
  test.each([
    ["5.100.0", true],
    ["5.101.3", true],
    ["6.0.0", true],
    ["6.25.0", true],
    ["5.99.0", false],
    ["4.67.0", false],
    ["7.0.0", false],
    ["~> 6.0", false],
    ["6.25", false],
    ["6.25.0-beta1", false],
  ])("%s supported: %s", (version, supported) => {
    expect(isSupportedProviderVersion(version)).toBe(supported);
  });

  test("blocked_encryption_types is known from 6.22.0 on", () => {
    const attr = "aws_s3_bucket_server_side_encryption_configuration.rule.blocked_encryption_types";
    expect([DEFAULT_AWS_PROVIDER_VERSION, "6.22.0", "6.21.0", "6.0.0", "5.100.0"].map((v) => providerKnows(v, attr))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  test("defaults to the version the bindings were generated for, and names the field when wrong", () => {
    const base = {
      name: "qa",
      account: "123456789012",
      region: "eu-west-1",
      blueprints: { "customer-managed": { key: { name: "data", alias: "alias/qa-data" }, buckets: [{ name: "qa-data-123456789012" }] } },
    };
    expect(parseEnvironment(schema, base).awsProviderVersion).toBe("6.25.0");
    expect(() => parseEnvironment(schema, { ...base, awsProviderVersion: "~> 6.0" })).toThrow(
      /awsProviderVersion: must be an exact hashicorp\/aws version: 5\.100\.0 or a later 5\.x, or a 6\.x .* \(got "~> 6\.0"\)/,
    );
  });
});
