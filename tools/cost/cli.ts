/**
 * `npm run cost -- --env <env> --puts <n> --gets <n> [--key-age-months 12] [--prices file.json]`
 * Estimates the monthly KMS cost of each stack of an environment, with and without S3 Bucket Keys.
 * An estimate from a documented, overridable price table (tools/cost/prices.json); see docs/cost.md.
 */
import { join, relative } from "node:path";
// The argument parser is loaded alone, the rest (cdktf, the provider) only once the command line
// is valid: a usage error answers in a tenth of the time.
import { parseCliArgs, runCli, UsageError, wholeNumber } from "@sse-kms/config/args";
import type { KeyUsage } from "./model";

const USAGE = `npm run cost -- --env <env> --puts <n> --gets <n> [--key-age-months 12] [--prices file.json]
Estimates the monthly KMS cost of each stack of apps/<env>, with and without S3 Bucket Keys (docs/cost.md).
<n> is a whole number in decimal digits; --key-age-months at most 1200.`;

/** Requests per bucket and month are bounded far above any real workload, so sums stay exact. */
const MAX_REQUESTS = 1e12;

async function main(args: readonly string[]): Promise<number> {
  const { strings } = parseCliArgs(args, {
    env: { type: "string" },
    puts: { type: "string" },
    gets: { type: "string" },
    "key-age-months": { type: "string" },
    prices: { type: "string" },
  });
  const required = (name: string) => {
    const v = strings[name];
    if (v === undefined) throw new UsageError(`--${name} is required${name === "env" ? ", e.g. --env prod" : " (requests per bucket and month)"}`);
    return v;
  };
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
  const pricesFile = strings.prices ?? join(root, "tools/cost/prices.json");
  // Same safe reading as environment files: a regular file, size-limited, strict JSON; errors name the file.
  const prices = parsePriceTable(parseConfigJson(readConfigText(pricesFile), pricesFile), pricesFile);
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
  return 0;
}

runCli("cost", USAGE, main);
