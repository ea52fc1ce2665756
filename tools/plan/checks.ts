import { type TerraformPlan, toPlanNoDestroy } from "@sse-kms/testing";

/** One named check over a plan (predicted or real), and its verdict. */
export interface PlanCheckResult {
  readonly check: string;
  readonly pass: boolean;
  readonly message: string;
}

/**
 * The assertions every plan of a shipped stack must meet, run both on predicted plans (in
 * `npm test`) and on real `terraform show -json` output (`nx run-many -t plan`).
 */
export function checkPlan(plan: TerraformPlan): PlanCheckResult[] {
  const noDestroy = toPlanNoDestroy(plan);
  return [{ check: "no destroy or replace of KMS keys and buckets", pass: noDestroy.pass, message: noDestroy.message() }];
}
