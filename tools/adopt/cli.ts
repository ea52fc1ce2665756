/**
 * `npm run adopt:inspect -- --bucket <name> --region <r> [--sample 100] [--list-limit 10000] [--endpoint-url http://127.0.0.1:PORT] [--json]`
 * Reads an existing bucket (read-only) with the AWS SDK v3 and the standard credential chain, and
 * prints the `buckets[].adopt` block that adopts it, what it has, and the re-encryption cost of its
 * objects (the model of `npm run cost`). docs/re-encryption.md.
 */
import { join, relative } from "node:path";
import { CliError, UsageError, parseCliArgs, runCli, wholeNumber } from "@sse-kms/config/args";

const USAGE = `npm run adopt:inspect -- --bucket <name> --region <region> [--sample 100] [--list-limit 10000] [--endpoint-url http://127.0.0.1:PORT] [--json]
Reads an existing S3 bucket with read-only calls (the AWS SDK's standard credential chain; the instance
metadata service is never asked) and prints the buckets[].adopt block that adopts it: the optional
configurations it has (imported, so the plan shows their change), its tags and its policy statements
(kept), its lifecycle rules and its objects' current encryption (HeadObject on up to --sample objects of
the first --list-limit listed), with the one-time re-encryption cost (docs/cost.md). --endpoint-url is
for an emulator on loopback only (moto_server).`;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

