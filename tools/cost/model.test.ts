import { readFileSync } from "node:fs";
import { join } from "node:path";
import { billedRotations, estimateStack, parsePriceTable, requestCharge } from "./model";
import { keysOfStack } from "./stack-keys";

const prices = parsePriceTable(JSON.parse(readFileSync(join(__dirname, "prices.json"), "utf8")), "prices.json");

describe("KMS cost model", () => {
  test("rotations: floor(age / period), at most two billed; imported keys never rotate", () => {
    expect(billedRotations(365, 12, prices)).toBe(1); // 365.25 days >= 365
    expect(billedRotations(365, 11, prices)).toBe(0);
    expect(billedRotations(90, 12, prices)).toBe(2); // 4 rotations, 2 billed
    expect(billedRotations(undefined, 120, prices)).toBe(0);
  });

  test("requests: free tier first, then per 10,000", () => {
    expect(requestCharge(20_000, prices)).toBe(0);
    expect(requestCharge(1_020_000, prices)).toBeCloseTo(3.0, 10);
  });

  test("one key, two buckets, 1M PUT + 4M GET each: Bucket Keys cut the request charge by 99%", () => {
    const c = estimateStack(
      [{ address: "aws_kms_key.data", rotationPeriodInDays: 365, buckets: 2 }],
      { putsPerBucket: 1_000_000, getsPerBucket: 4_000_000, keyAgeMonths: 12 },
      prices,
    );
    expect(c.requestsWithoutBucketKey).toBe(10_000_000);
    expect(c.requestsWithBucketKey).toBe(100_000);
    // $1 key + $1 one rotation + (10M - 20k)/10k * 0.03 = 2 + 29.94
    expect(c.totalWithoutBucketKey).toBe(31.94);
    // 2 + (100k - 20k)/10k * 0.03 = 2.24
    expect(c.totalWithBucketKey).toBe(2.24);
  });

  test("a bad price table names the field", () => {
    expect(() => parsePriceTable({ ...prices, keyMonth: "1" }, "p.json")).toThrow('p.json: keyMonth: must be a non-negative number (got "1")');
    expect(() => parsePriceTable({ ...prices, bucketKeyRequestReduction: 1 }, "p.json")).toThrow(/bucketKeyRequestReduction: must be below 1/);
  });

  test("keys of a synthesized stack: rotation from config, buckets counted by their SSE key reference", () => {
    const stack = {
      resource: {
        aws_kms_key: { data: { enable_key_rotation: true, rotation_period_in_days: 90 } },
        aws_kms_external_key: { byok: {} },
        aws_s3_bucket_server_side_encryption_configuration: {
          a: { rule: [{ apply_server_side_encryption_by_default: { kms_master_key_id: "${aws_kms_key.data.arn}" } }] },
          b: { rule: [{ apply_server_side_encryption_by_default: { kms_master_key_id: "${aws_kms_key.data.arn}" } }] },
          c: { rule: [{ apply_server_side_encryption_by_default: { kms_master_key_id: "${aws_kms_external_key.byok.arn}" } }] },
        },
      },
    };
    expect(keysOfStack(stack)).toEqual([
      { address: "aws_kms_external_key.byok", rotationPeriodInDays: undefined, buckets: 1 },
      { address: "aws_kms_key.data", rotationPeriodInDays: 90, buckets: 2 },
    ]);
  });
});
