import fc from "fast-check";
import { AccountId, LogicalName, PrincipalArn } from "@sse-kms/config";
import { ConstructPropError, requireKnownRegion, requireProp, requireValid, terraformName, throwingIssueReporter } from "./index";

describe("ConstructPropError", () => {
  test("names the construct path, the prop, the rule, the value received and the fix", () => {
    const e = new ConstructPropError({
      constructPath: "prod-customer-managed/data/Key",
      prop: "deletionWindowInDays",
      rule: "must be between 7 and 30 days",
      received: 3,
      fix: "set deletionWindowInDays to a value from 7 to 30",
    });
    expect(e.message).toBe(
      "prod-customer-managed/data/Key: deletionWindowInDays must be between 7 and 30 days (got 3). Fix: set deletionWindowInDays to a value from 7 to 30",
    );
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(ConstructPropError);
    expect(e.name).toBe("ConstructPropError");
    expect(e).toMatchObject({
      constructPath: "prod-customer-managed/data/Key",
      prop: "deletionWindowInDays",
      rule: "must be between 7 and 30 days",
      received: 3,
      fix: "set deletionWindowInDays to a value from 7 to 30",
    });
  });

  test.each([
    ["a string, quoted", "alias/aws/s3", '(got "alias/aws/s3")'],
    ["a missing value", undefined, "(got nothing)"],
    ["null", null, "(got null)"],
    ["a list", ["a", "b"], '(got ["a","b"])'],
    ["a long value, cut at 80 characters", "x".repeat(200), `(got "${"x".repeat(76)}...)`],
    ["a BigInt", 10n, "(got 10)"],
  ])("renders %s on one line", (_what, received, rendered) => {
    const e = new ConstructPropError({ constructPath: "s/c", prop: "p", rule: "is wrong", received, fix: "fix it" });
    expect(e.message).toBe(`s/c: p is wrong ${rendered}. Fix: fix it`);
    expect(e.message).not.toContain("\n");
  });

  test("a value that cannot be rendered does not turn into a different error", () => {
    const noPrototype = Object.assign(Object.create(null), { big: 1n });
    const e = new ConstructPropError({ constructPath: "s/c", prop: "p", rule: "is wrong", received: noPrototype, fix: "fix it" });
    expect(e.message).toBe("s/c: p is wrong (got [object Object]). Fix: fix it");
  });
});

describe("requireProp", () => {
  test("does nothing when the rule holds", () => {
    expect(() => requireProp(true, { constructPath: "s/c", prop: "p", rule: "is wrong", received: 1, fix: "fix" })).not.toThrow();
  });

  test("throws a ConstructPropError with every detail when it does not", () => {
    let caught: unknown;
    try {
      requireProp(false, {
        constructPath: "dev-customer-managed/data",
        prop: "alias",
        rule: "must not start with alias/aws/",
        received: "alias/aws/x",
        fix: "pick another alias",
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConstructPropError);
    expect((caught as ConstructPropError).message).toBe(
      'dev-customer-managed/data: alias must not start with alias/aws/ (got "alias/aws/x"). Fix: pick another alias',
    );
    expect(caught).toMatchObject({ constructPath: "dev-customer-managed/data", prop: "alias", received: "alias/aws/x" });
  });
});

describe("terraformName", () => {
  test.each([
    ["data", "data"],
    ["prod-data", "prod_data"],
    ["Prod-Data", "prod_data"],
    ["acme.dev.data-111111111111", "acme_dev_data_111111111111"],
    ["1key", "_1key"],
    ["_private", "_private"],
    ["a b/c", "a_b_c"],
    ["", "_"],
  ])("%j -> %j", (name, expected) => {
    expect(terraformName(name)).toBe(expected);
  });

  test("always gives a Terraform identifier, and is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (name) => {
        const id = terraformName(name);
        expect(id).toMatch(/^[a-z_][a-z0-9_]*$/);
        expect(terraformName(id)).toBe(id);
      }),
      { numRuns: 500 },
    );
  });

  test("keeps distinct logical names (keys) distinct: addresses never collide", () => {
    const logical = fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/);
    fc.assert(
      fc.property(logical, logical, (a, b) => {
        expect(LogicalName.safeParse(a).success && LogicalName.safeParse(b).success).toBe(true);
        if (a !== b) expect(terraformName(a)).not.toBe(terraformName(b));
      }),
      { numRuns: 500 },
    );
  });
});

describe("requireKnownRegion (the one region check of the constructs)", () => {
  test.each(["eu-west-1", "cn-north-1", "us-gov-west-1"])("accepts %s", (region) => {
    expect(() => requireKnownRegion("s/c", "region", region)).not.toThrow();
  });

  test.each([["eu-west-9"], ["eu-west-1a"], ["EU-WEST-1"], [undefined]])("refuses %p, naming the construct, the prop and the fix", (region) => {
    expect(() => requireKnownRegion("s/c", "config.destination.region", region, "use a region name such as us-west-2")).toThrow(
      new ConstructPropError({
        constructPath: "s/c",
        prop: "config.destination.region",
        rule: "must be a known AWS region",
        received: region,
        fix: "use a region name such as us-west-2",
      }),
    );
  });
});

describe("requireProp narrows", () => {
  test("after it, the checked value has the asserted type", () => {
    const value: string | undefined = ["x"][0];
    requireProp(value !== undefined, { constructPath: "s/c", prop: "p", rule: "is required", received: value, fix: "set p" });
    expect(value.length).toBe(1); // compiles only because requireProp asserts
  });
});

describe("requireValid (a config primitive's rule, as a construct error)", () => {
  const site = { constructPath: "s/c", prop: "account", fix: "pass the account id as a 12-digit string" };

  test("accepts what the schema accepts, and narrows to its type", () => {
    const value: unknown = "012345678901";
    requireValid(AccountId, value, site);
    expect(value.length).toBe(12); // compiles only because requireValid asserts the schema's type
  });

  test.each([["3333"], [123456789012], [undefined]])("refuses %p with the message configuration validation gives", (value) => {
    const parsed = AccountId.safeParse(value);
    expect(parsed.success).toBe(false);
    const rule = parsed.error!.issues[0]!.message;
    expect(() => requireValid(AccountId, value, site)).toThrow(new ConstructPropError({ ...site, rule, received: value }));
  });

  test("uses the first issue of a schema with several rules", () => {
    expect(() => requireValid(PrincipalArn, "arn:aws:iam::123456789012:role/a*", { constructPath: "s/c", prop: "users", fix: "name a role" })).toThrow(
      's/c: users must be an IAM role, user or account-root ARN such as arn:aws:iam::123456789012:role/app (no wildcards, no assumed-role session ARNs) (got "arn:aws:iam::123456789012:role/a*"). Fix: name a role',
    );
  });
});

describe("throwingIssueReporter (a blueprint's config rule, run by its construct)", () => {
  test("throws the first issue under the prefix, with the fix of its prop", () => {
    const issue = throwingIssueReporter("s/c", "config", (prop) => `fix ${prop}`);
    expect(() => issue(["destination", "mode"], "existing", "must be create here")).toThrow(
      new ConstructPropError({
        constructPath: "s/c",
        prop: "config.destination.mode",
        rule: "must be create here",
        received: "existing",
        fix: "fix config.destination.mode",
      }),
    );
  });
});
