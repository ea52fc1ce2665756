/**
 * `importFrom(resource, id)`: the Terraform `import` block that takes an existing object into state
 * on the next apply (Terraform >= 1.5). It renders what cdktf's `resource.importFrom(id)` renders
 * (`"import": [{"to": "aws_s3_bucket.data", "id": "my-bucket"}]` at the top of cdk.tf.json, with the
 * resource's provider when it has an alias), but without cdktf 0.21's side effect: its importFrom adds
 * a ">= 1.5" ValidateTerraformVersion, so `app.synth()` runs `terraform version` and fails where no
 * Terraform binary is installed (the same trap as moveFromId; see moved.ts).
 */
import { Lazy, type TerraformResource, TerraformStack } from "cdktf";

interface ImportBlock {
  readonly to: string;
  readonly id: string;
  readonly provider?: string;
}

const IMPORTS = new WeakMap<TerraformStack, ImportBlock[]>();
const IMPORTED = new WeakSet<TerraformResource>();

/**
 * Records that `resource` already exists in the cloud under import ID `id` (the format the
 * provider's documentation of that resource type gives), so the next apply imports it instead of
 * creating it. The target address and the provider are read at synth, so a later
 * `overrideLogicalId` is honoured. Importing one address twice is an error.
 */
export function importFrom(resource: TerraformResource, id: string): void {
  if (typeof id !== "string" || id.trim() === "") {
    throw new Error(`${resource.node.path}: importFrom needs the import ID of the existing object (got ${JSON.stringify(id)})`);
  }
  const stack = TerraformStack.of(resource);
  const imports = IMPORTS.get(stack) ?? [];
  IMPORTS.set(stack, imports);
  if (IMPORTED.has(resource)) throw new Error(`${resource.node.path}: importFrom was already called for this resource`);
  IMPORTED.add(resource);
  const to = Lazy.stringValue({ produce: () => `${resource.terraformResourceType}.${resource.friendlyUniqueId}` });
  const block: ImportBlock = resource.provider ? { to, id, provider: Lazy.stringValue({ produce: () => resource.provider!.fqn }) } : { to, id };
  imports.push(block);
  stack.addOverride("import", [...imports]);
}
