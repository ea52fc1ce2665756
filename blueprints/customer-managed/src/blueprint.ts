import { KeyAlias } from "@sse-kms/alias";
import { type EncryptedBucket, bucketFromSettings } from "@sse-kms/bucket-encryption";
import { EncryptionKey, keyPropsFromSettings } from "@sse-kms/key";
import { TerraformOutput, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { CustomerManagedConfig } from "./config";

/** Properties of a {@link CustomerManagedKeyBlueprint}. */
export interface CustomerManagedKeyBlueprintProps {
  /** Account and region the key and buckets live in. */
  readonly account: string;
  readonly region: string;
  /** The validated blueprint configuration. */
  readonly config: CustomerManagedConfig;
  /** `lifecycle.prevent_destroy` on the key and buckets. @default false */
  readonly preventDestroy?: boolean;
  /** @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/**
 * Blueprint 1: a customer managed KMS key (rotation on, least-privilege key policy with
 * separation of duties), its alias, and one or more buckets under SSE-KMS with that key,
 * Bucket Keys on, and a bucket policy that enforces TLS and the key.
 */
export class CustomerManagedKeyBlueprint extends Construct {
  readonly key: EncryptionKey;
  readonly alias: KeyAlias;
  readonly buckets: readonly EncryptedBucket[];

  constructor(scope: Construct, id: string, props: CustomerManagedKeyBlueprintProps) {
    super(scope, id);
    const { config } = props;
    const k = config.key;
    this.key = new EncryptionKey(this, k.name, {
      ...keyPropsFromSettings(k),
      account: props.account,
      region: props.region,
      preventDestroy: props.preventDestroy,
      provider: props.provider,
    });
    this.alias = new KeyAlias(this, "Alias", { aliasName: k.alias, targetKeyId: this.key.keyId, provider: props.provider });
    this.buckets = config.buckets.map((b) =>
      bucketFromSettings(this, b, { region: props.region, encryptionKey: this.key, preventDestroy: props.preventDestroy, provider: props.provider }),
    );

    new TerraformOutput(this, "key_arn", { value: this.key.keyArn, description: "ARN of the customer managed key" }).overrideLogicalId(`${k.name}_key_arn`);
    new TerraformOutput(this, "alias", { value: k.alias, description: "Alias of the key" }).overrideLogicalId(`${k.name}_alias`);
    new TerraformOutput(this, "bucket_names", { value: config.buckets.map((b) => b.name), description: "Buckets encrypted with the key" }).overrideLogicalId(
      `${k.name}_bucket_names`,
    );
  }
}
