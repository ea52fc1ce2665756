/**
 * SKB-STATE-1: in production stacks, KMS keys and buckets carry lifecycle.prevent_destroy = true.
 *
 * No checkov / cdk-nag equivalent (cdk-nag does not check RemovalPolicy). docs/architecture.md: "Stateful
 * resources are never destroyed by accident". The stateful-resources lock is the second line.
 */
import { fail, isObject, notApplicable, ok, show } from "../json";
import type { GuardrailRule } from "../types";

/** Resource types whose destruction loses data: the keys and buckets of these blueprints. */
export const STATEFUL_TYPES = ["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key", "aws_s3_bucket"];

export const statePreventDestroy: GuardrailRule = {
  id: "SKB-STATE-1",
  name: "state-prevent-destroy",
  description: "A production KMS key or bucket does not carry lifecycle.prevent_destroy.",
  rationale:
    "A plan that destroys a key schedules its deletion (every object encrypted under it becomes unreadable); destroying a bucket loses its data. prevent_destroy makes Terraform refuse such a plan instead of relying on a reviewer to spot one line.",
  fix: "Keep production: true (and do not set preventDestroy: false) in the environment's environment.json; constructs take preventDestroy from the stack. To retire a key or bucket on purpose, remove prevent_destroy in a reviewed change first.",
  appliesTo: STATEFUL_TYPES,
  mappings: { other: ["docs/architecture.md: stateful resources are never destroyed by accident"] },
  check(resource, ctx) {
    if (!ctx.production) return notApplicable("not a production stack");
    const lifecycle = resource.config.lifecycle;
    const value = isObject(lifecycle) ? lifecycle.prevent_destroy : undefined;
    return value === true ? ok() : fail(`lifecycle.prevent_destroy is ${show(value)}`);
  },
};
