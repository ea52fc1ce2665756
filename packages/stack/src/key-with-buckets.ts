/**
 * From a blueprint's configuration to the L2 constructs: the one place where a validated `key` block
 * and `buckets[]` (shapes of @sse-kms/config) become props of `EncryptionKey`, `KeyAlias` and
 * `EncryptedBucket`, which themselves know nothing of how an environment is configured.
 */
import { KeyAlias } from "@sse-kms/alias";
import { EncryptedBucket, type EncryptedBucketProps } from "@sse-kms/bucket-encryption";
import type { BucketSettings, KeySettings } from "@sse-kms/config";
import { moveFrom, terraformName } from "@sse-kms/construct-kit";
import { EncryptionKey, type EncryptionKeyProps } from "@sse-kms/key";
import { TerraformOutput, type TerraformProvider } from "cdktf";
import type { Construct } from "constructs";

/** The key settings of an environment file (`key` of a blueprint), as the config package validates them. */
export type KeySettingsLike = Omit<KeySettings, "alias" | "rotationPeriodInDays" | "keySpec" | "previousNames"> & {
  readonly previousNames?: readonly string[];
  readonly rotationPeriodInDays?: number;
  readonly keySpec?: KeySettings["keySpec"];
};

/**
 * The {@link EncryptionKeyProps} that come from a validated `key` block: name, description, spec,
 * rotation, deletion window, multi-Region, administrators, users and root access. The caller adds
 * where the key lives (account, region, provider) and what the environment decides (preventDestroy).
 */
export function keyPropsFromSettings(
  k: KeySettingsLike,
): Pick<
  EncryptionKeyProps,
  | "name"
  | "description"
  | "keySpec"
  | "rotationPeriodInDays"
  | "deletionWindowInDays"
  | "multiRegion"
  | "administrators"
  | "users"
  | "rootManagement"
  | "allowRootFullAccess"
  | "movedFrom"
> {
  return {
    name: k.name,
    movedFrom: (k.previousNames ?? []).map(terraformName),
    description: k.description,
    keySpec: k.keySpec,
    rotationPeriodInDays: k.rotationPeriodInDays,
    deletionWindowInDays: k.deletionWindowInDays,
    multiRegion: k.multiRegion,
    administrators: k.administrators,
    users: k.users,
    rootManagement: k.rootManagement,
    allowRootFullAccess: k.allowRootFullAccess,
  };
}

/** The {@link EncryptedBucketProps} of one validated `buckets[]` entry. */
export type BucketPropsFromSettings = Pick<EncryptedBucketProps, "bucketName" | "versioned" | "requireEncryptionHeader" | "forceDestroy" | "adopt" | "readers" | "writers">;

/** What every bucket of a blueprint shares; see {@link bucketFromSettings}. */
export type SharedBucketProps = Omit<EncryptedBucketProps, keyof BucketPropsFromSettings>;

/** The props of one validated `buckets[]` entry: name, versioning, strict mode, force-destroy, adoption, readers and writers. */
export function bucketPropsFromSettings(settings: BucketSettings): BucketPropsFromSettings {
  return {
    bucketName: settings.name,
    versioned: settings.versioning,
    requireEncryptionHeader: settings.requireEncryptionHeader,
    forceDestroy: settings.forceDestroy,
    adopt: settings.adopt,
    readers: settings.readers,
    writers: settings.writers,
  };
}

/**
 * An {@link EncryptedBucket} from one validated `buckets[]` entry, under the construct id of its
 * name unless `id` says otherwise (the address is pinned from the name, not from the tree).
 */
export function bucketFromSettings(scope: Construct, settings: BucketSettings, shared: SharedBucketProps, id = settings.name): EncryptedBucket {
  return new EncryptedBucket(scope, id, { ...shared, ...bucketPropsFromSettings(settings) });
}

