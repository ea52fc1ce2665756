/**
 * The statements of cross-account replication of SSE-KMS objects (S3 User Guide, "Replicating
 * encrypted objects" and "Configuring replication for buckets in different accounts"):
 *
 * - the replication role's trust policy: only S3 (the policy AWS documents, see replicationTrustPolicy);
 * - its permissions: read for replication on the source, replicate into the destination objects,
 *   `kms:Decrypt` on the source key and `kms:Encrypt`/`kms:GenerateDataKey` on the destination key,
 *   each only through S3 in that key's region and only for that bucket's encryption context;
 * - the source key policy statement that lets the role decrypt;
 * - the destination key policy statement and bucket policy statements that let exactly that role
 *   encrypt and replicate into the destination (the other account's side).
 *
 * Every statement is literal JSON once the ARNs are known: the role ARN is built from its name
 * (never a Terraform reference), so key and bucket policies stay evaluable without a provider.
 */
import {
  REPLICATION_DESTINATION_KEY_ACTIONS,
  REPLICATION_DESTINATION_OBJECT_ACTIONS,
  REPLICATION_SOURCE_BUCKET_ACTIONS,
  REPLICATION_SOURCE_KEY_ACTIONS,
  REPLICATION_SOURCE_OBJECT_ACTIONS,
} from "./actions";
import { bucketObjectsArn, s3ViaService } from "./arn";
import { type PolicyDocument, type PolicyStatement, policyDocument } from "./document";
import { S3_ENCRYPTION_CONTEXT_KEY, type KeyScope, keyUseViaS3Statement, s3EncryptionContextValues } from "./key-policy";

/** The service principal that assumes a replication role. */
export const S3_SERVICE_PRINCIPAL = "s3.amazonaws.com";

/**
 * The destination object actions replication uses: `s3:ReplicateDelete` only when delete markers
 * are replicated (S3 User Guide, "Setting up permissions for live replication": ReplicateDelete is
 * for delete markers); `s3:ObjectOwnerOverrideToBucketOwner` only across accounts (owner override,
 * `AccessControlTranslation`, is specified "only in a cross-account scenario": S3 API Reference,
 * Destination); everything else always.
 */
export function replicationDestinationObjectActions(deleteMarkerReplication: boolean, crossAccount = true): string[] {
  return REPLICATION_DESTINATION_OBJECT_ACTIONS.filter(
    (a) => (deleteMarkerReplication || a !== "s3:ReplicateDelete") && (crossAccount || a !== "s3:ObjectOwnerOverrideToBucketOwner"),
  );
}

/**
 * The object ARN pattern replication touches in a bucket: every object, or only the keys under
 * `prefix` when the rule filters on one (the replica keeps the source key, so the same prefix
 * scopes both sides). IAM reads `*` and `?` in a resource as wildcards: callers must refuse a
 * prefix that contains them (the blueprint's config schema does).
 */
export function replicatedObjectsArn(bucketArnValue: string, prefix?: string): string {
  return prefix === undefined || prefix === "" ? bucketObjectsArn(bucketArnValue) : `${bucketArnValue}/${prefix}*`;
}

/** One side of a replication: a bucket, its key, the account and region that own them. */
export interface ReplicationEndpoint {
  readonly account: string;
  readonly region: string;
  /** The bucket ARN, `arn:<partition>:s3:::<name>` (a literal). */
  readonly bucketArn: string;
  /** The key ARN; a Terraform reference is fine where the key is created in the same stack. */
  readonly keyArn: string;
}

/** What every replication statement needs to know. */
export interface ReplicationPolicyOptions {
  /** The replication role, as a literal ARN (`arn:<partition>:iam::<source account>:role/<name>`). */
  readonly roleArn: string;
  readonly partition: string;
  /** DNS suffix of the partition's endpoints (for `kms:ViaService`). @default "amazonaws.com" */
  readonly dnsSuffix?: string;
  readonly source: ReplicationEndpoint;
  readonly destination: ReplicationEndpoint;
  /** Whether delete markers are replicated (then, and only then, `s3:ReplicateDelete` is granted). @default false */
  readonly deleteMarkerReplication?: boolean;
  /**
   * The key prefix the replication rule filters on: the role reads and replicates only objects
   * under it. A tag filter cannot scope the role's policy (it is enforced by the rule only).
   * @default every object
   */
  readonly prefix?: string;
}

/** Whether the destination belongs to another account than the source (and the role). */
export function isCrossAccount(o: ReplicationPolicyOptions): boolean {
  return o.destination.account !== o.source.account;
}

function keyScope(o: ReplicationPolicyOptions, side: ReplicationEndpoint): KeyScope {
  return { partition: o.partition, account: side.account, region: side.region, dnsSuffix: o.dnsSuffix ?? "amazonaws.com" };
}

/**
 * The trust policy of the replication role: S3 may assume it. No `aws:SourceAccount` /
 * `aws:SourceArn` condition, deliberately. AWS documents the replication trust policy without them
 * (S3 User Guide, "Setting up permissions for live replication", Step 2:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html),
 * and no AWS documentation found states that S3 sends those keys when it assumes a replication
 * role; the IAM reference says they are present only when the calling service sets them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn).
 * Required but absent, they would make replication fail closed: no replica, no error at apply.
 * What keeps other buckets from using the role instead: naming a role in a replication
 * configuration needs `iam:PassRole` on it (Step 1 of the same page), and a role cannot be
 * passed to a bucket of another account. docs/security.md records this decision.
 */
