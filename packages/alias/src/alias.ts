import { AliasName, requireProp, terraformName } from "@sse-kms/config";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { type TerraformProvider, TerraformStack } from "cdktf";
import { Construct } from "constructs";

/**
 * Pinned addresses already taken, per stack. Two alias names that map to one address
 * (`alias/prod-data`, `alias/prod_data`) would otherwise be merged silently into one resource.
 */
const PINNED_ADDRESSES = new WeakMap<TerraformStack, Map<string, string>>();

/** Properties of a {@link KeyAlias}. */
export interface KeyAliasProps {
  /** The alias, `alias/<name>`; not `alias/aws/...` (reserved). */
  readonly aliasName: string;
  /** The id or ARN of the key the alias points at (a Terraform reference is fine). */
  readonly targetKeyId: string;
  /** Terraform resource name. @default derived from the alias name (`alias/prod-data` -> `prod_data`) */
  readonly terraformName?: string;
  /** @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/** A KMS alias. Moving it to another key is how imported material is rotated by hand. */
export class KeyAlias extends Construct {
  readonly resource: KmsAlias;
  readonly aliasName: string;
  /** The alias ARN (a Terraform reference). */
  readonly aliasArn: string;

  constructor(scope: Construct, id: string, props: KeyAliasProps) {
    super(scope, id);
    const parsed = AliasName.safeParse(props.aliasName);
    requireProp(
      parsed.success, this.node.path, "aliasName", parsed.success ? "" : (parsed.error.issues[0]?.message ?? "is invalid"),
      props.aliasName, "use alias/<letters, digits, / _ ->, at most 256 characters, not alias/aws/",
    );
    this.aliasName = props.aliasName;
    this.resource = new KmsAlias(this, "Resource", {
      name: props.aliasName,
      targetKeyId: props.targetKeyId,
      provider: props.provider,
    });
    const logicalId = props.terraformName ?? terraformName(props.aliasName.slice("alias/".length));
    const address = `aws_kms_alias.${logicalId}`;
    const stack = TerraformStack.of(this);
    const taken = PINNED_ADDRESSES.get(stack) ?? new Map<string, string>();
    PINNED_ADDRESSES.set(stack, taken);
    requireProp(
      !taken.has(address), this.node.path, props.terraformName === undefined ? "aliasName" : "terraformName",
      `must give a Terraform address of its own: ${address} is already used by ${taken.get(address)}`,
      props.terraformName ?? props.aliasName, "choose another alias name, or set terraformName explicitly",
    );
    taken.set(address, this.node.path);
    this.resource.overrideLogicalId(logicalId);
    this.aliasArn = this.resource.arn;
  }
}
