import { evaluateCondition, parseOperator } from "./conditions";

const KEY = "kms:EncryptionContext:aws:s3:arn";
const BUCKET = "arn:aws:s3:::acme-data";
const OBJECT = "arn:aws:s3:::acme-data/reports/2024.csv";
const OTHER = "arn:aws:s3:::other-bucket";
const ctx = (value?: string | string[]): Record<string, string | string[]> => (value === undefined ? {} : { [KEY]: value });
const holds = (op: string, policy: string | string[], value?: string | string[]) => evaluateCondition(op, KEY, policy, ctx(value)).holds;

describe("parseOperator", () => {
  it.each([
    ["StringEquals", { set: undefined, base: "StringEquals", ifExists: false }],
    ["stringlikeifexists", { set: undefined, base: "StringLike", ifExists: true }],
    ["ForAnyValue:StringNotEqualsIgnoreCase", { set: "ForAnyValue", base: "StringNotEqualsIgnoreCase", ifExists: false }],
    ["ForAllValues:ArnLikeIfExists", { set: "ForAllValues", base: "ArnLike", ifExists: true }],
    ["Null", { set: undefined, base: "Null", ifExists: false }],
  ])("%s", (op, parsed) => expect(parseOperator(op)).toEqual(parsed));

  it.each(["NumericEquals", "Bool", "NullIfExists", "ForAnyValue:Null", "Sometimes:StringEquals", "DateLessThan"])("rejects %s", (op) => {
    expect(parseOperator(op)).toBeUndefined();
  });
});

