/**
 * toPlanNoDestroy over every shipped stack's predicted plan, predicted against the committed
 * lock of key and bucket addresses (what state holds once the stacks are deployed): a rename or
 * removal of a key or bucket shows up as a planned delete here, before any Terraform runs.
 */
import "@sse-kms/testing/jest-setup";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCK_FILE, lockOf, parseLock } from "@sse-kms/guardrails";
import { type EnvironmentConfigInput, parseEnvironment } from "@sse-kms/config";
import { predictPlanAgainst } from "@sse-kms/testing";
import { findRepoRoot, loadEnvironments } from "./app";
import { EnvironmentSchema } from "./catalog";
import { synthEnvironment } from "./environment-suite";

const root = findRepoRoot(__dirname);
const lock = parseLock(readFileSync(join(root, LOCK_FILE), "utf8"));
const stacks = loadEnvironments(root).flatMap((env) => synthEnvironment(env));

describe.each(stacks.map((s) => [s.name, s] as const))("predicted plan of %s against the locked state", (name, stack) => {
  const plan = predictPlanAgainst(stack.json, lock[name] ?? [], { source: name });

  test("destroys and replaces no KMS key and no bucket", () => {
    expect(plan).toPlanNoDestroy();
  });

  test("every locked address is still planned (kept, not re-created elsewhere)", () => {
    const kept = plan.resource_changes.filter((rc) => rc.change.actions[0] === "no-op").map((rc) => rc.previous_address ?? rc.address);
    expect(kept.sort()).toEqual([...(lock[name] ?? [])].sort());
  });
});

test("removing a bucket from an environment's configuration is caught as a planned destroy", () => {
  const raw = JSON.parse(readFileSync(join(__dirname, "../fixtures/environment.json"), "utf8")) as EnvironmentConfigInput & { blueprints: Record<string, { buckets: { name: string }[] }> };
  const buckets = raw.blueprints["customer-managed"]!.buckets;
  buckets.push({ name: `${buckets[0]!.name}-second` });
  const [before] = synthEnvironment(parseEnvironment(EnvironmentSchema, raw));
  const locked = lockOf([{ name: before!.name, json: before!.json }])[before!.name] ?? [];
  buckets.pop();
  const [after] = synthEnvironment(parseEnvironment(EnvironmentSchema, raw));
  const plan = predictPlanAgainst(after!.json, locked);
  expect(plan).not.toPlanNoDestroy();
  expect(plan.resource_changes.filter((rc) => rc.change.actions[0] === "delete").map((rc) => rc.address)).toEqual([`aws_s3_bucket.${buckets[0]!.name.replace(/-/g, "_")}_second`]);
});
