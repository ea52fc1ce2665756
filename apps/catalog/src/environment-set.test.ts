/**
 * loadEnvironments (behind synth, lock:update, docs, cost) on a scratch repository: rules across
 * environment files and the folder-name rule end as a ConfigError (one line per problem, which
 * the CLIs print without a stack trace), and forceDestroy in production is a guardrail finding.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, parseEnvironment } from "@sse-kms/config";
import { loadEnvironments } from "./app";
import { type Environment, EnvironmentSchema } from "./catalog";
import { synthEnvironment } from "./synth";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "sse-kms-envset-"));
  writeFileSync(join(root, "cdktf.json"), "{}");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function env(name: string, account: string, bucket: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    account,
    region: "eu-west-1",
    ...extra,
    blueprints: { "customer-managed": { key: { name: "data", alias: `alias/${name}-data` }, buckets: [{ name: bucket }] } },
  };
}

function write(folder: string, config: unknown): void {
  mkdirSync(join(root, "apps", folder), { recursive: true });
  writeFileSync(join(root, "apps", folder, "environment.json"), JSON.stringify(config));
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.source}: ${p.path}`);
    throw e;
  }
  return [];
}

test("distinct environments load", () => {
  write("one", env("one", "111111111111", "acme-one"));
  write("two", env("two", "222222222222", "acme-two"));
  expect(loadEnvironments(root).map((e) => e.name)).toEqual(["one", "two"]);
});

test("the same bucket name in two environments is a ConfigError at the second file", () => {
  write("one", env("one", "111111111111", "acme-shared"));
  write("two", env("two", "222222222222", "acme-shared"));
  expect(problemsOf(() => loadEnvironments(root))).toEqual(["apps/two/environment.json: blueprints.customer-managed.buckets[0].name"]);
});

test("two environments with the same name: a ConfigError naming `name`, not a stack trace", () => {
  write("one", env("one", "111111111111", "acme-one"));
  write("two", env("one", "222222222222", "acme-two"));
  expect(problemsOf(() => loadEnvironments(root))).toEqual([`${join(root, "apps/two/environment.json")}: name`]);
});

test("forceDestroy on a production bucket is refused by guardrail SKB-STATE-2", () => {
  const prod = parseEnvironment(EnvironmentSchema, env("p", "111111111111", "acme-p-scratch", { production: true })) as Environment;
  const bucket = prod.blueprints["customer-managed"]!.buckets[0]!;
  expect(() =>
    synthEnvironment({
      ...prod,
      blueprints: { "customer-managed": { ...prod.blueprints["customer-managed"]!, buckets: [{ ...bucket, forceDestroy: true }] } },
    }),
  ).toThrow(/\[SKB-STATE-2\].*aws_s3_bucket\.acme_p_scratch/);
  expect(() => synthEnvironment(prod)).not.toThrow();
});
