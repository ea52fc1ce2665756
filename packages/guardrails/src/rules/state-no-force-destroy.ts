/**
 * SKB-STATE-2: in production stacks, no bucket carries force_destroy = true.
 *
 * No checkov / cdk-nag equivalent (cdk-nag's S3 rules do not look at autoDeleteObjects).
 * The configuration field says "Never in production" (packages/config/src/bucket.ts); this rule
 * enforces it on the synthesized JSON, whatever wrote the bucket.
 */
import { fail, notApplicable, ok, show } from "../json";
import type { GuardrailRule } from "../types";

export const stateNoForceDestroy: GuardrailRule = {
  id: "SKB-STATE-2",
  name: "state-no-force-destroy",
  description: "A production bucket carries force_destroy = true.",
  rationale:
    "force_destroy lets terraform destroy (or a replacement) delete every object and version of a non-empty bucket. In production that is data loss on one approved plan; without it, Terraform fails on a non-empty bucket and a human must empty it on purpose.",
  fix: 'Remove forceDestroy (or set it to false) for this bucket in the environment\'s environment.json. To keep it in production on purpose, waive the finding with a reason: suppress(<bucket construct>, "SKB-STATE-2", "<why losing this bucket\'s data is acceptable>") from @sse-kms/guardrails.',
  appliesTo: ["aws_s3_bucket"],
  mappings: {
    other: ["packages/config/src/bucket.ts: forceDestroy is never for production", "docs/architecture.md: stateful resources are never destroyed by accident"],
  },
  check(resource, ctx) {
    if (!ctx.production) return notApplicable("not a production stack");
    // Absent or false passes; true, "true" or an expression (which could be true) fails.
    const value = resource.config.force_destroy;
    return value === undefined || value === false ? ok() : fail(`force_destroy is ${show(value)}`);
  },
};
