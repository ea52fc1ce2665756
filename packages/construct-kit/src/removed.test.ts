import { Testing } from "cdktf";
import { forget, forgottenBy } from "./removed";
import { newTestStack } from "./testing";

describe("forget", () => {
  it("renders top-level removed blocks with lifecycle.destroy = false, one per address, in order", () => {
    const stack = newTestStack();
    forget(stack, "aws_s3_bucket.data");
    forget(stack, "aws_s3_bucket_policy.data");
    expect(JSON.parse(Testing.synth(stack)).removed).toEqual([
      { from: "aws_s3_bucket.data", lifecycle: { destroy: false } },
      { from: "aws_s3_bucket_policy.data", lifecycle: { destroy: false } },
    ]);
    expect(forgottenBy(stack)).toEqual(["aws_s3_bucket.data", "aws_s3_bucket_policy.data"]);
  });

  it("refuses a malformed address and the same address twice", () => {
    const stack = newTestStack();
    expect(() => forget(stack, "aws_s3_bucket")).toThrow('test: forget needs a Terraform resource address such as "aws_s3_bucket.data" (got "aws_s3_bucket")');
    forget(stack, "aws_s3_bucket.data");
    expect(() => forget(stack, "aws_s3_bucket.data")).toThrow("test: aws_s3_bucket.data is already forgotten by this stack");
  });
});
