import type { KeyAlias } from "@sse-kms/alias";
import type { EncryptedBucket } from "@sse-kms/bucket-encryption";
import type { EncryptionKey } from "@sse-kms/key";
import { addKeyWithBuckets } from "@sse-kms/stack";
import { Annotations, type TerraformProvider, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import type { ImportedMaterialConfig } from "./config";

/** Name of the sensitive Terraform variable that carries material in the opt-in mode. */
export const KEY_MATERIAL_VARIABLE = "key_material_base64";

/** Properties of an {@link ImportedMaterialBlueprint}. */
export interface ImportedMaterialBlueprintProps {
  readonly account: string;
  readonly region: string;
  /** The validated blueprint configuration. */
  readonly config: ImportedMaterialConfig;
  /** `lifecycle.prevent_destroy` on the key and buckets. @default false */
  readonly preventDestroy?: boolean;
  /** @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/**
 * The imported-material blueprint's construct (BYOK): an EXTERNAL-origin key created WITHOUT key material (it waits in
 * `PendingImport` until the ceremony CLI `sse-kms-key-material import` imports it out of band),
 * the same key policy as the customer managed key (plus the import actions for administrators),
 * an alias, and buckets encrypted with it.
 *
 * KMS never rotates imported material: rotation is manual (new key, import, move the alias,
 * keep the old key for reading). Passing material through Terraform is an explicit opt-in
 * (`keyMaterial.importThroughTerraform`) that synth warns about: the plaintext then lands in state.
 */
export class ImportedMaterialBlueprint extends Construct {
  readonly key: EncryptionKey;
  readonly alias: KeyAlias;
  readonly buckets: readonly EncryptedBucket[];
  /** The sensitive variable, in the opt-in mode only. */
  readonly materialVariable?: TerraformVariable;

  constructor(scope: Construct, id: string, props: ImportedMaterialBlueprintProps) {
    super(scope, id);
    const { config } = props;
    const k = config.key;
    const stackName = TerraformStack.of(this).node.id;
    if (config.keyMaterial.importThroughTerraform) {
      this.materialVariable = new TerraformVariable(this, KEY_MATERIAL_VARIABLE, {
        type: "string",
        sensitive: true,
        nullable: false,
        description: "Base64 of the 32-byte key material. It is stored in Terraform state in plaintext.",
      });
      this.materialVariable.overrideLogicalId(KEY_MATERIAL_VARIABLE);
      Annotations.of(this).addWarning(
        `${stackName}: key material is passed through Terraform (keyMaterial.importThroughTerraform = true): the plaintext material will be stored in Terraform state. Protect the state like the key itself, or import with sse-kms-key-material instead.`,
      );
    }
    const validTo = config.keyMaterial.validTo;
    if (validTo) {
      const how = config.keyMaterial.importThroughTerraform
        ? "Terraform imports it with valid_to"
        : `import it with: sse-kms-key-material import --valid-to ${validTo}`;
      Annotations.of(this).addWarning(
        `${stackName}: imported key material expires at ${validTo} (${how}); every object encrypted under ${k.alias} becomes unreadable then unless the same material is re-imported.`,
      );
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
      keyProps: {
        origin: "EXTERNAL",
        description: k.description ?? `${k.name} (imported key material, SSE-KMS, managed by sse-kms-blueprints)`,
        keyMaterialBase64: this.materialVariable?.stringValue,
        // valid_to only means something when Terraform imports the material: on a key waiting in
        // PendingImport it would show a diff on every plan. Out-of-band imports take the expiry
        // from the ceremony CLI (--valid-to), as the synth warning says.
        validTo: config.keyMaterial.importThroughTerraform ? validTo : undefined,
      },
      outputs: { keyArn: "ARN of the EXTERNAL-origin key", keyId: "Key id, for sse-kms-key-material import --key-id" },
      preventDestroy: props.preventDestroy,
      provider: props.provider,
    }));
  }
}
