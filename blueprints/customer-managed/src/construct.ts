import type { KeyAlias } from "@sse-kms/alias";
import type { EncryptedBucket } from "@sse-kms/bucket-encryption";
import { isExistingKey } from "@sse-kms/config";
import { EncryptionKey, type ExistingKey } from "@sse-kms/key";
import { addKeyWithBuckets, bucketFromSettings } from "@sse-kms/stack";
import { Annotations, TerraformOutput, type TerraformProvider, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { CustomerManagedConfig } from "./config";
import { existingKeyHandoverPath, uncheckedKeyGuardrails } from "./handover";

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
 * The customer-managed blueprint's construct: a customer managed KMS key (rotation on, least-privilege key policy with
 * separation of duties), its alias, and one or more buckets under SSE-KMS with that key,
 * Bucket Keys on, and a bucket policy that enforces TLS and the key. Buckets may name their own
 * readers and writers, who get key use for that bucket only.
 *
 * With `key.existingKeyArn` no key or alias is created: the buckets encrypt with that key, and the
 * statements its owner must add are the output `key_policy_handover` (and `docs/handover/<stack>.md`).
 */
export class CustomerManagedKeyBlueprint extends Construct {
  /** The key: created by this stack ({@link EncryptionKey}) or an existing one ({@link EncryptionKey.fromKeyArn}). */
  readonly key: EncryptionKey | ExistingKey;
  /** The alias; undefined for an existing key (its aliases are its owner's). */
  readonly alias?: KeyAlias;
  readonly buckets: readonly EncryptedBucket[];

  constructor(scope: Construct, id: string, props: CustomerManagedKeyBlueprintProps) {
    super(scope, id);
    const { config } = props;
    const k = config.key;
    if (isExistingKey(k)) {
      const key = EncryptionKey.fromKeyArn(this, "ExistingKey", k.existingKeyArn, { account: props.account, region: props.region, users: k.users });
      this.key = key;
      this.buckets = config.buckets.map((b) =>
        bucketFromSettings(this, b, { region: props.region, encryptionKey: key, preventDestroy: props.preventDestroy, provider: props.provider }),
      );
      // Not a silent pass: the key rules have no resource to inspect here. Recorded as an info
      // annotation (synth of the shipped environments stays quiet; the hand-over page says the same).
      const stack = TerraformStack.of(this).node.id;
      Annotations.of(this).addInfo(
        `${stack}: key ${key.keyArn} is not managed by this stack: the key guardrails (${uncheckedKeyGuardrails()
          .map((g) => g.id)
          .join(
            ", ",
          )}) cannot check it, and its key policy is its owner's; the owner adds the statements of ${existingKeyHandoverPath(stack)} (output existing_key_policy_handover).`,
      );
      new TerraformOutput(this, "key_arn", {
        value: key.keyArn,
        description: "ARN of the existing key the buckets use (not managed by this stack)",
      }).overrideLogicalId("existing_key_arn");
      new TerraformOutput(this, "key_policy_handover", {
        value: JSON.stringify(key.handoverStatements()),
        description: "Key-policy statements (JSON) the existing key's owner must add: docs/handover/<stack>.md",
      }).overrideLogicalId("existing_key_policy_handover");
      new TerraformOutput(this, "bucket_names", { value: config.buckets.map((b) => b.name), description: "Buckets encrypted with the key" }).overrideLogicalId(
        "existing_key_bucket_names",
      );
      return;
    }
    ({
      key: this.key,
      alias: this.alias,
      buckets: this.buckets,
    } = addKeyWithBuckets(this, {
      account: props.account,
      region: props.region,
      key: k,
      buckets: config.buckets,
      outputs: { keyArn: "ARN of the customer managed key" },
      preventDestroy: props.preventDestroy,
      provider: props.provider,
    }));
  }
}
