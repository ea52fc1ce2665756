/**
 * `forget(stack, "aws_s3_bucket.data")`: a Terraform `removed` block with `lifecycle.destroy = false`
 * (Terraform >= 1.7; the stacks require >= 1.10). "The removed block specifies a resource to remove
 * from state without changing the underlying infrastructure"
 * (https://developer.hashicorp.com/terraform/language/block/removed), and "To remove a resource from
 * Terraform state without destroying it, replace the resource block with a removed block and then
 * apply the change" (https://developer.hashicorp.com/terraform/language/state/remove). The resource
 * block itself must be gone from the configuration; the stateful-resources lock counts a forgotten
 * address as kept, not destroyed (@sse-kms/guardrails lock.ts, forgottenAddresses).
 *
 * What the docs do not say is what a removed block does for an address that is not in state (a
 * bucket released before it was ever applied, or a versioning resource a bucket never had): the
 * test against Terraform itself (tools/adopt/move.test.ts) applies such a block and shows the plan
 * accepts it with nothing to do.
 */
import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";

interface RemovedBlock {
  readonly from: string;
  readonly lifecycle: { readonly destroy: false };
}

const REMOVED = new WeakMap<TerraformStack, RemovedBlock[]>();

/** The addresses this stack forgets (its `removed` blocks, in the order given). */
export function forgottenBy(stack: TerraformStack): readonly string[] {
  return (REMOVED.get(stack) ?? []).map((b) => b.from);
}

/**
 * Makes the next apply of the stack of `scope` drop `address` (e.g. `"aws_s3_bucket.data"`) from
 * state and leave the real object as it is. Forgetting one address twice is an error.
 */
export function forget(scope: IConstruct, address: string): void {
  const stack = TerraformStack.of(scope);
  if (!/^[a-z0-9_]+\.[A-Za-z_][\w-]*$/.test(address)) {
    throw new Error(`${stack.node.path}: forget needs a Terraform resource address such as "aws_s3_bucket.data" (got ${JSON.stringify(address)})`);
  }
  const blocks = REMOVED.get(stack) ?? [];
  REMOVED.set(stack, blocks);
  if (blocks.some((b) => b.from === address)) throw new Error(`${stack.node.path}: ${address} is already forgotten by this stack`);
  blocks.push({ from: address, lifecycle: { destroy: false } });
  stack.addOverride("removed", blocks.map((b) => ({ from: b.from, lifecycle: { ...b.lifecycle } })));
}
