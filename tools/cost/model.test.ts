import { readFileSync } from "node:fs";
import { join } from "node:path";
import { billedRotations, estimateReencryption, estimateStack, parsePriceTable, parseReencryptionPrices, requestCharge } from "./model";
import { keysOfStack } from "./stack-keys";

const rawPrices: unknown = JSON.parse(readFileSync(join(__dirname, "prices.json"), "utf8"));
const prices = parsePriceTable(rawPrices, "prices.json");
const s3Prices = parseReencryptionPrices(rawPrices, "prices.json");

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

describe("re-encryption cost model (one-time)", () => {
  test("10M SSE-S3 objects: Batch Operations $0.25 + $10, 10M COPY $50, 10M GenerateDataKey $30 (Bucket Key: 100k, $0.30)", () => {
    const c = estimateReencryption({ objects: 10_000_000, sourceEncryption: "sse-s3", jobs: 1 }, prices, s3Prices);
    expect(c).toMatchObject({ copyRequests: 10_000_000, listRequests: 10_000, kmsRequestsWithoutBucketKey: 10_000_000, kmsRequestsWithBucketKey: 100_000 });
    const [batch, cli] = c.methods;
    expect(batch).toEqual({
      method: "s3-batch-operations",
      batchCharge: 10.25,
      s3RequestCharge: 50,
      kmsWithoutBucketKey: 30,
      kmsWithBucketKey: 0.3,
      totalWithoutBucketKey: 90.25,
      totalWithBucketKey: 60.55,
    });
    // aws s3 cp: no Batch Operations fee, one LIST per 1,000 keys: 10,010,000 requests x $0.005 / 1,000.
    expect(cli).toMatchObject({ method: "aws-s3-cp", batchCharge: 0, s3RequestCharge: 50.05, totalWithoutBucketKey: 80.05, totalWithBucketKey: 50.35 });
  });

  test("objects already under SSE-KMS also cost a Decrypt each; unencrypted ones do not", () => {
    const kmsSource = estimateReencryption({ objects: 1_000_000, sourceEncryption: "sse-kms", jobs: 1 }, prices, s3Prices);
    const plain = estimateReencryption({ objects: 1_000_000, sourceEncryption: "none", jobs: 1 }, prices, s3Prices);
    expect(kmsSource.kmsRequestsWithoutBucketKey).toBe(2_000_000);
    expect(plain.kmsRequestsWithoutBucketKey).toBe(1_000_000);
    expect(kmsSource.methods[0].kmsWithoutBucketKey).toBe(6);
  });

  test("each Batch Operations job is billed; the per-object fee is per million objects; a partial LIST page is one request", () => {
    const c = estimateReencryption({ objects: 1_500, sourceEncryption: "sse-s3", jobs: 3 }, prices, s3Prices);
    expect(c.listRequests).toBe(2);
    expect(c.methods[0].batchCharge).toBe(0.75); // 3 x 0.25 + 0.0015, rounded to cents
  });

  test("a price table without the S3 prices is refused only when re-encryption is asked for, naming the field", () => {
    const { batchJob: _omit, ...old } = rawPrices as Record<string, unknown>;
    expect(() => parsePriceTable(old, "old.json")).not.toThrow();
    expect(() => parseReencryptionPrices(old, "old.json")).toThrow(
      "old.json: batchJob: must be a non-negative number, needed by --reencrypt-objects (got undefined); see docs/cost.md",
    );
    expect(() => parseReencryptionPrices({ ...s3Prices, s3Per1kCopyRequests: -1 }, "p.json")).toThrow(/^p\.json: s3Per1kCopyRequests: /);
  });
});
