import { readdirSync } from "node:fs";
import path from "node:path";
import { type TerraformPlan } from "./model";
import { readPlanFile } from "./read";

/**
 * Test-only helpers (not exported from the package). The fixtures are real public plan files,
 * kept inside this package with their provenance (fixtures/terraform-plans/SOURCES.md).
 */
export const FIXTURES_DIR = path.join(__dirname, "../../fixtures/terraform-plans");

/** Every `*.plan.json` fixture file name, sorted. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith(".plan.json"))
    .sort();
}

/** Reads a fixture by file name. */
export function fixture(name: string): TerraformPlan {
  return readPlanFile(path.join(FIXTURES_DIR, name));
}

export const F = {
  terragoat: "checkov-terragoat-kms-s3-iam-create.plan.json",
  oidc: "checkov-iam-role-oidc-module-read-create.plan.json",
  sseConfig: "policy-engine-kms-s3-sse-config-create.plan.json",
  crud: "policy-engine-s3-create-update-delete-noop.plan.json",
  inlineSse: "regula-kms-s3-inline-sse-create.plan.json",
  drift: "regula-s3-policy-logging-noop-drift.plan.json",
  module: "terraform-compliance-kms-in-module-create.plan.json",
  replace: "terraform-json-null-resource-replace-tainted.plan.json",
} as const;
