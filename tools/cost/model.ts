/**
 * KMS cost model for SSE-KMS buckets (an estimate, not a quote). Written out in docs/cost.md.
 *
 * - Every customer-managed or imported key costs `keyMonth` per month.
 * - Automatic rotation adds `rotationMonth` per month for each rotation that has happened, up to
 *   `maxBilledRotations` (AWS bills the first two rotations of a key, later ones are free).
 *   A key of age A months with rotation period P days has rotated floor(A * 30.4375 / P) times.
 *   Imported-material keys never rotate automatically.
 * - S3 calls KMS once per PUT (GenerateDataKey) and once per GET (Decrypt) without a Bucket Key.
 *   With a Bucket Key, S3 reuses a bucket-level data key: requests fall by
 *   `bucketKeyRequestReduction` (AWS: "up to 99%"; the real figure depends on access patterns).
 * - Requests cost `per10kSymmetricRequests` per 10,000 after `freeRequestsPerMonth` free requests
 *   per account and month (the free tier is shared by the whole account: pass 0 to ignore it).
 */

export interface PriceTable {
  readonly keyMonth: number;
  readonly rotationMonth: number;
  readonly maxBilledRotations: number;
  readonly per10kSymmetricRequests: number;
  readonly freeRequestsPerMonth: number;
  readonly bucketKeyRequestReduction: number;
}

export interface KeyUsage {
  /** Terraform address of the key. */
  readonly address: string;
  /** Rotation period in days; undefined when the key does not rotate (imported material). */
  readonly rotationPeriodInDays?: number;
  /** Buckets encrypted with this key. */
  readonly buckets: number;
}

export interface Workload {
  /** PUT requests per bucket and month. */
  readonly putsPerBucket: number;
  /** GET requests per bucket and month. */
  readonly getsPerBucket: number;
  /** Age of the keys in months (for rotation charges). */
  readonly keyAgeMonths: number;
}

export interface StackCost {
  readonly keys: number;
  readonly buckets: number;
  readonly keyMonths: number;
  readonly rotationCharges: number;
  readonly requestsWithoutBucketKey: number;
  readonly requestsWithBucketKey: number;
  readonly totalWithoutBucketKey: number;
  readonly totalWithBucketKey: number;
}

const DAYS_PER_MONTH = 30.4375;

/** Billed rotations of one key of the given age. */
export function billedRotations(rotationPeriodInDays: number | undefined, keyAgeMonths: number, prices: PriceTable): number {
  if (rotationPeriodInDays === undefined) return 0;
  return Math.min(Math.floor((keyAgeMonths * DAYS_PER_MONTH) / rotationPeriodInDays), prices.maxBilledRotations);
}

/** Request charge of n requests in one month, after the free tier. */
export function requestCharge(requests: number, prices: PriceTable): number {
  return (Math.max(0, requests - prices.freeRequestsPerMonth) / 10_000) * prices.per10kSymmetricRequests;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Monthly estimate for one stack's keys, with and without Bucket Keys. */
export function estimateStack(keys: readonly KeyUsage[], w: Workload, prices: PriceTable): StackCost {
  const buckets = keys.reduce((n, k) => n + k.buckets, 0);
  const keyMonths = keys.length * prices.keyMonth;
  const rotationCharges = keys.reduce((sum, k) => sum + billedRotations(k.rotationPeriodInDays, w.keyAgeMonths, prices) * prices.rotationMonth, 0);
  const requestsWithoutBucketKey = buckets * (w.putsPerBucket + w.getsPerBucket);
  // toFixed: 1e7 * (1 - 0.99) is 100000.00000000001 in floating point.
  const requestsWithBucketKey = Math.ceil(Number((requestsWithoutBucketKey * (1 - prices.bucketKeyRequestReduction)).toFixed(6)));
  return {
    keys: keys.length,
    buckets,
    keyMonths: round(keyMonths),
    rotationCharges: round(rotationCharges),
    requestsWithoutBucketKey,
    requestsWithBucketKey,
    totalWithoutBucketKey: round(keyMonths + rotationCharges + requestCharge(requestsWithoutBucketKey, prices)),
    totalWithBucketKey: round(keyMonths + rotationCharges + requestCharge(requestsWithBucketKey, prices)),
  };
}

/** Checks a price table read from JSON; throws naming the bad field. */
export function parsePriceTable(raw: unknown, source: string): PriceTable {
  const fields = ["keyMonth", "rotationMonth", "maxBilledRotations", "per10kSymmetricRequests", "freeRequestsPerMonth", "bucketKeyRequestReduction"] as const;
  if (!raw || typeof raw !== "object") throw new Error(`${source}: (root): must be a JSON object (got ${JSON.stringify(raw)})`);
  const table = raw as Record<string, unknown>;
  for (const f of fields) {
    const v = table[f];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new Error(`${source}: ${f}: must be a non-negative number (got ${JSON.stringify(v)})`);
  }
  if ((table.bucketKeyRequestReduction as number) >= 1)
    throw new Error(`${source}: bucketKeyRequestReduction: must be below 1 (got ${String(table.bucketKeyRequestReduction)})`);
  return table as unknown as PriceTable;
}
