/**
 * `npm run cost -- --env <env> --puts <n> --gets <n> [--key-age-months 12] [--prices file.json]`
 * Estimates the monthly KMS cost of each stack of an environment, with and without S3 Bucket Keys.
 * An estimate from a documented, overridable price table (tools/cost/prices.json); see docs/cost.md.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "@sse-kms/config";
import { findRepoRoot, loadEnvironment, synthEnvironment } from "@sse-kms/blueprint-catalog";
import { type KeyUsage, estimateStack, parsePriceTable } from "./model";
import { keysOfStack } from "./stack-keys";

function fail(message: string): never {
  console.error(`cost: error: ${message}`);
  process.exit(1);
}

function count(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    fail(`--${name} is required (requests per bucket and month)`);
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a whole number >= 0 (got ${value})`);
  return n;
}

function main(): void {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: { env: { type: "string" }, puts: { type: "string" }, gets: { type: "string" }, "key-age-months": { type: "string" }, prices: { type: "string" } },
      strict: true,
    }) as { values: Record<string, string | undefined> });
  } catch (e) {
    fail(`${(e as Error).message} (usage: npm run cost -- --env <env> --puts <n> --gets <n> [--key-age-months 12] [--prices file.json])`);
  }
  const root = findRepoRoot(__dirname);
  if (!values.env) fail("--env is required, e.g. --env prod");
  const envFile = join(root, "apps", values.env, "environment.json");
  let env;
  try {
    env = loadEnvironment(envFile);
  } catch (e) {
    fail(e instanceof ConfigError ? e.message : (e as Error).message);
  }
  const pricesFile = values.prices ?? join(root, "tools/cost/prices.json");
  let prices;
  try {
    prices = parsePriceTable(JSON.parse(readFileSync(pricesFile, "utf8")), pricesFile);
  } catch (e) {
    fail((e as Error).message);
  }
  const workload = {
    putsPerBucket: count("puts", values.puts),
    getsPerBucket: count("gets", values.gets),
    keyAgeMonths: count("key-age-months", values["key-age-months"], 12),
  };
  console.log(`ESTIMATE of monthly AWS KMS charges for environment ${env.name} (prices: ${relative(root, pricesFile) || pricesFile}; model: docs/cost.md)`);
  console.log(`workload: ${workload.putsPerBucket} PUT + ${workload.getsPerBucket} GET per bucket per month; keys ${workload.keyAgeMonths} months old\n`);
  console.log("| stack | keys | buckets | KMS requests (no Bucket Key) | KMS requests (Bucket Key) | USD/month without Bucket Key | USD/month with Bucket Key |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const stack of synthEnvironment(env)) {
    const keys: KeyUsage[] = keysOfStack(JSON.parse(stack.json));
    const c = estimateStack(keys, workload, prices);
    console.log(`| ${stack.name} | ${c.keys} | ${c.buckets} | ${c.requestsWithoutBucketKey} | ${c.requestsWithBucketKey} | ${c.totalWithoutBucketKey.toFixed(2)} | ${c.totalWithBucketKey.toFixed(2)} |`);
  }
}

main();
