/**
 * `npm run cost -- --env <env> --puts <n> --gets <n> [--key-age-months 12] [--prices file.json]`
 * Estimates the monthly KMS cost of each stack of an environment, with and without S3 Bucket Keys.
 * `npm run cost -- --reencrypt-objects <n> [--source-encryption sse-s3] [--batch-jobs 1]` (alone or
 * with the above): the one-time cost of re-encrypting n existing objects (an adopted bucket).
 * An estimate from a documented, overridable price table (tools/cost/prices.json); see docs/cost.md.
 */
import { join, relative } from "node:path";
// The argument parser is loaded alone, the rest (cdktf, the provider) only once the command line
// is valid: a usage error answers in a tenth of the time.
import { parseCliArgs, runCli, UsageError, wholeNumber } from "@sse-kms/config/args";
import { type KeyUsage, type PriceTable, type Reencryption, type ReencryptionPrices, estimateReencryption } from "./model";

const USAGE = `npm run cost -- --env <env> --puts <n> --gets <n> [--key-age-months 12] [--prices file.json]
       npm run cost -- --reencrypt-objects <n> [--source-encryption none|sse-s3|sse-kms] [--batch-jobs 1] [--prices file.json]
Estimates the monthly KMS cost of each stack of apps/<env>, with and without S3 Bucket Keys, and/or the
one-time cost of re-encrypting <n> existing objects with the bucket's key (S3 Batch Operations or aws s3 cp;
docs/cost.md, docs/re-encryption.md). <n> is a whole number in decimal digits; --key-age-months at most 1200.`;

const SOURCE_ENCRYPTIONS = ["none", "sse-s3", "sse-kms"] as const;

/** Requests per bucket and month are bounded far above any real workload, so sums stay exact. */
const MAX_REQUESTS = 1e12;

async function main(args: readonly string[]): Promise<number> {
  const { strings } = parseCliArgs(args, {
    env: { type: "string" },
    puts: { type: "string" },
    gets: { type: "string" },
    "key-age-months": { type: "string" },
    prices: { type: "string" },
    "reencrypt-objects": { type: "string" },
    "source-encryption": { type: "string" },
    "batch-jobs": { type: "string" },
  });
  const reencrypt = strings["reencrypt-objects"];
  if (reencrypt === undefined) {
    for (const flag of ["source-encryption", "batch-jobs"])
      if (strings[flag] !== undefined) throw new UsageError(`--${flag} needs --reencrypt-objects <n> (the objects to re-encrypt)`);
  }
  const reencryption =
    reencrypt === undefined
      ? undefined
      : {
          objects: wholeNumber("reencrypt-objects", reencrypt, { min: 1, max: MAX_REQUESTS }),
          sourceEncryption: sourceEncryption(strings["source-encryption"]),
          jobs: strings["batch-jobs"] === undefined ? 1 : wholeNumber("batch-jobs", strings["batch-jobs"], { min: 1, max: 10_000 }),
        };
  const monthly = reencryption === undefined || strings.env !== undefined || strings.puts !== undefined || strings.gets !== undefined;
  const required = (name: string) => {
    const v = strings[name];
    if (v === undefined) throw new UsageError(`--${name} is required${name === "env" ? ", e.g. --env prod" : " (requests per bucket and month)"}`);
    return v;
  };
  const pricesPath = (root: string) => strings.prices ?? join(root, "tools/cost/prices.json");
  if (!monthly) {
    const { parseConfigJson, readConfigText } = await import("@sse-kms/config");
    const { findRepoRoot } = await import("@sse-kms/blueprint-catalog");
    const { parsePriceTable, parseReencryptionPrices } = await import("./model");
    const root = findRepoRoot(__dirname);
    const pricesFile = pricesPath(root);
    const raw = parseConfigJson(readConfigText(pricesFile), pricesFile);
    printReencryption(reencryption!, parsePriceTable(raw, pricesFile), parseReencryptionPrices(raw, pricesFile), relative(root, pricesFile) || pricesFile);
    return 0;
  }
  const envName = required("env");
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(envName)) throw new UsageError(`--env must be an environment name (a folder of apps/), got ${JSON.stringify(envName)}`);
  const workload = {
    putsPerBucket: wholeNumber("puts", required("puts"), { max: MAX_REQUESTS }),
    getsPerBucket: wholeNumber("gets", required("gets"), { max: MAX_REQUESTS }),
    keyAgeMonths: strings["key-age-months"] === undefined ? 12 : wholeNumber("key-age-months", strings["key-age-months"], { max: 1200 }),
  };
  const { parseConfigJson, readConfigText } = await import("@sse-kms/config");
  const { findRepoRoot, loadEnvironment, synthEnvironment } = await import("@sse-kms/blueprint-catalog");
  const { estimateStack, parsePriceTable } = await import("./model");
  const { keysOfStack } = await import("./stack-keys");
  const root = findRepoRoot(__dirname);
  const envFile = join(root, "apps", envName, "environment.json");
  const env = loadEnvironment(envFile);
  const pricesFile = pricesPath(root);
  // Same safe reading as environment files: a regular file, size-limited, strict JSON; errors name the file.
  const rawPrices = parseConfigJson(readConfigText(pricesFile), pricesFile);
  const prices = parsePriceTable(rawPrices, pricesFile);
  const { parseReencryptionPrices } = await import("./model");
  const s3Prices = reencryption === undefined ? undefined : parseReencryptionPrices(rawPrices, pricesFile);
  console.log(`ESTIMATE of monthly AWS KMS charges for environment ${env.name} (prices: ${relative(root, pricesFile) || pricesFile}; model: docs/cost.md)`);
  console.log(`workload: ${workload.putsPerBucket} PUT + ${workload.getsPerBucket} GET per bucket per month; keys ${workload.keyAgeMonths} months old\n`);
  console.log(
    "| stack | keys | buckets | KMS requests (no Bucket Key) | KMS requests (Bucket Key) | USD/month without Bucket Key | USD/month with Bucket Key |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const stack of synthEnvironment(env)) {
    const keys: KeyUsage[] = keysOfStack(JSON.parse(stack.json));
    const c = estimateStack(keys, workload, prices);
    console.log(
      `| ${stack.name} | ${c.keys} | ${c.buckets} | ${c.requestsWithoutBucketKey} | ${c.requestsWithBucketKey} | ${c.totalWithoutBucketKey.toFixed(2)} | ${c.totalWithBucketKey.toFixed(2)} |`,
    );
  }
  if (reencryption !== undefined) {
    console.log("");
    printReencryption(reencryption, prices, s3Prices!, relative(root, pricesFile) || pricesFile);
  }
  return 0;
}

