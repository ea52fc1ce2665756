import {
  AccountId,
  type BucketSettings,
  EnvironmentName,
  type KeySettings,
  arnPartitionProblem,
  partitionOf,
} from "@sse-kms/config";
import { requireKnownRegion, requireProp, requireValid, throwingIssueReporter } from "@sse-kms/construct-kit";
import type { KeyAlias } from "@sse-kms/alias";
import type { EncryptedBucket } from "@sse-kms/bucket-encryption";
import type { EncryptionKey } from "@sse-kms/key";
import {
  canonicalStatement,
  renderPolicy,
  replicationDestinationBucketStatements,
  replicationDestinationKeyStatement,
  replicationRolePolicy,
  replicationSourceKeyStatement,
  replicationTrustPolicy,
} from "@sse-kms/policy";
import { addKeyWithBuckets, awsProviderConfig } from "@sse-kms/stack";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  S3BucketReplicationConfigurationA,
  type S3BucketReplicationConfigurationRuleFilter,
} from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import { TerraformOutput, type TerraformProvider, type TerraformResource, TerraformStack, dependable } from "cdktf";
import { Construct } from "constructs";
import { type CrossAccountReplicationConfig, type ReplicationFilter, checkReplicationEnvironment } from "./config";
import { HANDOVER_OUTPUTS, type ReplicationHandover, handoverOf } from "./handover";
import { type ReplicationModel, keyTerraformName, policyOptions, replicationModel } from "./model";

/** Alias of the AWS provider the blueprint creates for the destination account. */
export const DESTINATION_PROVIDER_ALIAS = "destination";

/** Terraform resource name of the replication role and its inline policy. */
export const REPLICATION_ROLE_TERRAFORM_NAME = "replication";

/** Name of the role's inline policy. */
export const REPLICATION_POLICY_NAME = "s3-replication-sse-kms";

/** Properties of a {@link CrossAccountReplicationBlueprint}. */
export interface CrossAccountReplicationBlueprintProps {
  /** Environment name: the replication role is `<environmentName>-s3-replication` unless the config names it. */
  readonly environmentName: string;
  /** Source account (12 digits): the account of the source provider. */
  readonly account: string;
  /** Source region: the region of the source provider. */
  readonly region: string;
  /** The validated blueprint configuration. */
  readonly config: CrossAccountReplicationConfig;
  /** `lifecycle.prevent_destroy` on the keys and buckets (both sides). @default false */
  readonly preventDestroy?: boolean;
  /** The source account's provider. @default the stack's default provider */
  readonly provider?: TerraformProvider;
  /**
   * The destination account's provider (`create` mode only).
   * @default a new AwsProvider aliased "destination", pinned to the destination account and region
   * (`allowed_account_ids`), assuming `destination.assumeRoleArn` when the config gives one
   */
  readonly destinationProvider?: TerraformProvider;
  /** `default_tags` of the destination provider this blueprint creates. @default {} */
  readonly destinationTags?: Readonly<Record<string, string>>;
  /**
   * Role the source provider assumes: a same-account destination in another region uses it too when
   * the config names no `destination.assumeRoleArn`.
   * @default none
   */
  readonly assumeRoleArn?: string;
}

/**
 * The cross-account-replication blueprint's construct: replication of SSE-KMS objects into another account, or within the account into
 * another region or the same one (see {@link ReplicationModel.mode}). The name stays
 * "cross-account" (config key and stack suffix of every fork).
 *
 * Source account (default provider): a customer-managed key and its alias, a versioned bucket under
 * SSE-KMS with that key, the replication role (trusted by S3 only, for this account and bucket) with
 * an inline policy, and the replication configuration (optional prefix/tag filter and S3 Replication
 * Time Control). The source key policy lets the role decrypt
 * through S3 in the source region for the source bucket only.
 *
 * Destination:
 * - `create`: a second AWS provider (alias "destination", its own account, region and assume_role;
 *   none when the destination is the source account AND region) creates the destination key (its
 *   policy lets exactly the role encrypt through S3 there, for the destination bucket, as a caller
 *   from the source account) and a versioned encrypted bucket whose policy, across accounts only,
 *   lets exactly the role replicate into it, on top of the usual deny statements;
 * - `existing`: nothing is created there; the stack outputs the exact key-policy statement and
 *   bucket-policy statements the destination owners add (see {@link handover} and `renderHandover`).
 *
 * First apply: the role exists before any policy names it (explicit `depends_on` on the keys and the
 * destination bucket policy), and the replication configuration waits for versioning on the source
 * (and a created destination), the role policy and the destination key and bucket policy.
 */
