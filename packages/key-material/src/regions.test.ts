import { assertKnownRegion, KMS_REGIONS } from "./regions";

test.each(["eu-west-1", "us-east-1", "ap-southeast-7", "cn-north-1", "us-gov-west-1"])("%s is known", (region) => {
  expect(() => assertKnownRegion(region)).not.toThrow();
});

test.each([
  ["eu-west-9", /unknown region "eu-west-9"/],
  ["EU-WEST-1", /unknown region/],
  ["us-gov-west-1a", /availability zone.*--region us-gov-west-1/],
  ["eu-central-1b", /availability zone.*--region eu-central-1/],
  ["", /unknown region/],
])("%s is refused", (region, message) => {
  expect(() => assertKnownRegion(region)).toThrow(message);
});

test("no duplicates", () => {
  expect(new Set(KMS_REGIONS).size).toBe(KMS_REGIONS.length);
});
