import { adoptedBuckets } from "./adopted-buckets";

describe("adoptedBuckets", () => {
  const stack = (imports: Array<{ to: string; id: string }>, resource: Record<string, unknown> = {}) =>
    JSON.stringify({
      provider: { aws: [{ region: "eu-central-1" }, { alias: "destination", region: "eu-west-1" }] },
      resource: { aws_s3_bucket: resource },
      import: imports,
    });

  it("lists each imported bucket once, with its provider's region and the configurations its import blocks take", () => {
    const json = stack(
      [
        { to: "aws_s3_bucket.reports", id: "acme-reports" },
        { to: "aws_s3_bucket_versioning.reports", id: "acme-reports" },
        { to: "aws_s3_bucket_server_side_encryption_configuration.reports", id: "acme-reports" },
        { to: "aws_s3_bucket.replica", id: "acme-replica" },
        { to: "aws_s3_bucket_policy.replica", id: "acme-replica" },
      ],
      { reports: { bucket: "acme-reports" }, replica: { bucket: "acme-replica", provider: "aws.destination" } },
    );
    expect(adoptedBuckets(json)).toEqual([
      {
        bucket: "acme-reports",
        region: "eu-central-1",
        imports: ["aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning"],
      },
      { bucket: "acme-replica", region: "eu-west-1", imports: ["aws_s3_bucket", "aws_s3_bucket_policy"] },
    ]);
  });

  it("is empty for a stack without import blocks, and ignores imports of other resource types", () => {
    expect(adoptedBuckets(stack([]))).toEqual([]);
    expect(adoptedBuckets(stack([{ to: "aws_kms_key.data", id: "1234abcd-12ab-34cd-56ef-1234567890ab" }]))).toEqual([]);
  });
});
