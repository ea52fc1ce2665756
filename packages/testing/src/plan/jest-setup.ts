/**
 * Registers the plan matchers with Jest and declares their types. Import it once per test file
 * (`import "./jest-setup"`) or list it in Jest's `setupFilesAfterEnv`.
 */
import { planMatchers, type PartialAfter } from "./matchers";
import { type PlanPath } from "./paths";

expect.extend(planMatchers);

/** The plan matchers as they appear on `expect(plan)`. The subject is a parsed plan (`TerraformPlan`). */
interface PlanMatchers<R> {
  /** Some change of `type` is a create whose `after` contains `partialAfter` (partial, recursive). */
  toPlanCreate(type: string, partialAfter?: PartialAfter): R;
  /** No change of `types` (default: aws_kms_key, aws_kms_external_key, aws_s3_bucket) is a delete or replace. */
  toPlanNoDestroy(types?: readonly string[]): R;
  /** The change at `address` has `value` (deep equal) at `path` of its `after`. */
  toHavePlannedValue(address: string, path: PlanPath, value: unknown): R;
}

declare global {
  namespace jest {
    interface Matchers<R, T = {}> extends PlanMatchers<R> {}
  }
}

declare module "expect" {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends PlanMatchers<R> {}
}
