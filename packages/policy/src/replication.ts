/**
 * The statements of cross-account replication of SSE-KMS objects (S3 User Guide, "Replicating
 * encrypted objects" and "Configuring replication for buckets in different accounts"):
 *
 * - the replication role's trust policy: only S3, only on behalf of the source account and bucket;
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
 * Bucket-level actions the destination bucket policy grants the replication role in a
 * cross-account setup (S3 User Guide, "Configuring replication for buckets in different accounts").
 */
export const REPLICATION_DESTINATION_BUCKET_ACTIONS = ["s3:GetBucketVersioning", "s3:PutBucketVersioning"] as const;

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
}

function keyScope(o: ReplicationPolicyOptions, side: ReplicationEndpoint): KeyScope {
  return { partition: o.partition, account: side.account, region: side.region, dnsSuffix: o.dnsSuffix ?? "amazonaws.com" };
}

/**
 * The trust policy of the replication role: S3 may assume it only for the source account's source
 * bucket (`aws:SourceAccount`, `aws:SourceArn`: the confused-deputy guard).
 */
export function replicationTrustPolicy(o: { readonly sourceAccount: string; readonly sourceBucketArn: string }): PolicyDocument {
  return policyDocument([
    {
      Sid: "S3AssumesRoleForSourceBucket",
      Effect: "Allow",
      Principal: { Service: S3_SERVICE_PRINCIPAL },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceAccount": o.sourceAccount },
        ArnLike: { "aws:SourceArn": o.sourceBucketArn },
      },
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
      Resource: bucketObjectsArn(o.source.bucketArn),
    },
    {
      Sid: "ReplicateIntoDestinationObjects",
      Effect: "Allow",
      Action: [...REPLICATION_DESTINATION_OBJECT_ACTIONS],
      Resource: bucketObjectsArn(o.destination.bucketArn),
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
 * Destination bucket policy: exactly the replication role may replicate objects, deletes and tags
 * and hand object ownership to the bucket owner, and read/set the bucket's versioning state (what
 * the S3 User Guide asks of a cross-account destination). Because the role's own policy grants it
 * no versioning action, the role cannot actually change the destination's versioning: cross-account
 * access needs both sides.
 */
export function replicationDestinationBucketStatements(o: ReplicationPolicyOptions): PolicyStatement[] {
  return [
    {
      Sid: "ReplicationRoleReplicatesObjects",
      Effect: "Allow",
      Principal: { AWS: o.roleArn },
      Action: [...REPLICATION_DESTINATION_OBJECT_ACTIONS],
      Resource: bucketObjectsArn(o.destination.bucketArn),
    },
    {
      Sid: "ReplicationRoleBucketVersioning",
      Effect: "Allow",
      Principal: { AWS: o.roleArn },
      Action: [...REPLICATION_DESTINATION_BUCKET_ACTIONS],
      Resource: o.destination.bucketArn,
    },
  ];
}
