/**
 * toPlanNoDestroy over every shipped stack's predicted plan, predicted against the committed
 * lock of key and bucket addresses (what state holds once the stacks are deployed): a rename or
 * removal of a key or bucket shows up as a planned delete here, before any Terraform runs.
 */
import "@sse-kms/testing/jest-setup";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCK_FILE, parseLock } from "@sse-kms/guardrails";
import { type EnvironmentConfigInput, parseEnvironment } from "@sse-kms/config";
import { predictPlanAgainst } from "@sse-kms/testing";
import { findRepoRoot, loadEnvironments } from "./app";
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

test("removing a bucket from prod's configuration is caught as a planned destroy", () => {
  const raw = JSON.parse(readFileSync(join(root, "apps/prod/environment.json"), "utf8")) as EnvironmentConfigInput & { blueprints: Record<string, { buckets: unknown[] }> };
  raw.blueprints["customer-managed"]!.buckets = raw.blueprints["customer-managed"]!.buckets.slice(0, 1);
  const [stack] = synthEnvironment(parseEnvironment(raw)).filter((s) => s.name === "prod-customer-managed");
  const plan = predictPlanAgainst(stack!.json, lock["prod-customer-managed"] ?? []);
  expect(plan).not.toPlanNoDestroy();
  expect(plan.resource_changes.filter((rc) => rc.change.actions[0] === "delete").map((rc) => rc.address)).toEqual(["aws_s3_bucket.acme_prod_audit_333333333333"]);
});
