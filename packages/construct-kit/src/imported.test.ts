import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Testing } from "cdktf";
import { importFrom } from "./imported";
import { newTestStack } from "./testing";

describe("importFrom", () => {
  it("renders a top-level import block to the resource's final address, with no construct validation added", () => {
    const stack = newTestStack();
    const bucket = new S3Bucket(stack, "B", { bucket: "my-bucket" });
    importFrom(bucket, "my-bucket");
    bucket.overrideLogicalId("renamed");
    // cdktf's resource.importFrom adds a ">= 1.5" terraform version validation (run by app.synth()); this adds none.
    expect(bucket.node.validate()).toEqual([]);
    expect((bucket.node as unknown as { _validations?: unknown[] })._validations ?? []).toHaveLength(0);
    const json = JSON.parse(Testing.synth(stack));
    expect(json.import).toEqual([{ to: "aws_s3_bucket.renamed", id: "my-bucket" }]);
  });

  it("refuses an empty id and a second import of one resource", () => {
    const stack = newTestStack();
    const bucket = new S3Bucket(stack, "B", { bucket: "my-bucket" });
    expect(() => importFrom(bucket, " ")).toThrow('test/B: importFrom needs the import ID of the existing object (got " ")');
    importFrom(bucket, "my-bucket");
    expect(() => importFrom(bucket, "my-bucket")).toThrow("test/B: importFrom was already called for this resource");
  });
});

it("(control) cdktf's own resource.importFrom adds a construct validation (the terraform version check)", () => {
  const stack = newTestStack();
  const bucket = new S3Bucket(stack, "B", { bucket: "my-bucket" });
  bucket.importFrom("my-bucket");
  expect((bucket.node as unknown as { _validations: unknown[] })._validations).toHaveLength(1);
});