async function main(args: readonly string[]): Promise<number> {
  const { strings, flags } = parseCliArgs(args, {
    bucket: { type: "string" },
    region: { type: "string" },
    sample: { type: "string" },
    "list-limit": { type: "string" },
    "endpoint-url": { type: "string" },
    json: { type: "boolean" },
  });
  const { BucketName, Region } = await import("@sse-kms/config");
  const bucket = strings.bucket;
  if (bucket === undefined) throw new UsageError("--bucket is required (the existing bucket's name)");
  const name = BucketName.safeParse(bucket);
  if (!name.success) throw new UsageError(`--bucket ${name.error.issues[0]?.message ?? "is not a bucket name"} (got ${JSON.stringify(bucket)})`);
  const region = strings.region;
  if (region === undefined) throw new UsageError("--region is required (the bucket's region, e.g. eu-west-1)");
  if (!Region.safeParse(region).success) throw new UsageError(`--region must be a known AWS region such as eu-west-1 (got ${JSON.stringify(region)})`);
  const sample = strings.sample === undefined ? 100 : wholeNumber("sample", strings.sample, { max: 10_000 });
  const listLimit = strings["list-limit"] === undefined ? 10_000 : wholeNumber("list-limit", strings["list-limit"], { min: 1, max: 10_000_000 });
  const endpoint = strings["endpoint-url"];
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new UsageError(`--endpoint-url must be a URL such as http://127.0.0.1:5000 (got ${JSON.stringify(endpoint)})`);
    }
    if (!/^https?:$/.test(url.protocol) || !LOOPBACK.has(url.hostname) || url.username !== "" || url.password !== "")
      throw new UsageError(`--endpoint-url must be http(s) on loopback (127.0.0.1, localhost, [::1]) for an emulator (got ${JSON.stringify(endpoint)})`);
  }

  // The standard chain without the instance metadata service: AWS_EC2_METADATA_DISABLED, "Whether or
  // not to attempt to use Amazon EC2 Instance Metadata Service (IMDS) to obtain credentials ... true –
  // Do not use IMDS to obtain credentials." (https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-credentials.html).
  // Set before the SDK loads; tools/adopt/cli.test.ts proves no IMDS request is made.
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  const { S3Client } = await import("@aws-sdk/client-s3");
  const s3 = new S3Client({
    region,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
    ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
  });
  try {
    try {
      await s3.config.credentials();
    } catch {
      throw new CliError(
        "no AWS credentials found: set AWS_PROFILE (shared config or SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; the instance metadata service is not asked",
      );
    }
    const { adoptBlock, inspectBucket, reencryptionClasses } = await import("./inspect");
    let inspection;
    try {
      inspection = await inspectBucket(s3, bucket, { sample, listLimit });
    } catch (e) {
      const err = e as { name?: string; message?: string };
      throw new CliError(`cannot read bucket ${bucket} in ${region}: ${err.name ?? "Error"}: ${err.message ?? String(e)}`);
    }
    const block = adoptBlock(inspection);
    const { findRepoRoot } = await import("@sse-kms/blueprint-catalog");
    const { parseConfigJson, readConfigText } = await import("@sse-kms/config");
    const { estimateReencryption, parsePriceTable, parseReencryptionPrices } = await import("../cost/model");
    const root = findRepoRoot(__dirname);
    const pricesFile = join(root, "tools/cost/prices.json");
    const raw = parseConfigJson(readConfigText(pricesFile), pricesFile);
    const kms = parsePriceTable(raw, pricesFile);
    const s3Prices = parseReencryptionPrices(raw, pricesFile);
    const costs = reencryptionClasses(inspection).map((c) => ({ ...c, cost: estimateReencryption({ ...c, jobs: 1 }, kms, s3Prices) }));
    if (flags.has("json")) {
      console.log(JSON.stringify({ adopt: block, inspection, reencryption: costs }, null, 2));
      return 0;
    }
    const i = inspection;
    const has = (c: string) => (i.existing as readonly string[]).includes(c);
    const lines = [
      `bucket ${bucket} (${region}), read-only; docs/re-encryption.md says what the first apply does with each finding`,
      `  versioning: ${i.versioning === "never enabled" ? "never enabled (imported as Disabled; the first apply enables it, and a bucket cannot return to unversioned)" : i.versioning}`,
      `  default encryption: ${i.defaultEncryption ? `${i.defaultEncryption.algorithm}${i.defaultEncryption.kmsKeyId ? ` with ${i.defaultEncryption.kmsKeyId}` : ""}${i.defaultEncryption.bucketKey ? ", Bucket Key" : ""}` : "none reported"} (imported; the first apply sets SSE-KMS with the stack's key)`,
      `  bucket policy: ${has("policy") ? `${i.policyStatements.length} statement(s): imported; kept by keepPolicyStatements (delete those to drop: the plan shows each removed)` : "none (created)"}`,
      ...i.renamedSids.map((r) => `    statement Sid ${r.from === undefined ? "(none)" : JSON.stringify(r.from)} is listed as ${r.to} (a Sid is only a label)`),
      `  ownership controls: ${has("ownershipControls") ? "present: imported (the plan shows the change to BucketOwnerEnforced)" : "none (created: BucketOwnerEnforced)"}`,
      `  public access block: ${has("publicAccessBlock") ? "present: imported (the plan shows the change to all four blocks on)" : "none (created: all four blocks on)"}`,
      `  tags: ${Object.keys(i.tags).length === 0 ? "none" : `${Object.keys(i.tags).length}, kept by adopt.tags`}`,
      `  lifecycle rules: ${i.lifecycleRules.length === 0 ? "none" : `${i.lifecycleRules.map((r) => `${r.id} (${r.status})`).join(", ")}: not managed by the blueprints, left as they are`}`,
      `  objects: ${i.objects.listed}${i.objects.truncated ? "+ (list limit reached)" : ""} listed; HeadObject on ${i.objects.sampled}: ${
        Object.entries(i.objects.mix)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${n} ${k}`)
          .join(", ") || "none"
      }${i.objects.kmsKeys.length > 0 ? ` (KMS keys: ${i.objects.kmsKeys.join(", ")})` : ""}; the first apply does not touch them`,
    ];
    console.log(lines.join("\n"));
    for (const c of costs) {
      const [batch, cp] = c.cost.methods;
      console.log(
        `  re-encrypting ~${c.objects} ${c.sourceEncryption} object(s) (npm run cost -- --reencrypt-objects ${c.objects} --source-encryption ${c.sourceEncryption}; prices ${relative(root, pricesFile)}): ` +
          `S3 Batch Operations USD ${batch.totalWithBucketKey.toFixed(2)}, aws s3 cp USD ${cp.totalWithBucketKey.toFixed(2)} (with a Bucket Key)`,
      );
    }
    console.log(`\n"adopt": ${JSON.stringify(block, null, 2)}`);
    return 0;
  } finally {
    s3.destroy();
  }
}

runCli("adopt:inspect", USAGE, main);
