import { type TerraformPlan, toPlanNoDestroy } from "@sse-kms/testing";

/** One named check over a real plan (`terraform show -json`), and its verdict. */
export interface PlanCheckResult {
  readonly check: string;
  readonly pass: boolean;
  readonly message: string;
}

/**
 * The assertions every plan of a shipped stack must meet, on real `terraform show -json` output of
 * the opt-in plan with credentials (`nx run-many -t plan`); `npm test`'s real-Terraform tier
 * (tools/terraform-tier/real-terraform.test.ts) runs the same matcher offline.
 */
export function checkPlan(plan: TerraformPlan): PlanCheckResult[] {
  const noDestroy = toPlanNoDestroy(plan);
  return [{ check: "no destroy or replace of KMS keys and buckets", pass: noDestroy.pass, message: noDestroy.message() }];
}