/** Properties of {@link addKeyWithBuckets}. */
export interface KeyWithBucketsProps {
  /** Account of the key and the buckets (12 digits). */
  readonly account: string;
  /** Region of the key and the buckets. */
  readonly region: string;
  /** The validated `key` block: the key and its alias. */
  readonly key: KeySettingsLike & { readonly alias: string };
  /** The validated `buckets[]`, each encrypted with the key (with its readers and writers). */
  readonly buckets: readonly BucketSettings[];
  /**
   * Props of the key over those of its `key` block, e.g. `origin`, key material, or a description
   * when the block gives none. @default none
   */
  readonly keyProps?: Partial<Omit<EncryptionKeyProps, "account" | "region" | "provider" | "preventDestroy" | "terraformName" | "movedFrom">>;
  /**
   * The Terraform name of the key for a key name, applied to `key.name` and to each of
   * `key.previousNames` (moved blocks). When given, the alias is pinned to the same name and moves
   * with the key.
   * @default the key's terraformName(name); the alias's address derives from the alias name
   */
  readonly terraformNameOf?: (keyName: string) => string;
  /**
   * Construct ids of the key, the alias and each bucket. They are part of each resource's construct
   * path (its `//` metadata in cdk.tf.json and its prop errors), not of its address.
   * @default key: the key name; alias: "Alias"; bucket: its name
   */
  readonly ids?: { readonly key?: string; readonly alias?: string; readonly bucket?: (settings: BucketSettings) => string };
  /**
   * Terraform outputs `<key name>_key_arn`, `<key name>_alias`, `<key name>_bucket_names` and, with
   * a `keyId` description, `<key name>_key_id`: the descriptions of the key ARN and key id outputs.
   * @default no outputs
   */
  readonly outputs?: { readonly keyArn: string; readonly keyId?: string };
  /** `lifecycle.prevent_destroy` on the key and the buckets. @default false */
  readonly preventDestroy?: boolean;
  /** The AWS provider of the key, alias and buckets. @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/** What {@link addKeyWithBuckets} built. */
export interface KeyWithBuckets {
  readonly key: EncryptionKey;
  readonly alias: KeyAlias;
  readonly buckets: readonly EncryptedBucket[];
}

/**
 * A blueprint's key, its alias and its buckets under SSE-KMS with that key (and, with `outputs`,
 * their Terraform outputs), from validated configuration. Built straight into `scope`, with no tree
 * level of its own: construct paths stay those the blueprints had when each built these itself.
 */
export function addKeyWithBuckets(scope: Construct, props: KeyWithBucketsProps): KeyWithBuckets {
  const k = props.key;
  const where = { account: props.account, region: props.region, preventDestroy: props.preventDestroy, provider: props.provider };
  const named = props.terraformNameOf;
  const pinned = named ? { terraformName: named(k.name), movedFrom: (k.previousNames ?? []).map(named) } : {};
  const key = new EncryptionKey(scope, props.ids?.key ?? k.name, { ...keyPropsFromSettings(k), ...pinned, ...props.keyProps, ...where });
  const alias = new KeyAlias(scope, props.ids?.alias ?? "Alias", {
    aliasName: k.alias,
    targetKeyId: key.keyId,
    terraformName: pinned.terraformName,
    provider: props.provider,
  });
  // The alias's address derives from the key name here: a rename moves both.
  for (const previous of pinned.movedFrom ?? []) moveFrom(alias.resource, `${alias.resource.terraformResourceType}.${previous}`);
  const buckets = props.buckets.map((b) =>
    bucketFromSettings(
      scope,
      b,
      { region: props.region, encryptionKey: key, preventDestroy: props.preventDestroy, provider: props.provider },
      props.ids?.bucket?.(b) ?? b.name,
    ),
  );
  if (props.outputs) {
    const output = (id: string, value: string | string[], description: string) =>
      new TerraformOutput(scope, id, { value, description }).overrideLogicalId(`${k.name}_${id}`);
    output("key_arn", key.keyArn, props.outputs.keyArn);
    if (props.outputs.keyId !== undefined) output("key_id", key.keyId, props.outputs.keyId);
    output("alias", k.alias, "Alias of the key");
    output("bucket_names", props.buckets.map((b) => b.name), "Buckets encrypted with the key");
  }
  return { key, alias, buckets };
}
