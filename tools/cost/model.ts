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

/*
 * One-time cost of re-encrypting existing objects under the bucket's KMS key (an adopted bucket:
 * changing default encryption does not touch objects already there; docs/re-encryption.md).
 * Each object is copied onto itself with SSE-KMS (CopyObject), either by an S3 Batch Operations
 * Copy job or by `aws s3 cp --recursive` in place:
 * - Batch Operations: `batchJob` per job + `batchPerMillionObjects` per million objects processed;
 * - S3 requests: one COPY per object (`s3Per1kCopyRequests`, the PUT/COPY/POST/LIST tier), and for
 *   `aws s3 cp --recursive` one LIST (ListObjectsV2, up to 1,000 keys) per 1,000 objects;
 * - KMS: one GenerateDataKey per object for the new copy, plus one Decrypt per object whose source
 *   is already SSE-KMS; with a Bucket Key the same x (1 - bucketKeyRequestReduction), as the
 *   monthly model. The account's monthly free tier is not subtracted (the workload uses it).
 * Not counted: see docs/cost.md (storage of the old versions in a versioned bucket, objects copied
 * by multipart (> 5 GB for Batch Operations, > the CLI's multipart threshold), the manifest or
 * inventory, replication of the new copies, CloudTrail data events, restores from archive classes).
 */

/** The S3 prices the re-encryption estimate needs, besides the KMS ones of {@link PriceTable}. */
export interface ReencryptionPrices {
  /** S3 Batch Operations, per job. */
  readonly batchJob: number;
  /** S3 Batch Operations, per million objects processed. */
  readonly batchPerMillionObjects: number;
  /** S3 Standard PUT, COPY, POST, LIST requests, per 1,000. */
  readonly s3Per1kCopyRequests: number;
}

/** What is re-encrypted. */
export interface Reencryption {
  /** Objects (object versions) copied. */
  readonly objects: number;
  /** How the objects are encrypted now: `sse-kms` costs a Decrypt per object on copy. */
  readonly sourceEncryption: "none" | "sse-s3" | "sse-kms";
  /** Batch Operations jobs (one per bucket, usually). */
  readonly jobs: number;
}

/** One method's one-time charges, USD (rounded to cents). */
export interface ReencryptionMethodCost {
  readonly method: "s3-batch-operations" | "aws-s3-cp";
  readonly batchCharge: number;
  readonly s3RequestCharge: number;
  readonly kmsWithoutBucketKey: number;
  readonly kmsWithBucketKey: number;
  readonly totalWithoutBucketKey: number;
  readonly totalWithBucketKey: number;
}

/** The estimate for both methods, and the request counts behind it. */
export interface ReencryptionCost {
  readonly copyRequests: number;
  /** LIST requests of `aws s3 cp --recursive` (Batch Operations reads a manifest instead). */
  readonly listRequests: number;
  readonly kmsRequestsWithoutBucketKey: number;
  readonly kmsRequestsWithBucketKey: number;
  readonly methods: readonly [ReencryptionMethodCost, ReencryptionMethodCost];
}

/** One-time cost of re-encrypting `r.objects` objects, by S3 Batch Operations and by `aws s3 cp`. */
export function estimateReencryption(r: Reencryption, kms: PriceTable, s3: ReencryptionPrices): ReencryptionCost {
  const copyRequests = r.objects;
  const listRequests = Math.ceil(r.objects / 1000);
  const kmsRequestsWithoutBucketKey = r.objects * (r.sourceEncryption === "sse-kms" ? 2 : 1);
  const kmsRequestsWithBucketKey = Math.ceil(Number((kmsRequestsWithoutBucketKey * (1 - kms.bucketKeyRequestReduction)).toFixed(6)));
  const kmsCharge = (n: number) => (n / 10_000) * kms.per10kSymmetricRequests;
  const method = (name: ReencryptionMethodCost["method"], batchCharge: number, requests: number): ReencryptionMethodCost => {
    const s3RequestCharge = (requests / 1000) * s3.s3Per1kCopyRequests;
    return {
      method: name,
      batchCharge: round(batchCharge),
      s3RequestCharge: round(s3RequestCharge),
      kmsWithoutBucketKey: round(kmsCharge(kmsRequestsWithoutBucketKey)),
      kmsWithBucketKey: round(kmsCharge(kmsRequestsWithBucketKey)),
      totalWithoutBucketKey: round(batchCharge + s3RequestCharge + kmsCharge(kmsRequestsWithoutBucketKey)),
      totalWithBucketKey: round(batchCharge + s3RequestCharge + kmsCharge(kmsRequestsWithBucketKey)),
    };
  };
  const batch = r.jobs * s3.batchJob + (r.objects / 1_000_000) * s3.batchPerMillionObjects;
  return {
    copyRequests,
    listRequests,
    kmsRequestsWithoutBucketKey,
    kmsRequestsWithBucketKey,
    methods: [method("s3-batch-operations", batch, copyRequests), method("aws-s3-cp", 0, copyRequests + listRequests)],
  };
}

/** Checks the re-encryption prices of a price table read from JSON; throws naming the bad field. */
export function parseReencryptionPrices(raw: unknown, source: string): ReencryptionPrices {
  if (!raw || typeof raw !== "object") throw new Error(`${source}: (root): must be a JSON object (got ${JSON.stringify(raw)})`);
  const table = raw as Record<string, unknown>;
  for (const f of ["batchJob", "batchPerMillionObjects", "s3Per1kCopyRequests"] as const) {
    const v = table[f];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
      throw new Error(`${source}: ${f}: must be a non-negative number, needed by --reencrypt-objects (got ${JSON.stringify(v)}); see docs/cost.md`);
  }
  return table as unknown as ReencryptionPrices;
}
