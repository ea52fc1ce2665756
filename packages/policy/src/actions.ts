/**
 * The one action table every grant and every check is built from (aws-cdk's aws-kms style):
 * key policies, guardrails and tests all read these lists, so they cannot drift apart.
 */

/**
 * Key lifecycle management without any cryptographic use. Deliberately explicit (no `kms:Create*`
 * or `kms:Get*` wildcards): `kms:CreateGrant` would let an administrator grant themselves
 * decryption, so it is not here.
 */
export const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
] as const;

/**
 * Extra administration of multi-Region keys only. `kms:ReplicateKey` creates a replica with the
 * same key material under a key policy the caller writes, so it is granted only where the key is
 * multi-Region (where it is needed), never by default.
 */
export const KEY_MULTI_REGION_ADMIN_ACTIONS = ["kms:ReplicateKey", "kms:UpdatePrimaryRegion"] as const;

/** Extra administration of EXTERNAL-origin keys: the import ceremony. Still no cryptographic use. */
export const KEY_IMPORT_ACTIONS = ["kms:DeleteImportedKeyMaterial", "kms:GetParametersForImport", "kms:ImportKeyMaterial"] as const;

/** What S3 calls on a key for SSE-KMS: GenerateDataKey on write, Decrypt on read and multipart upload. */
export const KEY_USE_VIA_S3_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"] as const;

/**
 * Per-bucket key use through S3, by role: the one table every per-bucket grant of a key is built from
 * (`bucketAccessStatements`, and the keys' `grantBucketAccess` in @sse-kms/key). A reader's objects
 * are read (S3 calls `kms:Decrypt`); a writer writes (`kms:GenerateDataKey`) and reads back, and
 * multipart uploads need `kms:Decrypt` too. Each role's statement is `<sidPrefix><Bucket>`.
 */
export const BUCKET_KEY_GRANTS = {
  readers: { sidPrefix: "ReadViaS3", actions: ["kms:Decrypt"] },
  writers: { sidPrefix: "WriteViaS3", actions: ["kms:Decrypt", "kms:GenerateDataKey"] },
} as const;

/** What a replication role needs on the source key. */
export const REPLICATION_SOURCE_KEY_ACTIONS = ["kms:Decrypt"] as const;

/** What a replication role needs on the destination key (S3 re-encrypts replicas). */
export const REPLICATION_DESTINATION_KEY_ACTIONS = ["kms:Encrypt", "kms:GenerateDataKey"] as const;

/**
 * Actions that use key material, or hand out the right to (grants). An administrator holding
 * any of these breaks separation of duties; `kms:*` and `kms:Re*`-style wildcards match them too.
 */
export const KEY_CRYPTOGRAPHIC_ACTIONS = [
  "kms:CreateGrant",
  "kms:Decrypt",
  "kms:DeriveSharedSecret",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyPair",
  "kms:GenerateDataKeyPairWithoutPlaintext",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GenerateMac",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:Sign",
  "kms:Verify",
  "kms:VerifyMac",
] as const;

/** S3 actions a replication role needs on the source bucket (bucket level). */
export const REPLICATION_SOURCE_BUCKET_ACTIONS = ["s3:GetReplicationConfiguration", "s3:ListBucket"] as const;

/** S3 actions a replication role needs on source objects. */
export const REPLICATION_SOURCE_OBJECT_ACTIONS = ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"] as const;

/** S3 actions a replication role needs on destination objects (owner override included). */
export const REPLICATION_DESTINATION_OBJECT_ACTIONS = [
  "s3:ObjectOwnerOverrideToBucketOwner",
  "s3:ReplicateDelete",
  "s3:ReplicateObject",
  "s3:ReplicateTags",
] as const;

/** Compiled action patterns: guardrails match the same few patterns against every action list. */
const patternCache = new Map<string, RegExp>();

/** Whether an IAM action pattern (with `*`/`?` wildcards, case-insensitive) matches an action. */
export function actionMatches(pattern: string, action: string): boolean {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      "i",
    );
    patternCache.set(pattern, re);
  }
  return re.test(action);
}

/** The cryptographic actions that any of the given patterns grants. */
export function cryptographicActionsIn(patterns: readonly string[]): string[] {
  return KEY_CRYPTOGRAPHIC_ACTIONS.filter((a) => patterns.some((p) => actionMatches(p, a)));
}
