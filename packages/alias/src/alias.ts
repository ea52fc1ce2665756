import { AliasName } from "@sse-kms/config";
import { pinLogicalId, requireValid } from "@sse-kms/construct-kit";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

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
    requireValid(AliasName, props.aliasName, {
      constructPath: this.node.path,
      prop: "aliasName",
      fix: "use alias/<letters, digits, / _ ->, at most 256 characters, not alias/aws/",
    });
    this.aliasName = props.aliasName;
    this.resource = new KmsAlias(this, "Resource", {
      name: props.aliasName,
      targetKeyId: props.targetKeyId,
      provider: props.provider,
    });
    const logicalId = pinLogicalId(
      this,
      "aws_kms_alias",
      { prop: "aliasName", value: props.aliasName, base: props.aliasName.slice("alias/".length) },
      props.terraformName,
      "choose another alias name, or set terraformName explicitly",
    );
    this.resource.overrideLogicalId(logicalId);
    this.aliasArn = this.resource.arn;
  }
}
