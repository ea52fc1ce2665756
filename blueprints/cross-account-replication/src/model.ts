import { dnsSuffixOf, partitionOf } from "@sse-kms/config";
import { terraformName } from "@sse-kms/construct-kit";
import { type ReplicationPolicyOptions, bucketArn, roleArn } from "@sse-kms/policy";
import { type CrossAccountReplicationConfig, type ReplicationFilter, defaultReplicationRoleName, existingDestinationRegion } from "./config";

/**
 * How the destination relates to the source:
 * - `cross-account`: another account (any region of the partition): the destination bucket policy
 *   grants the role, replicas are handed to the destination account (owner override);
 * - `same-account-cross-region`: the environment's account, another region (S3 CRR): a second
 *   provider for that region, no grant to any other account, no owner override;
 * - `same-account-same-region`: the environment's account and region (S3 SRR): one provider.
 */
export type ReplicationMode = "cross-account" | "same-account-cross-region" | "same-account-same-region";

/** Terraform resource names of the keys and aliases, pinned: `source_<key name>`, `destination_<key name>`. */
export function keyTerraformName(side: "source" | "destination", keyName: string): string {
  return `${side}_${terraformName(keyName)}`;
}

/** One side of the replication, as far as it is known from configuration alone. */
export interface ReplicationSite {
  readonly account: string;
  readonly region: string;
  readonly bucketName: string;
  /** `arn:<partition>:s3:::<bucket>` (a literal). */
  readonly bucketArn: string;
}

/** The destination: created by this stack (key ARN known only to Terraform), or existing (key ARN from config). */
export interface DestinationSite extends ReplicationSite {
  readonly mode: "create" | "existing";
  /** The key ARN of an existing destination; undefined when the stack creates the key. */
  readonly existingKeyArn?: string;
}

/**
 * Everything the blueprint and its hand-over derive from configuration, without any construct:
 * the partition, both sites, and the replication role's literal name and ARN. The blueprint and
 * {@link replicationHandover} both start here, so the Terraform outputs and the Markdown hand-over
 * cannot disagree.
 */
export interface ReplicationModel {
  readonly partition: string;
  readonly dnsSuffix: string;
  readonly roleName: string;
  /** `arn:<partition>:iam::<source account>:role/<roleName>`: literal, so every policy stays evaluable. */
  readonly roleArn: string;
  readonly source: ReplicationSite;
  readonly destination: DestinationSite;
  /** Whether delete markers are replicated (decides whether `s3:ReplicateDelete` is granted). */
  readonly deleteMarkerReplication: boolean;
  /** Same account or another; same region or another. */
  readonly mode: ReplicationMode;
  /** The rule's filter (undefined: every object). */
  readonly filter?: ReplicationFilter;
  /** S3 Replication Time Control on (15 minutes, with metrics and their 15-minute event threshold). */
  readonly replicationTimeControl: boolean;
}

/** Where the source lives and what the blueprint config says. */
export interface ReplicationModelInput {
  /** Environment name (default role name `<environmentName>-s3-replication`). */
  readonly environmentName: string;
  /** Source account (the environment's). */
  readonly account: string;
  /** Source region (the environment's). */
  readonly region: string;
  readonly config: CrossAccountReplicationConfig;
}

/** The model of one replication setup. Pure: same input, same output. */
export function replicationModel(i: ReplicationModelInput): ReplicationModel {
  const partition = partitionOf(i.region);
  const roleName = i.config.replicationRoleName ?? defaultReplicationRoleName(i.environmentName);
  const d = i.config.destination;
  const destination: DestinationSite =
    d.mode === "create"
      ? { mode: "create", account: d.account, region: d.region, bucketName: d.bucket.name, bucketArn: bucketArn(partition, d.bucket.name) }
      : {
          mode: "existing",
          account: d.account,
          region: existingDestinationRegion(d),
          bucketName: d.bucketArn.split(":::")[1] ?? "",
          bucketArn: d.bucketArn,
          existingKeyArn: d.keyArn,
        };
  return {
    partition,
    dnsSuffix: dnsSuffixOf(partition),
    roleName,
    roleArn: roleArn(partition, i.account, roleName),
    source: { account: i.account, region: i.region, bucketName: i.config.source.bucket.name, bucketArn: bucketArn(partition, i.config.source.bucket.name) },
    destination,
    deleteMarkerReplication: i.config.deleteMarkerReplication,
    mode: destination.account !== i.account ? "cross-account" : destination.region === i.region ? "same-account-same-region" : "same-account-cross-region",
    filter: i.config.filter,
    replicationTimeControl: i.config.replicationTimeControl,
  };
}

/** The options every `@sse-kms/policy` replication builder takes, for the given key ARNs. */
export function policyOptions(m: ReplicationModel, keys: { readonly sourceKeyArn: string; readonly destinationKeyArn: string }): ReplicationPolicyOptions {
  return {
    roleArn: m.roleArn,
    partition: m.partition,
    dnsSuffix: m.dnsSuffix,
    source: { account: m.source.account, region: m.source.region, bucketArn: m.source.bucketArn, keyArn: keys.sourceKeyArn },
    destination: { account: m.destination.account, region: m.destination.region, bucketArn: m.destination.bucketArn, keyArn: keys.destinationKeyArn },
    deleteMarkerReplication: m.deleteMarkerReplication,
    prefix: m.filter?.prefix,
  };
}
