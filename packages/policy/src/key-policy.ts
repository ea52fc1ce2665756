import { BUCKET_KEY_GRANTS, KEY_ADMIN_ACTIONS, KEY_IMPORT_ACTIONS, KEY_MULTI_REGION_ADMIN_ACTIONS, KEY_USE_VIA_S3_ACTIONS } from "./actions";
import { accountRootArn, bucketObjectsArn, s3ViaService } from "./arn";
import type { PolicyStatement } from "./document";

/** Condition key of the S3 encryption context: the bucket ARN with Bucket Keys, the object ARN without. */
export const S3_ENCRYPTION_CONTEXT_KEY = "kms:EncryptionContext:aws:s3:arn";

/** Where the key lives and who owns it. */
export interface KeyScope {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  /** DNS suffix of the partition's endpoints. @default "amazonaws.com" */
  readonly dnsSuffix?: string;
}

/** Administration actions for a key of the given origin (and, for multi-Region keys, replication). */
export function keyAdminActions(origin: "AWS_KMS" | "EXTERNAL", multiRegion = false): string[] {
  return [...KEY_ADMIN_ACTIONS, ...(origin === "EXTERNAL" ? KEY_IMPORT_ACTIONS : []), ...(multiRegion ? KEY_MULTI_REGION_ADMIN_ACTIONS : [])];
}

/**
 * The account root may manage the key (the recovery path: IAM policies in the account can then
 * grant management), but gets no cryptographic action, so IAM alone can never grant decryption.
 */
export function rootManagementStatement(scope: KeyScope, origin: "AWS_KMS" | "EXTERNAL", multiRegion = false): PolicyStatement {
  return {
    Sid: "KeyManagementByAccountRoot",
    Effect: "Allow",
    Principal: { AWS: accountRootArn(scope.partition, scope.account) },
    Action: keyAdminActions(origin, multiRegion),
    Resource: "*",
  };
}

/** Opt-in: AWS's default key policy statement, `kms:*` delegated to IAM in the account. */
export function rootFullAccessStatement(scope: KeyScope): PolicyStatement {
  return {
    Sid: "EnableIamPolicies",
    Effect: "Allow",
    Principal: { AWS: accountRootArn(scope.partition, scope.account) },
    Action: "kms:*",
    Resource: "*",
  };
}

/** Named administrators manage the key lifecycle, with no cryptographic actions. */
export function keyAdministratorsStatement(administrators: readonly string[], origin: "AWS_KMS" | "EXTERNAL", multiRegion = false): PolicyStatement {
  return {
    Sid: "KeyAdministration",
    Effect: "Allow",
    Principal: { AWS: [...administrators] },
    Action: keyAdminActions(origin, multiRegion),
    Resource: "*",
  };
}

/**
 * The encryption-context values for a set of buckets: the bucket ARN (S3 Bucket Keys) and every
 * object ARN under it (no Bucket Key), so the statement holds either way.
 */
export function s3EncryptionContextValues(bucketArns: readonly string[]): string[] {
  return bucketArns.flatMap((arn) => [arn, bucketObjectsArn(arn)]);
}

/** Options of {@link keyUseViaS3Statement}. */
export interface KeyUseViaS3Options {
  readonly sid?: string;
  readonly principals: readonly string[];
  readonly scope: KeyScope;
  /** Account whose principals call (kms:CallerAccount). @default scope.account */
  readonly callerAccount?: string;
  /** Region of the S3 endpoint (kms:ViaService). @default scope.region */
  readonly viaRegion?: string;
  /** Restrict use to these buckets through the S3 encryption context. @default no restriction */
  readonly bucketArns?: readonly string[];
  /** @default KEY_USE_VIA_S3_ACTIONS (kms:Decrypt, kms:GenerateDataKey) */
  readonly actions?: readonly string[];
}

/**
 * Key users: only the cryptographic actions S3 needs, only through S3 in the key's region, only
 * from the given account and, where the buckets are known, only for those buckets.
 */
export function keyUseViaS3Statement(o: KeyUseViaS3Options): PolicyStatement {
  const stringEquals: Record<string, string> = {
    "kms:CallerAccount": o.callerAccount ?? o.scope.account,
    "kms:ViaService": s3ViaService(o.viaRegion ?? o.scope.region, o.scope.dnsSuffix),
  };
  const condition: Record<string, Record<string, string | string[]>> = { StringEquals: stringEquals };
  if (o.bucketArns && o.bucketArns.length > 0) {
    condition.StringLike = { [S3_ENCRYPTION_CONTEXT_KEY]: s3EncryptionContextValues(o.bucketArns) };
  }
  return {
    Sid: o.sid ?? "KeyUseViaS3",
    Effect: "Allow",
    Principal: { AWS: [...o.principals] },
    Action: [...(o.actions ?? KEY_USE_VIA_S3_ACTIONS)],
    Resource: "*",
    Condition: condition,
  };
}

/** What a per-bucket reader may do with the key ({@link BUCKET_KEY_GRANTS}`.readers`). */
export const BUCKET_READER_ACTIONS = BUCKET_KEY_GRANTS.readers.actions;
/** What a per-bucket writer may do with the key ({@link BUCKET_KEY_GRANTS}`.writers`). */
export const BUCKET_WRITER_ACTIONS = BUCKET_KEY_GRANTS.writers.actions;

/** Per-bucket key use: the principals that read or write one bucket's objects. */
export interface BucketKeyAccess {
  /** The bucket ARN (a literal). */
  readonly bucketArn: string;
  /** Roles/users that may decrypt this bucket's objects. @default [] */
  readonly readers?: readonly string[];
  /** Roles/users that may write this bucket's objects (and read them back). @default [] */
  readonly writers?: readonly string[];
}

/** The Sid part of a bucket name: its letters and digits, each `-`/`.`-separated part capitalised (`acme-dev-data` -> `AcmeDevData`). */
export function bucketSidPart(bucketArn: string): string {
  const name = bucketArn.split(":::")[1] ?? bucketArn;
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p.length > 0)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join("");
}

/**
 * The key-policy statements of per-bucket readers and writers (0, 1 or 2): `kms:Decrypt` for
 * readers, `kms:GenerateDataKey` + `kms:Decrypt` for writers, each only through S3 in the key's
 * region (`kms:ViaService`), only from the key's account (`kms:CallerAccount`) and only with this
 * bucket's encryption context (`kms:EncryptionContext:aws:s3:arn` = the bucket ARN with Bucket
 * Keys, an object ARN under it without), so a reader of one bucket cannot decrypt another bucket's
 * objects under the same key. Sids: `ReadViaS3<Bucket>`, `WriteViaS3<Bucket>` (`sidSuffix` overrides `<Bucket>`).
 */
export function bucketAccessStatements(scope: KeyScope, access: BucketKeyAccess, sidSuffix = bucketSidPart(access.bucketArn)): PolicyStatement[] {
  return BUCKET_GRANT_ROLES.flatMap((role) => {
    const principals = access[role] ?? [];
    if (principals.length === 0) return [];
    const { sidPrefix, actions } = BUCKET_KEY_GRANTS[role];
    return [keyUseViaS3Statement({ sid: `${sidPrefix}${sidSuffix}`, principals, scope, bucketArns: [access.bucketArn], actions })];
  });
}

/** The roles of {@link BUCKET_KEY_GRANTS}, in the order their statements are written. */
export const BUCKET_GRANT_ROLES = Object.keys(BUCKET_KEY_GRANTS) as (keyof typeof BUCKET_KEY_GRANTS)[];
