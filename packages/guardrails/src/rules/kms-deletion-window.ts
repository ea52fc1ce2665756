/**
 * SKB-KMS-2: a scheduled key deletion waits at least 7 days, and 30 days (the maximum) in production.
 *
 * No direct checkov / cdk-nag equivalent (both only check that rotation is on). AWS KMS
 * documentation: the waiting period is 7..30 days, 30 by default.
 */
import { DELETION_WINDOW_DAYS } from "@sse-kms/config";
import { fail, ok, show } from "../json";
import type { GuardrailRule } from "../types";

export const kmsDeletionWindow: GuardrailRule = {
  id: "SKB-KMS-2",
  name: "kms-deletion-window",
  description: `The key's deletion window is shorter than ${DELETION_WINDOW_DAYS.min} days (${DELETION_WINDOW_DAYS.max} in production).`,
  rationale:
    "Deleting a KMS key makes every object encrypted under it unreadable forever. The waiting period is the only time to notice and cancel a mistaken or malicious deletion (kms:CancelKeyDeletion).",
  fix: `Set deletion_window_in_days to ${DELETION_WINDOW_DAYS.max} (the default; key.deletionWindowInDays in environment.json), at least ${DELETION_WINDOW_DAYS.min} outside production.`,
  appliesTo: ["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key"],
  mappings: { other: ["AWS KMS: ScheduleKeyDeletion PendingWindowInDays 7..30"] },
  check(resource, ctx) {
    const window = resource.config.deletion_window_in_days;
    const min = ctx.production ? DELETION_WINDOW_DAYS.max : DELETION_WINDOW_DAYS.min;
    if (window === undefined) return ok(`not set: AWS uses ${DELETION_WINDOW_DAYS.default} days`);
    if (typeof window !== "number") return fail(`deletion_window_in_days is ${show(window)}, not a literal number of days`);
    if (window < min) return fail(`deletion_window_in_days is ${window}; ${ctx.production ? "production" : "every"} stack needs at least ${min}`);
    return ok();
  },
};