function sourceEncryption(value: string | undefined): Reencryption["sourceEncryption"] {
  if (value === undefined) return "sse-s3";
  if ((SOURCE_ENCRYPTIONS as readonly string[]).includes(value)) return value as Reencryption["sourceEncryption"];
  throw new UsageError(`--source-encryption must be one of ${SOURCE_ENCRYPTIONS.join(", ")} (got ${JSON.stringify(value)})`);
}

function printReencryption(r: Reencryption, kms: PriceTable, s3: ReencryptionPrices, pricesLabel: string): void {
  // Loaded with the model: the CLI bundle is one file, so this costs nothing at runtime.
  const c = estimateReencryption(r, kms, s3);
  console.log(
    `ESTIMATE of the one-time charges to re-encrypt ${r.objects} objects (now ${r.sourceEncryption}) with SSE-KMS (prices: ${pricesLabel}; model: docs/cost.md)`,
  );
  console.log(
    `requests: ${c.copyRequests} COPY, ${c.listRequests} LIST (aws s3 cp only), KMS ${c.kmsRequestsWithoutBucketKey} without a Bucket Key, ${c.kmsRequestsWithBucketKey} with one; ${r.jobs} Batch Operations job${r.jobs === 1 ? "" : "s"}\n`,
  );
  console.log(
    "| method | Batch Operations USD | S3 requests USD | KMS USD (no Bucket Key) | KMS USD (Bucket Key) | total USD without Bucket Key | total USD with Bucket Key |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const m of c.methods)
    console.log(
      `| ${m.method} | ${m.batchCharge.toFixed(2)} | ${m.s3RequestCharge.toFixed(2)} | ${m.kmsWithoutBucketKey.toFixed(2)} | ${m.kmsWithBucketKey.toFixed(2)} | ${m.totalWithoutBucketKey.toFixed(2)} | ${m.totalWithBucketKey.toFixed(2)} |`,
    );
  console.log(
    "\nNot counted: storage of the previous versions a versioned bucket keeps, multipart copies of large objects, the manifest/inventory, replication of the copies, CloudTrail data events, restores from archive classes (docs/cost.md).",
  );
}

runCli("cost", USAGE, main);
