/**
 * What an existing bucket has, read with the AWS SDK v3 (read-only calls only), and the `adopt`
 * block of the environment file that adopts it (`npm run adopt:inspect`; docs/re-encryption.md).
 *
 * Calls: GetBucketPolicy, GetBucketOwnershipControls, GetPublicAccessBlock, GetBucketVersioning,
 * GetBucketEncryption, GetBucketTagging, GetBucketLifecycleConfiguration, ListObjectsV2 and
 * HeadObject. Each "not configured" answer is one error code: NoSuchBucketPolicy,
 * OwnershipControlsNotFoundError, NoSuchPublicAccessBlockConfiguration, NoSuchTagSet,
 * NoSuchLifecycleConfiguration and ServerSideEncryptionConfigurationNotFoundError: the codes the
 * hashicorp/aws provider itself treats as "not found" for these reads (internal/service/s3/errors.go,
 * e.g. `errCodeOwnershipControlsNotFoundError = "OwnershipControlsNotFoundError"`), which moto 5.2.1
 * answers too (moto/s3/exceptions.py). The stored AWS documentation searched here has no page that
 * lists them together; any other error propagates (one line from the CLI), so a code we did not
 * expect stops the inspection instead of being read as "absent".
 */
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { AdoptDetails, OptionalBucketConfiguration } from "@sse-kms/config";
import { bucketEnforcementStatements, type IamStatement, parsePolicy } from "@sse-kms/policy";

/** How one object is encrypted now, from HeadObject's `x-amz-server-side-encryption`. */
export type ObjectEncryption = "sse-s3" | "sse-kms" | "dsse-kms" | "none";

/** A kept policy statement as the `adopt` block lists it. */
export type KeptStatement = AdoptDetails["keepPolicyStatements"][number];

/** Everything the inspector read about one bucket. */
export interface BucketInspection {
  readonly bucket: string;
  /** The optional configurations the bucket has (import them). */
  readonly existing: readonly OptionalBucketConfiguration[];
  /** `GetBucketVersioning` Status; "never enabled" when the answer has none. */
  readonly versioning: "Enabled" | "Suspended" | "never enabled";
  /** The default encryption rule, or undefined where the bucket has none (not AWS since 2023; moto). */
  readonly defaultEncryption?: { readonly algorithm: string; readonly kmsKeyId?: string; readonly bucketKey: boolean };
  readonly tags: Readonly<Record<string, string>>;
  /** The existing policy's statements, each with a Sid the adopt block can use. */
  readonly policyStatements: readonly KeptStatement[];
  /** Sids the inspector gave: `Kept<N>` for a statement without a usable Sid (or one the blueprint reserves). */
  readonly renamedSids: readonly { readonly from: string | undefined; readonly to: string }[];
  /** Lifecycle rules (not managed by the blueprints: the first apply leaves them as they are). */
  readonly lifecycleRules: readonly { readonly id: string; readonly status: string }[];
  readonly objects: {
    /** Objects (current versions) listed, at most the list limit. */
    readonly listed: number;
    /** Whether there are more than were listed. */
    readonly truncated: boolean;
    /** Objects given a HeadObject. */
    readonly sampled: number;
    /** Sampled objects by their current encryption. */
    readonly mix: Readonly<Record<ObjectEncryption, number>>;
    /** KMS keys the sampled SSE-KMS objects name. */
    readonly kmsKeys: readonly string[];
  };
}

/** Limits of one inspection. */
export interface InspectOptions {
  /** HeadObject on at most this many objects (the first listed). @default 100 */
  readonly sample?: number;
  /** List at most this many objects. @default 10000 */
  readonly listLimit?: number;
}

const errorName = (e: unknown): string => (e as { name?: string; Code?: string }).name ?? (e as { Code?: string }).Code ?? "";

/** The result of `call`, or undefined when it fails with one of `absent` (the configuration does not exist). */
async function optional<T>(call: () => Promise<T>, absent: readonly string[]): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    if (absent.includes(errorName(e))) return undefined;
    throw e;
  }
}

/** Sids the blueprint's own bucket-policy statements use (a kept statement must not reuse one). */
export function reservedSids(): ReadonlySet<string> {
  return new Set(bucketEnforcementStatements({ bucketArn: "arn:aws:s3:::x", keyArn: "k", requireEncryptionHeader: true }).map((s) => s.Sid));
}

/** The statements of a policy, each with a Sid the adopt schema accepts (`Kept<N>` where it had none, a bad one or a reserved one). */
export function keptStatements(policy: string): { statements: KeptStatement[]; renamed: { from: string | undefined; to: string }[] } {
  const parsed = parsePolicy(policy);
  if (!parsed.ok) throw new Error(`the bucket policy cannot be read: ${parsed.reason}`);
  const reserved = reservedSids();
  const used = new Set<string>();
  const renamed: { from: string | undefined; to: string }[] = [];
  let n = 0;
  const statements = parsed.document.Statement.map((s: IamStatement) => {
    let sid = s.Sid;
    if (sid === undefined || !/^[A-Za-z0-9]{1,100}$/.test(sid) || reserved.has(sid) || used.has(sid)) {
      do sid = `Kept${++n}`;
      while (used.has(sid) || reserved.has(sid));
      renamed.push({ from: s.Sid, to: sid });
    }
    used.add(sid);
    return { ...s, Sid: sid } as KeptStatement;
  });
  return { statements, renamed };
}