export function replicationTrustPolicy(): PolicyDocument {
  return policyDocument([
    {
      Sid: "S3AssumesReplicationRole",
      Effect: "Allow",
      Principal: { Service: S3_SERVICE_PRINCIPAL },
      Action: "sts:AssumeRole",
    },
  ]);
}

/**
 * The replication role's own permissions (an inline role policy):
 * - read the source bucket's replication configuration and list it;
 * - read source object versions, their ACLs and tags for replication;
 * - replicate objects, deletes and tags into the destination objects, handing ownership over;
 * - `kms:Decrypt` on the source key and `kms:Encrypt`/`kms:GenerateDataKey` on the destination key,
 *   each only through S3 in the key's region and only for its bucket (object or bucket ARN context).
 */
export function replicationRolePolicy(o: ReplicationPolicyOptions): PolicyDocument {
  const via = (side: ReplicationEndpoint) => s3ViaService(side.region, o.dnsSuffix);
  return policyDocument([
    {
      Sid: "ReadSourceBucketForReplication",
      Effect: "Allow",
      Action: [...REPLICATION_SOURCE_BUCKET_ACTIONS],
      Resource: o.source.bucketArn,
    },
    {
      Sid: "ReadSourceObjectsForReplication",
      Effect: "Allow",
      Action: [...REPLICATION_SOURCE_OBJECT_ACTIONS],
      Resource: replicatedObjectsArn(o.source.bucketArn, o.prefix),
    },
    {
      Sid: "ReplicateIntoDestinationObjects",
      Effect: "Allow",
      Action: replicationDestinationObjectActions(o.deleteMarkerReplication ?? false, isCrossAccount(o)),
      Resource: replicatedObjectsArn(o.destination.bucketArn, o.prefix),
    },
    {
      Sid: "DecryptSourceObjectsViaS3",
      Effect: "Allow",
      Action: [...REPLICATION_SOURCE_KEY_ACTIONS],
      Resource: o.source.keyArn,
      Condition: {
        StringEquals: { "kms:ViaService": via(o.source) },
        StringLike: { [S3_ENCRYPTION_CONTEXT_KEY]: s3EncryptionContextValues([o.source.bucketArn]) },
      },
    },
    {
      Sid: "EncryptReplicasViaS3",
      Effect: "Allow",
      Action: [...REPLICATION_DESTINATION_KEY_ACTIONS],
      Resource: o.destination.keyArn,
      Condition: {
        StringEquals: { "kms:ViaService": via(o.destination) },
        StringLike: { [S3_ENCRYPTION_CONTEXT_KEY]: s3EncryptionContextValues([o.destination.bucketArn]) },
      },
    },
  ]);
}

/**
 * Source key policy: the replication role may `kms:Decrypt`, only as a principal of the source
 * account, only through S3 in the source region, only for the source bucket.
 */
export function replicationSourceKeyStatement(o: ReplicationPolicyOptions): PolicyStatement {
  return keyUseViaS3Statement({
    sid: "ReplicationRoleDecryptsViaS3",
    principals: [o.roleArn],
    scope: keyScope(o, o.source),
    bucketArns: [o.source.bucketArn],
    actions: REPLICATION_SOURCE_KEY_ACTIONS,
  });
}

/**
 * Destination key policy: exactly the source account's replication role may `kms:Encrypt` and
 * `kms:GenerateDataKey`, only through S3 in the destination region, only for the destination
 * bucket. `kms:CallerAccount` is the SOURCE account: the role lives there.
 */
export function replicationDestinationKeyStatement(o: ReplicationPolicyOptions): PolicyStatement {
  return keyUseViaS3Statement({
    sid: "ReplicationRoleEncryptsViaS3",
    principals: [o.roleArn],
    scope: keyScope(o, o.destination),
    callerAccount: o.source.account,
    bucketArns: [o.destination.bucketArn],
    actions: REPLICATION_DESTINATION_KEY_ACTIONS,
  });
}

/**
 * Destination bucket policy of a CROSS-ACCOUNT destination: exactly the replication role may
 * replicate objects and tags (and delete markers, when they are replicated) and hand object
 * ownership to the bucket owner. Within one account the role's own policy is enough (IAM allows a
 * same-account request that either policy allows), so the blueprint adds none then; this function
 * returns no statement for a same-account destination.
 * Nothing else: no `s3:GetBucketVersioning` / `s3:PutBucketVersioning`, which the S3 User Guide's
 * cross-account example grants but replication does not use. They would be dead while the role's
 * own policy lacks them, and live the moment the source account widens its role: it could then
 * suspend versioning on the backup bucket.
 */
export function replicationDestinationBucketStatements(o: ReplicationPolicyOptions): PolicyStatement[] {
  if (!isCrossAccount(o)) return [];
  return [
    {
      Sid: "ReplicationRoleReplicatesObjects",
      Effect: "Allow",
      Principal: { AWS: o.roleArn },
      Action: replicationDestinationObjectActions(o.deleteMarkerReplication ?? false, true),
      Resource: replicatedObjectsArn(o.destination.bucketArn, o.prefix),
    },
  ];
}
