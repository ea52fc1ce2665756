import { hasExpression, parseReference, referencesIn, templateParts, wholeExpression, wholeReference } from "./references";

describe("templateParts", () => {
  test("splits literals and expressions, unescapes $${ and %%{, skips braces in quoted strings", () => {
    expect(templateParts("${aws_s3_bucket.b.arn}/*")).toEqual([{ expression: "aws_s3_bucket.b.arn", directive: false }, { literal: "/*" }]);
    expect(templateParts("arn:$${aws:username}")).toEqual([{ literal: "arn:${aws:username}" }]);
    expect(templateParts("%{ if x }a%{ endif }")).toEqual([
      { expression: "if x", directive: true },
      { literal: "a" },
      { expression: "endif", directive: true },
    ]);
    expect(templateParts('${replace(var.x, "}", "")}')).toEqual([{ expression: 'replace(var.x, "}", "")', directive: false }]);
    expect(templateParts("")).toEqual([{ literal: "" }]);
    expect(templateParts("a${b")).toEqual([{ literal: "a" }, { expression: "${b", directive: false }]);
  });

  test("hasExpression ignores escapes", () => {
    expect(hasExpression("${var.x}")).toBe(true);
    expect(hasExpression("$${aws:username}")).toBe(false);
    expect(hasExpression("plain")).toBe(false);
  });
});

describe("parseReference / wholeReference", () => {
  test("plain references, with data sources, attribute paths and indexes", () => {
    expect(parseReference("aws_kms_key.data.arn")).toEqual({ type: "aws_kms_key", name: "data", attribute: "arn", address: "aws_kms_key.data" });
    expect(parseReference("data.aws_region.current.name")).toEqual({
      type: "data.aws_region",
      name: "current",
      attribute: "name",
      address: "data.aws_region.current",
    });
    expect(parseReference("var.key_material_base64")).toEqual({ type: "var", name: "key_material_base64", attribute: "", address: "var.key_material_base64" });
    expect(parseReference("aws_s3_bucket.b.rule[0].id")?.attribute).toBe("rule[0].id");
    expect(parseReference("jsonencode(aws_kms_key.data.arn)")).toBeUndefined();
    expect(parseReference("aws_kms_key")).toBeUndefined();
  });

  test("only a value that is exactly one ${...} reference is a whole reference", () => {
    expect(wholeReference("${ aws_kms_key.data.arn }")?.address).toBe("aws_kms_key.data");
    expect(wholeReference("${aws_kms_key.data.arn}/x")).toBeUndefined();
    expect(wholeReference("$${aws_kms_key.data.arn}")).toBeUndefined();
    expect(wholeReference("%{ if aws_kms_key.data.arn }x%{ endif }")).toBeUndefined();
    expect(wholeReference(42)).toBeUndefined();
  });
});

describe("referencesIn", () => {
  test("addresses of resources, data sources and modules anywhere in a value, in order of first use", () => {
    const value = {
      "//": { note: "${aws_ignored.comment.id}" },
      policy: '{"Resource":["${aws_s3_bucket.b.arn}","${aws_s3_bucket.b.arn}/*"]}',
      list: ["${data.aws_caller_identity.current.account_id}", "${module.m.out}", "${var.x}", "${local.y}", "${each.key}"],
      key: "${aws_kms_key.k.arn}",
      quoted: '${format("%s", "aws_fake.quoted.x")}',
      escaped: "$${aws_kms_key.not_a_ref.arn}",
    };
    expect([...referencesIn(value)]).toEqual(["aws_s3_bucket.b", "data.aws_caller_identity.current", "module.m", "aws_kms_key.k"]);
  });
});

describe("wholeExpression", () => {
  test("the code of a value that is one interpolation, blanks around it allowed", () => {
    expect(wholeExpression(" ${jsonencode(local.p)} ")).toBe("jsonencode(local.p)");
    expect(wholeExpression("${aws.destination}")).toBe("aws.destination");
    expect(wholeExpression("aws.destination")).toBeUndefined();
    expect(wholeExpression('{"a":"${var.x}"}')).toBeUndefined();
  });
});