describe("evaluateCondition: single-valued operators (bucket-ARN and object-ARN context)", () => {
  it.each`
    op                             | policy                      | value                       | expected
    ${"StringEquals"}              | ${BUCKET}                   | ${BUCKET}                   | ${true}
    ${"StringEquals"}              | ${BUCKET}                   | ${OBJECT}                   | ${false}
    ${"StringEquals"}              | ${[OTHER, BUCKET]}          | ${BUCKET}                   | ${true}
    ${"StringEquals"}              | ${BUCKET}                   | ${BUCKET.toUpperCase()}     | ${false}
    ${"StringNotEquals"}           | ${BUCKET}                   | ${BUCKET}                   | ${false}
    ${"StringNotEquals"}           | ${[OTHER, BUCKET]}          | ${OBJECT}                   | ${true}
    ${"StringNotEquals"}           | ${[OTHER, BUCKET]}          | ${OTHER}                    | ${false}
    ${"StringEqualsIgnoreCase"}    | ${BUCKET}                   | ${BUCKET.toUpperCase()}     | ${true}
    ${"StringNotEqualsIgnoreCase"} | ${BUCKET}                   | ${BUCKET.toUpperCase()}     | ${false}
    ${"StringNotEqualsIgnoreCase"} | ${BUCKET}                   | ${OTHER}                    | ${true}
    ${"StringLike"}                | ${`${BUCKET}/*`}            | ${OBJECT}                   | ${true}
    ${"StringLike"}                | ${`${BUCKET}/*`}            | ${BUCKET}                   | ${false}
    ${"StringLike"}                | ${[BUCKET, `${BUCKET}/*`]}  | ${BUCKET}                   | ${true}
    ${"StringLike"}                | ${"arn:aws:s3:::acme-dat?"} | ${BUCKET}                   | ${true}
    ${"StringLike"}                | ${"arn:aws:s3:::ACME-*"}    | ${BUCKET}                   | ${false}
    ${"StringLike"}                | ${"arn:aws:s3:::acme.data"} | ${"arn:aws:s3:::acmexdata"} | ${false}
    ${"StringNotLike"}             | ${`${BUCKET}/*`}            | ${OBJECT}                   | ${false}
    ${"StringNotLike"}             | ${`${BUCKET}/*`}            | ${OTHER}                    | ${true}
    ${"ArnEquals"}                 | ${BUCKET}                   | ${BUCKET}                   | ${true}
    ${"ArnLike"}                   | ${"arn:aws:s3:::acme-*"}    | ${OBJECT}                   | ${true}
    ${"ArnLike"}                   | ${"arn:*:s3:::acme-data"}   | ${BUCKET}                   | ${true}
    ${"ArnLike"}                   | ${"arn:aws:s3:::*"}         | ${"not-an-arn"}             | ${false}
    ${"ArnNotEquals"}              | ${BUCKET}                   | ${OTHER}                    | ${true}
    ${"ArnNotLike"}                | ${"arn:aws:s3:::acme-*"}    | ${OBJECT}                   | ${false}
  `("$op $policy vs $value -> $expected", ({ op, policy, value, expected }) => {
    expect(holds(op, policy, value)).toBe(expected);
  });
});

describe("evaluateCondition: missing key", () => {
  it.each`
    op                                  | expected | why
    ${"StringEquals"}                   | ${false} | ${"a positive operator needs the key"}
    ${"StringLike"}                     | ${false} | ${"a positive operator needs the key"}
    ${"ArnLike"}                        | ${false} | ${"a positive operator needs the key"}
    ${"StringNotEquals"}                | ${true}  | ${"a negated operator matches a missing key"}
    ${"StringNotLike"}                  | ${true}  | ${"a negated operator matches a missing key"}
    ${"ArnNotEquals"}                   | ${true}  | ${"a negated operator matches a missing key"}
    ${"StringEqualsIfExists"}           | ${true}  | ${"IfExists"}
    ${"StringNotEqualsIfExists"}        | ${true}  | ${"IfExists"}
    ${"ForAnyValue:StringEquals"}       | ${false} | ${"ForAnyValue needs a value"}
    ${"ForAnyValue:StringNotEquals"}    | ${false} | ${"ForAnyValue needs a value"}
    ${"ForAnyValue:StringLikeIfExists"} | ${true}  | ${"IfExists"}
    ${"ForAllValues:StringEquals"}      | ${true}  | ${"ForAllValues holds for an empty set"}
    ${"ForAllValues:StringNotLike"}     | ${true}  | ${"ForAllValues holds for an empty set"}
  `("$op -> $expected ($why)", ({ op, expected }) => {
    expect(holds(op, BUCKET)).toBe(expected);
  });

  it("explains a missing key", () => {
    expect(evaluateCondition("StringLike", KEY, BUCKET, {}).reason).toBe(`StringLike ${KEY} "${BUCKET}" failed (key missing from the request)`);
  });
});

describe("evaluateCondition: Null", () => {
  it.each`
    policy               | value        | expected
    ${"true"}            | ${undefined} | ${true}
    ${"true"}            | ${BUCKET}    | ${false}
    ${"false"}           | ${undefined} | ${false}
    ${"false"}           | ${BUCKET}    | ${true}
    ${["true", "false"]} | ${BUCKET}    | ${true}
  `("Null $policy with $value -> $expected", ({ policy, value, expected }) => {
    expect(holds("Null", policy, value)).toBe(expected);
  });

  it("accepts JSON booleans", () => {
    expect(evaluateCondition("Null", KEY, true, {}).holds).toBe(true);
    expect(evaluateCondition("Null", KEY, false, {}).holds).toBe(false);
  });
});

describe("evaluateCondition: set operators with several request values", () => {
  it.each`
    op                                | policy                     | values              | expected
    ${"ForAnyValue:StringEquals"}     | ${BUCKET}                  | ${[OTHER, BUCKET]}  | ${true}
    ${"ForAnyValue:StringEquals"}     | ${BUCKET}                  | ${[OTHER, OBJECT]}  | ${false}
    ${"ForAllValues:StringLike"}      | ${[BUCKET, `${BUCKET}/*`]} | ${[BUCKET, OBJECT]} | ${true}
    ${"ForAllValues:StringLike"}      | ${[BUCKET, `${BUCKET}/*`]} | ${[BUCKET, OTHER]}  | ${false}
    ${"ForAnyValue:StringNotEquals"}  | ${BUCKET}                  | ${[BUCKET, OTHER]}  | ${true}
    ${"ForAllValues:StringNotEquals"} | ${BUCKET}                  | ${[BUCKET, OTHER]}  | ${false}
    ${"ForAllValues:StringEquals"}    | ${BUCKET}                  | ${[]}               | ${true}
  `("$op $policy vs $values -> $expected", ({ op, policy, values, expected }) => {
    expect(holds(op, policy, values)).toBe(expected);
  });

  it("treats a one-element list like a single value", () => {
    expect(holds("StringEquals", BUCKET, [BUCKET])).toBe(true);
  });

  it("refuses several values under an operator without a set qualifier", () => {
    expect(() => holds("StringEquals", BUCKET, [BUCKET, OTHER])).toThrow(/single-valued key; use ForAnyValue/);
  });
});

describe("evaluateCondition: case rules", () => {
  it("matches the condition key case-insensitively", () => {
    expect(evaluateCondition("StringEquals", "KMS:encryptioncontext:AWS:S3:ARN", BUCKET, { [KEY]: BUCKET }).holds).toBe(true);
  });

  it("matches operator names case-insensitively", () => {
    expect(holds("stringequals", BUCKET, BUCKET)).toBe(true);
  });

  it("compares values case-sensitively, except IgnoreCase operators", () => {
    expect(holds("StringEquals", "arn:aws:s3:::Acme-Data", BUCKET)).toBe(false);
    expect(holds("StringEqualsIgnoreCase", "arn:aws:s3:::Acme-Data", BUCKET)).toBe(true);
  });
});

describe("evaluateCondition: refusals", () => {
  it("refuses operators outside the string/ARN/Null families", () => {
    expect(() => evaluateCondition("NumericEquals", KEY, "1", {})).toThrow(/not supported by the encryption-context evaluator/);
  });

  it("refuses policy variables", () => {
    expect(() => evaluateCondition("StringEquals", KEY, "arn:aws:s3:::${aws:username}", {})).toThrow(/policy variables/);
  });

  it("reports request and policy values", () => {
    expect(evaluateCondition("StringLike", KEY, [BUCKET, `${BUCKET}/*`], ctx(OTHER)).reason).toBe(
      `StringLike ${KEY} ["${BUCKET}", "${BUCKET}/*"] failed (request value "${OTHER}")`,
    );
  });
});
