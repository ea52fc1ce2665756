import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { requireProp, terraformName } from "./construct-error";

/**
 * Terraform addresses already pinned, per stack. Two names that map to one address (`my-data`
 * and `my.data` both give `my_data`) would otherwise be merged silently into one resource:
 * cdktf does not check that overridden logical ids are unique.
 */
const PINNED = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * Reserves `address` (e.g. `aws_kms_key.data`) in the stack of `construct`, or throws a
 * ConstructPropError naming both constructs. `prop`/`value` name the input that chose the address.
 */
export function reserveAddress(construct: IConstruct, address: string, prop: string, value: unknown, fix: string): void {
  const stack = TerraformStack.of(construct);
  const taken = PINNED.get(stack) ?? new Map<string, string>();
  PINNED.set(stack, taken);
  requireProp(!taken.has(address), {
    constructPath: construct.node.path,
    prop,
    rule: `must give a Terraform address of its own: ${address} is already used by ${taken.get(address)}`,
    received: value,
    fix,
  });
  taken.set(address, construct.node.path);
}

/**
 * The logical id of a resource whose Terraform address is pinned from a name, reserved in its
 * stack: `explicit` (a `terraformName` prop) when set, else {@link terraformName} of `name.base`
 * (the part of the named input the id derives from; @default `name.value`).
 * The address `<resourceType>.<id>` is reserved with {@link reserveAddress}, naming the input that
 * chose it (`terraformName`, or `name.prop`). The caller overrides the resource's logical id with it.
 */
export function pinLogicalId(
  construct: IConstruct,
  resourceType: string,
  name: { readonly prop: string; readonly value: string; readonly base?: string },
  explicit: string | undefined,
  fix: string,
): string {
  const id = explicit ?? terraformName(name.base ?? name.value);
  reserveAddress(construct, `${resourceType}.${id}`, explicit === undefined ? name.prop : "terraformName", explicit ?? name.value, fix);
  return id;
}
