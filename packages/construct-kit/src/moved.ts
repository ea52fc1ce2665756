/**
 * `moveFrom(resource, "aws_kms_key.old")`: the moved block that tells Terraform a key or bucket was
 * renamed, not replaced. It renders exactly what cdktf's `resource.moveFromId(...)` renders
 * (`"moved": [{"from": "aws_kms_key.old", "to": "aws_kms_key.new"}]` at the top of cdk.tf.json), but
 * without cdktf 0.21's side effect: any resource using moveFromId/moveTo makes `app.synth()` run
 * `terraform version` (a ">= 1.5" validation) and fail where no Terraform binary is installed, which
 * breaks `npm run synth` on build machines and in CI without Terraform.
 */
import { Lazy, type TerraformResource, TerraformStack } from "cdktf";

const MOVES = new WeakMap<TerraformStack, { from: string; to: string }[]>();

/**
 * Records that `resource` used to live at `fromAddress` (e.g. `"aws_kms_key.data"`), so Terraform
 * moves the state instead of destroying the old resource and creating a new one. The target address
 * is read at synth, so a later `overrideLogicalId` is honoured.
 */
export function moveFrom(resource: TerraformResource, fromAddress: string): void {
  if (!/^[a-z0-9_]+\.[A-Za-z_][\w-]*(\[[^\]]+\])?$/.test(fromAddress)) {
    throw new Error(`${resource.node.path}: moveFrom needs a Terraform address such as "aws_kms_key.data" (got ${JSON.stringify(fromAddress)})`);
  }
  if (!fromAddress.startsWith(`${resource.terraformResourceType}.`)) {
    throw new Error(`${resource.node.path}: a moved block cannot change the resource type (${fromAddress} -> ${resource.terraformResourceType})`);
  }
  const stack = TerraformStack.of(resource);
  const moves = MOVES.get(stack) ?? [];
  MOVES.set(stack, moves);
  moves.push({ from: fromAddress, to: Lazy.stringValue({ produce: () => `${resource.terraformResourceType}.${resource.friendlyUniqueId}` }) });
  stack.addOverride("moved", [...moves]);
}
