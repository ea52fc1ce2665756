/**
 * Benchmark only (tools/bench/bench.mjs): at how many buckets per key does the key policy pass
 * KMS's key policy size limit (32 KB = 32,768 bytes)? Every bucket a key encrypts adds its
 * bucket ARN and object ARN to the users' `kms:EncryptionContext:aws:s3:arn` condition, so the
 * policy grows linearly with buckets per key. For each partition and bucket-name length this
 * builds (no synth) a validated environment with one customer-managed key, renders the key policy
 * exactly as it is synthesized, and finds the largest bucket count that still fits.
 *   node tools/bench/dist/policy-limit.js <result.json>
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvironmentSchema, createApp } from "@sse-kms/blueprint-catalog";
import { parseEnvironment } from "@sse-kms/config";
import { EncryptionKey } from "@sse-kms/key";
import { renderPolicy } from "@sse-kms/policy";

export const KMS_KEY_POLICY_LIMIT_BYTES = 32_768;

const CASES = [
  { partition: "aws", region: "eu-west-1", nameLength: 20 },
  { partition: "aws", region: "eu-west-1", nameLength: 40 },
  { partition: "aws", region: "eu-west-1", nameLength: 63 },
  { partition: "aws-us-gov", region: "us-gov-west-1", nameLength: 63 },
  { partition: "aws-cn", region: "cn-north-1", nameLength: 63 },
] as const;

// createApp creates its outdir; nothing is synthesized into it.
const outdir = mkdtempSync(join(tmpdir(), "sse-kms-policy-limit-"));
process.on("exit", () => rmSync(outdir, { recursive: true, force: true }));

/** `n` distinct valid bucket names of exactly `length` characters. */
function bucketNames(n: number, length: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const head = `b${i}-`;
    return head + "k".repeat(length - head.length);
  });
}

/** Bytes of the synthesized key policy of a key that encrypts `n` buckets. */
function keyPolicyBytes(c: (typeof CASES)[number], n: number): number {
  const account = "123456789012";
  const env = parseEnvironment(
    EnvironmentSchema,
    {
      name: "limit",
      account,
      region: c.region,
      blueprints: {
        "customer-managed": {
          key: {
            name: "data",
            alias: "alias/limit-data",
            administrators: [`arn:${c.partition}:iam::${account}:role/platform-key-admin`],
            users: [`arn:${c.partition}:iam::${account}:role/app-data`],
          },
          buckets: bucketNames(n, c.nameLength).map((name) => ({ name })),
        },
      },
    },
    "policy-limit",
  );
  const app = createApp(outdir, { outdir, environments: [env] });
  const key = app.node.findAll().find((x): x is EncryptionKey => x instanceof EncryptionKey);
  if (!key) throw new Error("no EncryptionKey in the customer-managed blueprint");
  return Buffer.byteLength(renderPolicy(key.policyDocument()), "utf8");
}

const results = CASES.map((c) => {
  const one = keyPolicyBytes(c, 1);
  const perBucket = keyPolicyBytes(c, 2) - one;
  // Linear: bytes(n) = one + (n - 1) * perBucket. Verify the prediction on both sides of the limit.
  let maxBuckets = Math.floor((KMS_KEY_POLICY_LIMIT_BYTES - one) / perBucket) + 1;
  while (keyPolicyBytes(c, maxBuckets) > KMS_KEY_POLICY_LIMIT_BYTES) maxBuckets--;
  while (keyPolicyBytes(c, maxBuckets + 1) <= KMS_KEY_POLICY_LIMIT_BYTES) maxBuckets++;
  return { ...c, bytesWithOneBucket: one, bytesPerBucket: perBucket, maxBuckets, bytesAtMax: keyPolicyBytes(c, maxBuckets) };
});

const out = process.argv[2];
if (!out) throw new Error("usage: policy-limit.js <result.json>");
writeFileSync(out, JSON.stringify({ limitBytes: KMS_KEY_POLICY_LIMIT_BYTES, results }));
