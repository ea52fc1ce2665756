/**
 * stackDocument against cdktf's own TerraformStack.toTerraform() on a stack built to reach every
 * branch of both: overrides with tokens, an override that deletes, resource-level overrides,
 * outputs nested in constructs, a nested stack, strings with Terraform expressions and escapes,
 * numbers and number-like text. Every stack of every environment: apps/catalog/src/stack-document.test.ts.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { Fn, Lazy, S3Backend, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { Construct } from "constructs";
import { stackDocument } from "./stack-document";

/** What cdktf itself returns for the stack (the method stackDocument stands in for). */
const cdktfDocument = (stack: TerraformStack): unknown => TerraformStack.prototype.toTerraform.call(stack);

function corners(configure: (stack: TerraformStack, bucket: S3Bucket) => void = () => undefined): TerraformStack {
  const app = Testing.app({ stackTraces: false });
  const stack = new TerraformStack(app, "corners");
  new AwsProvider(stack, "aws", { region: "eu-central-1", allowedAccountIds: ["123456789012"] });
  const size = new TerraformVariable(stack, "size", { type: "number", default: 3 });
  const bucket = new S3Bucket(stack, "bucket", {
    bucket: "corners-123456789012",
    tags: {
      expression: "${var.size} and $${literal} and ${aws_s3_bucket.other.id}",
      numberLike: "1e+5 -1.5e-3 123456789012 9e9",
      lazy: Lazy.stringValue({ produce: () => "produced-late" }),
      size: Token.asString(size.numberValue),
    },
    forceDestroy: false,
  });
  bucket.addOverride("lifecycle.prevent_destroy", true);
  bucket.importFrom("corners-123456789012"); // an `import` list in the bucket's fragment
  const group = new Construct(stack, "group");
  new S3BucketPolicy(group, "policy", {
    bucket: bucket.id,
    policy: Fn.jsonencode({ Statement: [{ Effect: "Deny", Resource: `${bucket.arn}/*`, Condition: { NumericLessThan: { "s3:TlsVersion": 1.2 } } }] }),
  });
  new TerraformOutput(group, "arn", { value: bucket.arn });
  new TerraformOutput(stack, "size-out", { value: size.numberValue, sensitive: false });
  new TerraformLocal(stack, "big", 1.7976931348623157e308);
  const nested = new TerraformStack(stack, "nested"); // a stack inside this one: its blocks are its own
  new S3Bucket(nested, "inner", { bucket: "nested-123456789012" });
  configure(stack, bucket);
  return stack;
}

describe("stackDocument", () => {
  test("returns what cdktf's TerraformStack.toTerraform() returns: tokens, expressions, escapes, outputs, locals, resource overrides, no nested stack", () => {
    const stack = corners();
    const doc = stackDocument(stack) as { resource: Record<string, Record<string, unknown>> };
    expect(doc).toStrictEqual(cdktfDocument(stack));
    expect(Object.keys(doc.resource.aws_s3_bucket)).toEqual(["bucket"]);
  });

  test("stack overrides: a token in an override is resolved, an override adds to a section the blocks wrote", () => {
    const stack = corners((s, bucket) => {
      s.addOverride("terraform.required_version", ">= 1.10");
      s.addOverride("locals.bucket_arn", bucket.arn);
      s.addOverride("moved", [{ from: "aws_s3_bucket.old", to: "aws_s3_bucket.bucket" }]);
      s.addOverride("import", [{ to: "aws_s3_bucket.adopted", id: "adopted-123456789012" }]); // appended to the bucket's
      s.addOverride("resource.aws_s3_bucket.bucket.tags.added", Token.asString(bucket.id));
    });
    const doc = stackDocument(stack) as { locals: Record<string, unknown>; import: { to: string }[]; resource: { aws_s3_bucket: { bucket: { tags: Record<string, unknown> } } } };
    expect(doc).toStrictEqual(cdktfDocument(stack));
    expect(doc.locals.bucket_arn).toBe("${aws_s3_bucket.bucket.arn}");
    expect(doc.resource.aws_s3_bucket.bucket.tags.added).toBe("${aws_s3_bucket.bucket.id}");
    expect(doc.import.map((i) => i.to)).toEqual(["aws_s3_bucket.bucket", "aws_s3_bucket.adopted"]);
  });

  test("an override set to undefined deletes what the blocks wrote, as in cdktf", () => {
    const stack = corners((s) => {
      new S3Backend(s, { bucket: "state", key: "corners.tfstate", region: "eu-central-1" });
      s.addOverride("terraform.backend", undefined);
      s.addOverride("provider.aws", undefined);
    });
    const doc = stackDocument(stack) as { terraform: Record<string, unknown> };
    expect(doc).toStrictEqual(cdktfDocument(stack));
    expect(doc.terraform.backend).toBeUndefined();
    expect(doc).not.toHaveProperty("provider.aws");
  });

  test("the // metadata: backend and overrides as cdktf writes them, no undefined left in the object", () => {
    const stack = corners((s) => s.addOverride("terraform.required_version", ">= 1.10"));
    const doc = stackDocument(stack) as { "//": { metadata: Record<string, unknown>; outputs: unknown } };
    expect(doc["//"]).toStrictEqual((cdktfDocument(stack) as typeof doc)["//"]);
    expect(doc["//"].metadata).not.toHaveProperty("cloud");
    expect(doc["//"].metadata.overrides).toEqual({ aws_s3_bucket: ["lifecycle"], stack: ["terraform"] });
    const arn = stack.node.findChild("group").node.findChild("arn") as TerraformOutput;
    const size = stack.node.findChild("size-out") as TerraformOutput;
    expect(doc["//"].outputs).toEqual({ corners: { group: { arn: arn.friendlyUniqueId }, "size-out": size.friendlyUniqueId } });
  });
});