function encryptionOf(header: string | undefined): ObjectEncryption {
  if (header === "AES256") return "sse-s3";
  if (header === "aws:kms") return "sse-kms";
  if (header === "aws:kms:dsse") return "dsse-kms";
  return "none";
}

/** Reads the bucket (read-only calls only). Errors other than "not configured" propagate. */
export async function inspectBucket(s3: S3Client, bucket: string, options: InspectOptions = {}): Promise<BucketInspection> {
  const sample = options.sample ?? 100;
  const listLimit = options.listLimit ?? 10_000;
  const Bucket = bucket;
  const [policy, ownership, pab, versioning, encryption, tagging, lifecycle] = await Promise.all([
    optional(() => s3.send(new GetBucketPolicyCommand({ Bucket })), ["NoSuchBucketPolicy"]),
    optional(() => s3.send(new GetBucketOwnershipControlsCommand({ Bucket })), ["OwnershipControlsNotFoundError"]),
    optional(() => s3.send(new GetPublicAccessBlockCommand({ Bucket })), ["NoSuchPublicAccessBlockConfiguration"]),
    s3.send(new GetBucketVersioningCommand({ Bucket })),
    optional(() => s3.send(new GetBucketEncryptionCommand({ Bucket })), ["ServerSideEncryptionConfigurationNotFoundError"]),
    optional(() => s3.send(new GetBucketTaggingCommand({ Bucket })), ["NoSuchTagSet"]),
    optional(() => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })), ["NoSuchLifecycleConfiguration"]),
  ]);
  const existing: OptionalBucketConfiguration[] = [];
  if (policy?.Policy) existing.push("policy");
  if (ownership?.OwnershipControls) existing.push("ownershipControls");
  if (pab?.PublicAccessBlockConfiguration) existing.push("publicAccessBlock");
  const kept = policy?.Policy ? keptStatements(policy.Policy) : { statements: [], renamed: [] };
  const rule = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0];

  const keys: string[] = [];
  let token: string | undefined;
  let truncated = false;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken: token, MaxKeys: Math.min(1000, listLimit - keys.length) }));
    for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (token !== undefined && keys.length >= listLimit) {
      truncated = true;
      token = undefined;
    }
  } while (token !== undefined);
  const mix: Record<ObjectEncryption, number> = { "sse-s3": 0, "sse-kms": 0, "dsse-kms": 0, none: 0 };
  const kmsKeys = new Set<string>();
  const sampled = keys.slice(0, sample);
  for (const Key of sampled) {
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key }));
    mix[encryptionOf(head.ServerSideEncryption)]++;
    if (head.SSEKMSKeyId) kmsKeys.add(head.SSEKMSKeyId);
  }

  return {
    bucket,
    existing,
    versioning: versioning.Status === "Enabled" || versioning.Status === "Suspended" ? versioning.Status : "never enabled",
    ...(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm
      ? {
          defaultEncryption: {
            algorithm: rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm,
            ...(rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID ? { kmsKeyId: rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID } : {}),
            bucketKey: rule.BucketKeyEnabled === true,
          },
        }
      : {}),
    tags: Object.fromEntries((tagging?.TagSet ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""])),
    policyStatements: kept.statements,
    renamedSids: kept.renamed,
    lifecycleRules: (lifecycle?.Rules ?? []).map((r) => ({ id: r.ID ?? "(no id)", status: r.Status ?? "" })),
    objects: { listed: keys.length, truncated, sampled: sampled.length, mix, kmsKeys: [...kmsKeys].sort() },
  };
}

/**
 * The `buckets[].adopt` value for the inspected bucket: `true` when it has none of the optional
 * configurations, no tags and no policy (import only what every bucket has), else the object that
 * names what it has, its tags and its policy statements (all kept: delete those to drop).
 */
export function adoptBlock(i: BucketInspection): true | AdoptDetails {
  if (i.existing.length === 0 && Object.keys(i.tags).length === 0 && i.policyStatements.length === 0) return true;
  return { existing: [...i.existing], tags: { ...i.tags }, keepPolicyStatements: [...i.policyStatements] };
}

/** The objects to re-encrypt by their current encryption (the sampled mix scaled to the listed count), for `estimateReencryption`. */
export function reencryptionClasses(i: BucketInspection): { sourceEncryption: "none" | "sse-s3" | "sse-kms"; objects: number }[] {
  const { listed, sampled, mix } = i.objects;
  if (listed === 0 || sampled === 0) return [];
  const classes: ["none" | "sse-s3" | "sse-kms", number][] = [
    ["sse-s3", mix["sse-s3"]],
    // DSSE-KMS objects also cost a Decrypt on copy: the cost model's sse-kms.
    ["sse-kms", mix["sse-kms"] + mix["dsse-kms"]],
    ["none", mix.none],
  ];
  return classes.filter(([, n]) => n > 0).map(([sourceEncryption, n]) => ({ sourceEncryption, objects: Math.max(1, Math.round((listed * n) / sampled)) }));
}