export class CrossAccountReplicationBlueprint extends Construct {
  /** Everything derived from configuration: sites, role name and literal ARN. */
  readonly model: ReplicationModel;
  readonly sourceKey: EncryptionKey;
  readonly sourceAlias: KeyAlias;
  readonly sourceBucket: EncryptedBucket;
  readonly role: IamRole;
  readonly rolePolicy: IamRolePolicy;
  readonly replication: S3BucketReplicationConfigurationA;
  /** The destination provider (`create` mode only). */
  readonly destinationProvider?: TerraformProvider;
  /** `create` mode only. */
  readonly destinationKey?: EncryptionKey;
  /** `create` mode only. */
  readonly destinationAlias?: KeyAlias;
  /** `create` mode only. */
  readonly destinationBucket?: EncryptedBucket;
  /** What the owners of an existing destination must add (`existing` mode only). */
  readonly handover?: ReplicationHandover;

  constructor(scope: Construct, id: string, props: CrossAccountReplicationBlueprintProps) {
    super(scope, id);
    this.validate(props);
    const { config } = props;
    const model = replicationModel({ environmentName: props.environmentName, account: props.account, region: props.region, config });
    this.model = model;
    const src = config.source;

    // --- Source account -------------------------------------------------------------------------
    ({
      key: this.sourceKey,
      alias: this.sourceAlias,
      bucket: this.sourceBucket,
    } = this.encryptedSide("source", src, {
      account: props.account,
      region: props.region,
      preventDestroy: props.preventDestroy,
      provider: props.provider,
    }));

    this.role = new IamRole(this, "ReplicationRole", {
      name: model.roleName,
      description: `S3 replication of ${model.source.bucketName} into ${model.destination.bucketName} (account ${model.destination.account})`,
      assumeRolePolicy: renderPolicy(replicationTrustPolicy()),
      provider: props.provider,
    });
    this.role.overrideLogicalId(REPLICATION_ROLE_TERRAFORM_NAME);
    // KMS rejects a key policy whose principal does not exist yet: the role comes first.
    dependOn(this.sourceKey.resource, this.role);

    // --- Destination account --------------------------------------------------------------------
    const d = config.destination;
    const crossAccount = model.mode === "cross-account";
    let destinationKeyArn: string;
    if (d.mode === "create") {
      // Same account and region (S3 SRR): the source provider creates the destination too.
      this.destinationProvider =
        props.destinationProvider ??
        (model.mode === "same-account-same-region"
          ? props.provider
          : new AwsProvider(
              this,
              "DestinationProvider",
              awsProviderConfig({
                region: d.region,
                account: d.account,
                assumeRoleArn: d.assumeRoleArn ?? (crossAccount ? undefined : props.assumeRoleArn),
                alias: DESTINATION_PROVIDER_ALIAS,
                tags: props.destinationTags,
              }),
            ));
      ({
        key: this.destinationKey,
        alias: this.destinationAlias,
        bucket: this.destinationBucket,
      } = this.encryptedSide("destination", d, {
        account: d.account,
        region: d.region,
        preventDestroy: props.preventDestroy,
        provider: this.destinationProvider,
      }));
      destinationKeyArn = this.destinationKey.keyArn;
      const options = policyOptions(model, { sourceKeyArn: this.sourceKey.keyArn, destinationKeyArn });
      this.destinationKey.addToResourcePolicy(replicationDestinationKeyStatement(options));
      // Across accounts only: within one account the role's own policy is enough for S3 (and the
      // function returns no statement), so the destination bucket policy names no one else.
      for (const s of replicationDestinationBucketStatements(options)) this.destinationBucket.addToResourcePolicy(s);
      // The policies that name the role: it must exist first.
      dependOn(this.destinationKey.resource, this.role);
      if (crossAccount) dependOn(this.destinationBucket.policy, this.role);
    } else {
      destinationKeyArn = d.keyArn;
    }

    const options = policyOptions(model, { sourceKeyArn: this.sourceKey.keyArn, destinationKeyArn });
    this.sourceKey.addToResourcePolicy(replicationSourceKeyStatement(options));
    this.rolePolicy = new IamRolePolicy(this, "ReplicationPolicy", {
      name: REPLICATION_POLICY_NAME,
      role: this.role.name,
      policy: renderPolicy(replicationRolePolicy(options)),
      provider: props.provider,
    });
    this.rolePolicy.overrideLogicalId(REPLICATION_ROLE_TERRAFORM_NAME);

    // --- Replication configuration (on the source bucket) ---------------------------------------
    // Versioning is on: the config type allows only `versioning: true` on both buckets.
    const waitFor: TerraformResource[] = [this.sourceBucket.versioning as TerraformResource, this.rolePolicy];
    if (this.destinationBucket && this.destinationKey) {
      if (this.destinationBucket.versioning) waitFor.push(this.destinationBucket.versioning);
      waitFor.push(this.destinationBucket.policy, this.destinationKey.resource);
    }
    // S3 Replication Time Control: 15 minutes is the only value S3 accepts, and S3 requires the
    // metrics block with an event threshold (15 minutes) alongside (the schema refuses metrics:
    // false with it). Without RTC, S3 rejects an event_threshold ("Metrics cannot contain an event
    // threshold when ReplicationTime is not specified or Disabled").
    const rtc = config.replicationTimeControl;
    this.replication = new S3BucketReplicationConfigurationA(this, "Replication", {
      bucket: this.sourceBucket.resource.id,
      role: this.role.arn,
      provider: props.provider,
      rule: [
        {
          id: crossAccount ? `sse-kms-to-${model.destination.account}` : `sse-kms-to-${model.destination.bucketName}`,
          priority: 1,
          status: "Enabled",
          // A filter (empty: every object) makes this a V2 rule, which must state delete-marker
          // replication explicitly (Disabled with a tag filter: the schema refuses Enabled).
          filter: replicationFilter(config.filter),
          deleteMarkerReplication: { status: config.deleteMarkerReplication ? "Enabled" : "Disabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: model.destination.bucketArn,
            // Owner override (and the account it names) only across accounts (S3 API Reference,
            // Destination.AccessControlTranslation: "only in a cross-account scenario").
            account: crossAccount ? model.destination.account : undefined,
            encryptionConfiguration: { replicaKmsKeyId: destinationKeyArn },
            accessControlTranslation: crossAccount ? { owner: "Destination" } : undefined,
            metrics: rtc ? { status: "Enabled", eventThreshold: { minutes: 15 } } : config.metrics ? { status: "Enabled" } : undefined,
            replicationTime: rtc ? { status: "Enabled", time: { minutes: 15 } } : undefined,
          },
        },
      ],
      dependsOn: waitFor,
    });
    this.replication.overrideLogicalId(this.sourceBucket.resource.friendlyUniqueId);

    // --- Outputs ---------------------------------------------------------------------------------
    const output = (name: string, value: string, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output("replication_role_arn", model.roleArn, "The replication role (source account), as destination policies name it");
    output("source_key_arn", this.sourceKey.keyArn, "ARN of the source key");
    output("source_bucket_name", model.source.bucketName, "The source bucket");
    output("destination_bucket_arn", model.destination.bucketArn, "The destination bucket");
    output("destination_key_arn", destinationKeyArn, "The key S3 encrypts replicas with (destination account)");

    if (d.mode === "existing") {
      const stack = TerraformStack.of(this).node.id;
      this.handover = handoverOf(stack, model);
      if (this.handover) {
        output(
          HANDOVER_OUTPUTS.keyPolicyStatement,
          JSON.stringify(this.handover.keyPolicyStatement),
          `Statement the owners of ${d.keyArn} add to its key policy (JSON)`,
        );
        output(
          HANDOVER_OUTPUTS.bucketPolicyStatements,
          JSON.stringify(this.handover.bucketPolicyStatements.map(canonicalStatement)),
          `Statements the owners of ${d.bucketArn} add to its bucket policy (JSON list)`,
        );
      }
    }
  }

  /**
   * One side's key (pinned as `aws_kms_key.<side>_<name>`), alias and versioned encrypted bucket,
   * under construct ids `<Side>Key`, `<Side>Alias`, `<Side>Bucket`.
   */
  private encryptedSide(
    side: "source" | "destination",
    settings: { readonly key: KeySettings; readonly bucket: BucketSettings },
    where: { readonly account: string; readonly region: string; readonly preventDestroy?: boolean; readonly provider?: TerraformProvider },
  ): { key: EncryptionKey; alias: KeyAlias; bucket: EncryptedBucket } {
    const Side = side === "source" ? "Source" : "Destination";
    const { key: k, bucket: b } = settings;
    const { key, alias, buckets } = addKeyWithBuckets(this, {
      ...where,
      key: k,
      buckets: [b],
      keyProps: { description: k.description ?? `${k.name} (replication ${side}, SSE-KMS, managed by sse-kms-blueprints)` },
      // The key's and the alias's addresses derive from the key name: a rename moves both.
      terraformNameOf: (name) => keyTerraformName(side, name),
      ids: { key: `${Side}Key`, alias: `${Side}Alias`, bucket: () => `${Side}Bucket` },
    });
    return { key, alias, bucket: buckets[0]! };
  }

  /**
   * What a direct user of this construct can get wrong: its own props, and how the configuration
   * fits them. The configuration's own rules (formats, cross-field rules, names) are config.ts's:
   * `config` is the output of `CrossAccountReplicationConfigSchema`.
   */
  private validate(p: CrossAccountReplicationBlueprintProps): void {
    const path = this.node.path;
    requireValid(AccountId, p.account, { constructPath: path, prop: "account", fix: "pass the source account id as a 12-digit string" });
    requireKnownRegion(path, "region", p.region);
    if (p.config.replicationRoleName === undefined) {
      requireValid(EnvironmentName, p.environmentName, {
        constructPath: path,
        prop: "environmentName",
        fix: "pass the environment's name (it forms the default role name <env>-s3-replication), or set config.replicationRoleName",
      });
    }
    // The rules that tie the configuration to the source account and region: config.ts's, with its messages.
    const fixes: Readonly<Record<string, string>> = {
      "config.destination.mode": "create the destination here, or replicate into another account",
      "config.destination.assumeRoleArn": "drop destination.assumeRoleArn (the source provider creates the destination)",
      "config.destination.region": "replicate within one partition",
    };
    const fix = (prop: string) => fixes[prop] ?? "make config.destination fit the account and region props";
    checkReplicationEnvironment(p.config, { account: p.account, region: p.region }, throwingIssueReporter(path, "config", fix));
    // One partition per environment (the environment schema's rule, with its message).
    const d = p.config.destination;
    if (d.mode === "existing") {
      for (const [prop, arn] of [
        ["config.destination.keyArn", d.keyArn],
        ["config.destination.bucketArn", d.bucketArn],
      ] as const) {
        const rule = arnPartitionProblem(arn, p.region);
        requireProp(rule === undefined, { constructPath: path, prop, rule: rule ?? "", received: arn, fix: `use arn:${partitionOf(p.region)}:...` });
      }
    }
  }
}

/**
 * The rule's `filter` block: empty (every object), `prefix`, one `tag`, or `and` (a prefix with
 * tags, or several tags): S3 accepts exactly one of Prefix, Tag and And in a V2 filter.
 */
export function replicationFilter(f: ReplicationFilter | undefined): S3BucketReplicationConfigurationRuleFilter {
  if (f === undefined) return {};
  const tags = Object.entries(f.tags ?? {});
  if (tags.length === 0) return { prefix: f.prefix };
  if (f.prefix === undefined && tags.length === 1) return { tag: { key: tags[0]![0], value: tags[0]![1] } };
  return { and: { prefix: f.prefix, tags: Object.fromEntries(tags) } };
}

/** Adds an explicit dependency (`depends_on`) of `resource` on `on`. */
function dependOn(resource: TerraformResource, on: TerraformResource): void {
  resource.dependsOn = [...(resource.dependsOn ?? []), dependable(on)];
}
