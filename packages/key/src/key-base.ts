import { BucketPrincipalArn, arnAccount, dnsSuffixOf, partitionOf } from "@sse-kms/config";
import { requireProp, requireValid } from "@sse-kms/construct-kit";
import { type BucketKeyAccess, type KeyScope, type PolicyStatement, bucketAccessStatements, bucketSidPart } from "@sse-kms/policy";
import { Construct, type IConstruct } from "constructs";

/**
 * A KMS key that S3 buckets encrypt with (aws-cdk's `kms.IKey`): one this stack creates
 * ({@link EncryptionKey}) or one it imports by ARN ({@link EncryptionKey.fromKeyArn}). Every key
 * supports the same grants; `@sse-kms/bucket-encryption`'s `IBucketKey` is the part a bucket uses.
 */
export interface IKey extends IConstruct {
  /** The key ARN: a Terraform reference for a created key, a literal for an imported one. */
  readonly keyArn: string;
  /** The key id: a Terraform reference for a created key, a literal for an imported one. */
  readonly keyId: string;
  /** The account that owns the key (12 digits). */
  readonly account: string;
  /** The key's region: the region of every bucket that encrypts with it. */
  readonly region: string;
  /** The partition of `region`. */
  readonly partition: string;
  /** Where the key lives, for policy builders. */
  readonly scope: KeyScope;
  /** Scope key-level use to objects of this bucket (S3 encryption context). */
  scopeUseToBucket(bucketArn: string): void;
  /**
   * Per-bucket key use, from the action table `BUCKET_KEY_GRANTS` (@sse-kms/policy): readers get
   * `kms:Decrypt`, writers `kms:GenerateDataKey` + `kms:Decrypt`, only through S3 and only with this
   * bucket's encryption context.
   */
  grantBucketAccess(access: BucketKeyAccess): void;
}

/**
 * The key-policy statements of per-bucket access, one or two per bucket, with Sids unique across
 * the buckets (a numeric suffix when two bucket names give the same Sid part, e.g. `a-b` and `a.b`).
 */
export function bucketAccessStatementsFor(scope: KeyScope, grants: readonly BucketKeyAccess[]): PolicyStatement[] {
  const used = new Map<string, number>();
  return grants.flatMap((g) => {
    const base = bucketSidPart(g.bucketArn);
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return bucketAccessStatements(scope, g, n === 1 ? base : `${base}${n}`);
  });
}

/**
 * What every key shares (aws-cdk's `kms.KeyBase`): where it lives, the buckets it is scoped to, and
 * the per-bucket grants, checked the same way for a created and an imported key. A created key
 * writes them into its key policy; an imported key hands them over to the key's owner.
 */
export abstract class KeyBase extends Construct implements IKey {
  abstract readonly keyArn: string;
  abstract readonly keyId: string;
  abstract readonly account: string;
  abstract readonly region: string;
  abstract readonly partition: string;
  /** Key administrators named by this stack (none for an imported key): never granted use of a bucket. */
  abstract readonly administrators: readonly string[];
  /** The buckets scoped to the key, in the order they were added. */
  protected readonly bucketScope: string[] = [];
  /** The per-bucket grants with at least one reader or writer, in the order they were made. */
  protected readonly bucketGrants: BucketKeyAccess[] = [];

  /** Where the key lives, for policy builders. */
  get scope(): KeyScope {
    return { partition: this.partition, account: this.account, region: this.region, dnsSuffix: dnsSuffixOf(partitionOf(this.region)) };
  }

  /** The buckets that encrypt with the key, in the order they were added. */
  get bucketArns(): readonly string[] {
    return [...this.bucketScope];
  }

  scopeUseToBucket(bucketArn: string): void {
    if (!this.bucketScope.includes(bucketArn)) this.bucketScope.push(bucketArn);
  }

  grantBucketAccess(access: BucketKeyAccess): void {
    const path = this.node.path;
    for (const [prop, list] of [
      ["readers", access.readers ?? []],
      ["writers", access.writers ?? []],
    ] as const) {
      for (const arn of list) {
        requireValid(BucketPrincipalArn, arn, {
          constructPath: path,
          prop: `${prop} of ${access.bucketArn}`,
          fix: `use a role or user of account ${this.account}, such as arn:${this.partition}:iam::${this.account}:role/app`,
        });
        requireProp(arnAccount(arn) === this.account, {
          constructPath: path,
          prop: `${prop} of ${access.bucketArn}`,
          rule: `must hold IAM role or user ARNs of the key's account ${this.account}`,
          received: arn,
          fix: `use a role or user of account ${this.account}, such as arn:${this.partition}:iam::${this.account}:role/app`,
        });
        requireProp(!this.administrators.includes(arn), {
          constructPath: path,
          prop: `${prop} of ${access.bucketArn}`,
          rule: "must not include a key administrator (separation of duties: administrators get no cryptographic action)",
          received: arn,
          fix: "use different principals for administration and use",
        });
      }
    }
    if ((access.readers ?? []).length + (access.writers ?? []).length > 0) this.bucketGrants.push(access);
  }

  /** The key-policy statements of the per-bucket grants (`ReadViaS3<Bucket>`, `WriteViaS3<Bucket>`). */
  protected bucketGrantStatements(): PolicyStatement[] {
    return bucketAccessStatementsFor(this.scope, this.bucketGrants);
  }
}
