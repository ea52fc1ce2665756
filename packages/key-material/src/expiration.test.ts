import { UsageError } from "./errors";
import { expirationFromOptions, parseValidTo } from "./expiration";

const now = new Date("2026-06-01T12:00:00Z");

describe("parseValidTo", () => {
  test.each([
    ["2026-12-31T23:59:59Z", "2026-12-31T23:59:59.000Z"],
    ["2026-12-31T23:59Z", "2026-12-31T23:59:00.000Z"],
    ["2026-12-31T23:59:59.5Z", "2026-12-31T23:59:59.500Z"],
    ["2027-01-01T01:00:00+02:00", "2026-12-31T23:00:00.000Z"],
    ["2026-06-01T12:00:01Z", "2026-06-01T12:00:01.000Z"],
    ["2027-06-01T12:00:00Z", "2027-06-01T12:00:00.000Z"], // exactly 365 days later
  ])("accepts %s", (text, iso) => {
    expect(parseValidTo(text, now).toISOString()).toBe(iso);
  });

  test.each([
    ["2026-06-01T12:00:00Z", /is in the past/],
    ["2020-01-01T00:00:00Z", /is in the past/],
    ["2027-06-01T12:00:01Z", /more than 365 days away/],
    ["2026-12-31", /with a time zone/],
    ["2026-12-31T23:59:59", /with a time zone/],
    ["2026-02-29T00:00:00Z", /not a real date/],
    ["2026-12-31T24:00:00Z", /not a real date/],
    ["31/12/2026", /not an ISO-8601 timestamp/],
    ["", /not an ISO-8601 timestamp/],
  ])("refuses %s", (text, message) => {
    expect(() => parseValidTo(text, now)).toThrow(UsageError);
    expect(() => parseValidTo(text, now)).toThrow(message);
  });
});

describe("expirationFromOptions", () => {
  test("neither option: material does not expire", () => {
    expect(expirationFromOptions(undefined, false, now)).toEqual({ model: "KEY_MATERIAL_DOES_NOT_EXPIRE" });
  });
  test("--no-expiry", () => {
    expect(expirationFromOptions(undefined, true, now)).toEqual({ model: "KEY_MATERIAL_DOES_NOT_EXPIRE" });
  });
  test("--valid-to", () => {
    expect(expirationFromOptions("2026-07-01T00:00:00Z", false, now)).toEqual({ model: "KEY_MATERIAL_EXPIRES", validTo: new Date("2026-07-01T00:00:00Z") });
  });
  test("both conflict", () => {
    expect(() => expirationFromOptions("2026-07-01T00:00:00Z", true, now)).toThrow(/conflict/);
  });
});
