import { BucketName, awsProviderVersionAt, partitionOf, providerKnows } from "@sse-kms/config";
import { importFrom, pinLogicalId, requireKnownRegion, requireProp, requireValid } from "@sse-kms/construct-kit";
import {
  type IamStatement,
  type PolicyDocument,
  type PolicyStatement,
  bucketArn as bucketArnOf,
  bucketEnforcementStatements,
  policyDocument,
  renderPolicy,
} from "@sse-kms/policy";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Lazy, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/**
 * What a bucket uses of the key it is encrypted with: the part of `@sse-kms/key`'s `IKey` (every
 * key there, created or imported with `EncryptionKey.fromKeyArn`, implements it).
 */
export interface IBucketKey {
  readonly keyArn: string;
  readonly region: string;
  readonly account: string;
  /** Called once per bucket so the key policy can scope use to the bucket's encryption context. */
  scopeUseToBucket(bucketArn: string): void;
  /** Called once per bucket with readers or writers: the key grants them use for this bucket only. */
  grantBucketAccess(access: { readonly bucketArn: string; readonly readers?: readonly string[]; readonly writers?: readonly string[] }): void;
}

/** The configurations of a bucket that it may lack (its default encryption and versioning state it always has). */
export type OptionalBucketPart = "policy" | "ownershipControls" | "publicAccessBlock";

/**
 * What is known about an existing bucket that {@link EncryptedBucket} adopts (`npm run adopt:inspect`
 * prints it for a bucket). `adopt: true` is the same as `{}`: a bucket without any optional configuration.
 */
export interface BucketAdoption {
  /**
   * The optional configurations the bucket has today: each is imported, so the plan shows how the
   * first apply changes it. One the bucket lacks must not be listed: the AWS provider's import then
   * fails ("Cannot import non-existent remote object"). One it has but that is not listed is
   * created, and the create replaces it unseen (PutBucketPolicy, PutBucketOwnershipControls and
   * PutPublicAccessBlock each replace the whole configuration). @default []
   */
  readonly existing?: readonly OptionalBucketPart[];
  /**
   * The bucket's existing tags to keep: merged under the bucket's `tags` (those win on a clash).
   * The provider writes the bucket's whole tag set, and PutBucketTagging "When this operation sets the
   * tags for a bucket, it will overwrite any current tags the bucket already has. You cannot use this
   * operation to add tags to an existing list of tags."
   * (https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/s3/aws.sdk.kotlin.services.s3/put-bucket-tagging.html):
   * a tag named nowhere is removed (the plan lists it). @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Statements of the existing bucket policy to keep, after the enforcement statements. Sids must not
   * clash. PutBucketPolicy "Replaces a policy on a bucket. If the bucket already has a policy, the one in
   * this request completely replaces it."
   * (https://docs.aws.amazon.com/sdkfornet/latest/apidocs/items/TS3PutBucketPolicyRequestNET45.html):
   * a statement not listed is removed (with `existing: ["policy"]` the plan's policy diff names it). @default []
   */
  readonly keepPolicyStatements?: readonly IamStatement[];
}

/**
 * How objects are encrypted at rest:
 * - `kms`: SSE-KMS with the given customer-managed key (the default, and what guardrails require);
 * - `aws-managed`: SSE-KMS with the AWS managed key `aws/s3`: no key policy of yours, no
 *   cross-account use. An explicit, guardrail-suppressed choice for low-compliance buckets.
 */
export type BucketEncryptionMode = "kms" | "aws-managed";

/** Properties of an {@link EncryptedBucket}. */
export interface EncryptedBucketProps {
  /** The bucket name (S3 naming rules; globally unique). */
  readonly bucketName: string;
  /** Region of the bucket: the provider's region. Must equal the key's region. */
  readonly region: string;
  /** The customer-managed key. Required with encryption `kms`. */
  readonly encryptionKey?: IBucketKey;
  /** @default "kms" */
  readonly encryption?: BucketEncryptionMode;
  /** S3 Bucket Key: cuts KMS requests (and cost) by up to 99%. @default true */
  readonly bucketKeyEnabled?: boolean;
  /** Keep object versions (required for replication). @default true */
  readonly versioned?: boolean;
  /**
   * Strict mode: deny PutObject without an explicit `x-amz-server-side-encryption: aws:kms`
   * header. Uploads that rely on default encryption then fail. @default false
   */
  readonly requireEncryptionHeader?: boolean;
  /** Let `terraform destroy` delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
  /**
   * IAM roles/users that may decrypt this bucket's objects: the key grants them `kms:Decrypt`
   * through S3 with this bucket's encryption context only. Needs encryption `kms`. @default []
   */
  readonly readers?: readonly string[];
  /**
   * IAM roles/users that may write this bucket's objects (and read them back): `kms:GenerateDataKey`
   * and `kms:Decrypt` through S3 with this bucket's encryption context only. Needs encryption `kms`. @default []
   */
  readonly writers?: readonly string[];
  /** `lifecycle.prevent_destroy` on the bucket. @default false */
  readonly preventDestroy?: boolean;
  /**
   * The bucket already exists: write a Terraform `import` block (Terraform >= 1.5) for each resource
   * of {@link EncryptedBucket.adoptedResources}, each imported by the bucket name, so the first apply
   * takes them into state instead of failing with BucketAlreadyOwnedByYou. `true` imports only what
   * every bucket has (the bucket, its default encryption, its versioning state) and creates the
   * bucket policy, ownership controls and public access block; a {@link BucketAdoption} names the
   * optional configurations the bucket has (imported too), the tags and the policy statements to
   * keep. Terraform ignores an import block whose address is already in state, so the block can
   * stay. Existing objects keep the encryption they were written with: see docs/re-encryption.md.
   * @default false
   */
  readonly adopt?: boolean | BucketAdoption;
  /** Terraform resource name shared by the bucket and its configuration resources. @default derived from the bucket name */
  readonly terraformName?: string;
  /** @default the stack's default provider */
  readonly provider?: TerraformProvider;
  /** Tags on the bucket (provider default_tags apply as well). @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An S3 bucket under SSE-KMS: default encryption with the key and a Bucket Key, SSE-C blocked,
 * public access blocked, ACLs disabled (BucketOwnerEnforced), versioning, and a bucket policy
 * that denies plain HTTP, any explicit encryption other than aws:kms, and any other KMS key.
 */
export class EncryptedBucket extends Construct {
  /** The `aws_s3_bucket` resource. */
  readonly resource: S3Bucket;
  readonly encryptionConfiguration: S3BucketServerSideEncryptionConfigurationA;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  readonly ownershipControls: S3BucketOwnershipControls;
  readonly versioning?: S3BucketVersioningA;
  readonly policy: S3BucketPolicy;
  readonly bucketName: string;
  /** The bucket ARN, a literal (bucket names are known at synth). */
  readonly bucketArn: string;
  readonly region: string;
  readonly encryptionKey?: IBucketKey;
  /** Whether the bucket is adopted (imported) rather than created. */
  readonly adopted: boolean;
  /** What the configuration says about the adopted bucket (`{}` for `adopt: true`); undefined when not adopted. */
  readonly adoption?: BucketAdoption;
  private readonly props: EncryptedBucketProps;
  private readonly extraStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: EncryptedBucketProps) {
    super(scope, id);
    this.props = props;
    this.validate(props);
    this.bucketName = props.bucketName;
    this.region = props.region;
    this.encryptionKey = props.encryptionKey;
    this.bucketArn = bucketArnOf(partitionOf(props.region), props.bucketName);
    const name = pinLogicalId(
      this,
      "aws_s3_bucket",
      { prop: "bucketName", value: props.bucketName },
      props.terraformName,
      "choose another bucket name, or set terraformName explicitly",
    );
    const provider = props.provider;
    this.adopted = props.adopt !== undefined && props.adopt !== false;
    this.adoption = this.adopted ? (props.adopt === true ? {} : (props.adopt as BucketAdoption)) : undefined;
    // Existing tags first: the environment's tags win on a clash (the plan shows the change).
    const tags = { ...(this.adoption?.tags ?? {}), ...(props.tags ?? {}) };

    this.resource = new S3Bucket(this, "Resource", {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      provider,
      tags: Object.keys(tags).length > 0 ? tags : undefined,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.resource.overrideLogicalId(name);
    const bucket = this.resource.id;

    const kms = (props.encryption ?? "kms") === "kms";
    this.encryptionConfiguration = new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket,
      provider,
      rule: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: kms ? props.encryptionKey?.keyArn : undefined,
          },
          // Explicit on AWS provider 6.25: unset values show a diff on every plan.
          bucketKeyEnabled: props.bucketKeyEnabled ?? true,
          // Only providers that know the attribute (6.22.0+); the bucket policy denies SSE-C on every version.
          blockedEncryptionTypes: providerKnows(awsProviderVersionAt(this), "aws_s3_bucket_server_side_encryption_configuration.rule.blocked_encryption_types")
            ? ["SSE-C"]
            : undefined,
        },
      ],
    });
    this.encryptionConfiguration.overrideLogicalId(name);

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket,
      provider,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    this.publicAccessBlock.overrideLogicalId(name);

    this.ownershipControls = new S3BucketOwnershipControls(this, "OwnershipControls", {
      bucket,
      provider,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    this.ownershipControls.overrideLogicalId(name);

    if (props.versioned ?? true) {
      this.versioning = new S3BucketVersioningA(this, "Versioning", {
        bucket,
        provider,
        versioningConfiguration: { status: "Enabled" },
      });
      this.versioning.overrideLogicalId(name);
    }

    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket,
      provider,
      policy: Lazy.stringValue({ produce: () => renderPolicy(this.policyDocument()) }),
      dependsOn: [this.publicAccessBlock],
    });
    this.policy.overrideLogicalId(name);

    if (this.adopted) for (const r of this.adoptedResources) importFrom(r, props.bucketName);

    if (kms) props.encryptionKey?.scopeUseToBucket(this.bucketArn);
    const readers = props.readers ?? [];
    const writers = props.writers ?? [];
    if (readers.length + writers.length > 0) {
      requireProp(kms, {
        constructPath: this.node.path,
        prop: readers.length > 0 ? "readers" : "writers",
        rule: "needs encryption kms: the AWS managed key aws/s3 has no key policy of yours",
        received: [...readers, ...writers],
        fix: "use encryption kms with a customer-managed key, or remove readers and writers",
      });
      // With encryption kms, validate() has required the key.
      props.encryptionKey!.grantBucketAccess({ bucketArn: this.bucketArn, readers, writers });
    }
  }

  /**
   * What `adopt` imports, the bucket first: the resources for what every bucket has, and the optional
   * configurations {@link BucketAdoption.existing} names. Each one's import ID is the bucket name (the
   * AWS provider's documented format when the bucket belongs to the provider's account;
   * `<bucket>,<owner>` is only for `expected_bucket_owner`). Empty when the bucket is not adopted.
   *
   * What every bucket has, so its import cannot fail:
   * - default encryption: "Amazon S3 now applies server-side encryption with Amazon S3 managed keys
   *   (SSE-S3) as the base level of encryption for every bucket in Amazon S3. Starting January 5, 2023,
   *   all new object uploads to Amazon S3 are automatically encrypted"
   *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html), and
   *   GetBucketEncryption: "By default, all buckets have a default encryption configuration that uses
   *   server-side encryption with Amazon S3 managed keys (SSE-S3)"
   *   (https://docs.aws.amazon.com/sdkfornet/v4/apidocs/items/S3/MS3GetBucketEncryptionGetBucketEncryptionRequest.html). The provider's
   *   read (internal/service/s3/bucket_server_side_encryption_configuration.go,
   *   findServerSideEncryptionConfiguration) fails only on ServerSideEncryptionConfigurationNotFoundError.
   * - versioning state: GetBucketVersioning of a never-versioned bucket answers without a Status, and
   *   the provider reads that as "Disabled" (internal/service/s3/bucket_versioning.go,
   *   statusBucketVersioning: `if output.Status == "" { return output, bucketVersioningStatusDisabled, nil }`),
   *   so the import succeeds and the plan shows Disabled -> Enabled.
   *
   * What a bucket may lack, imported only when listed: the provider's reads of the bucket policy,
   * ownership controls and public access block turn NoSuchBucketPolicy, OwnershipControlsNotFoundError
   * and NoSuchPublicAccessBlockConfiguration into "not found", and Terraform then stops the apply
   * with "Cannot import non-existent remote object" (proven against moto in tools/adopt).
   */
  get adoptedResources(): ReadonlyArray<
    S3Bucket | S3BucketServerSideEncryptionConfigurationA | S3BucketPublicAccessBlock | S3BucketOwnershipControls | S3BucketVersioningA | S3BucketPolicy
  > {
    if (!this.adopted) return [];
    const existing = new Set(this.adoption?.existing ?? []);
    return [
      this.resource,
      this.encryptionConfiguration,
      ...(this.versioning ? [this.versioning] : []),
      ...(existing.has("publicAccessBlock") ? [this.publicAccessBlock] : []),
      ...(existing.has("ownershipControls") ? [this.ownershipControls] : []),
      ...(existing.has("policy") ? [this.policy] : []),
    ];
  }

  /** Objects in this bucket, for policy resources. */
  get objectsArn(): string {
    return `${this.bucketArn}/*`;
  }

  /** Adds a statement to the bucket policy (rendered at synth). Sids must stay unique. */
  addToResourcePolicy(statement: PolicyStatement): void {
    this.extraStatements.push(statement);
  }

  /** The bucket policy as a document (the same one rendered into the synthesized output). */
  policyDocument(): PolicyDocument {
    const kms = (this.props.encryption ?? "kms") === "kms";
    return policyDocument([
      ...bucketEnforcementStatements({
        bucketArn: this.bucketArn,
        keyArn: kms ? this.props.encryptionKey?.keyArn : undefined,
        requireEncryptionHeader: this.props.requireEncryptionHeader ?? false,
      }),
      // Each has a Sid: validate() refuses one without.
      ...((this.adoption?.keepPolicyStatements ?? []) as readonly PolicyStatement[]),
      ...this.extraStatements,
    ]);
  }

  private validate(p: EncryptedBucketProps): void {
    const path = this.node.path;
    if (typeof p.adopt === "object") {
      const reserved = new Set(bucketEnforcementStatements({ bucketArn: "arn:aws:s3:::x", keyArn: "k", requireEncryptionHeader: true }).map((s) => s.Sid));
      const kept = (p.adopt.keepPolicyStatements ?? []).map((s) => s.Sid ?? "");
      const clash = kept.filter((sid, i) => sid === "" || reserved.has(sid) || kept.indexOf(sid) !== i);
      requireProp(clash.length === 0, {
        constructPath: path,
        prop: "adopt.keepPolicyStatements",
        rule: `every kept statement needs a Sid, unique and different from the enforcement statements' (${[...reserved].join(", ")})`,
        received: clash,
        fix: "rename the kept statement's Sid (a Sid is only a label)",
      });
    }
    requireValid(BucketName, p.bucketName, {
      constructPath: path,
      prop: "bucketName",
      fix: "follow the S3 bucket naming rules (3-63 lowercase letters, digits, '.', '-')",
    });
    requireKnownRegion(path, "region", p.region);
    const mode = p.encryption ?? "kms";
    requireProp(mode === "kms" || mode === "aws-managed", {
      constructPath: path,
      prop: "encryption",
      rule: "must be kms or aws-managed",
      received: mode,
      fix: "use kms (customer-managed key) or aws-managed (aws/s3)",
    });
    if (mode === "kms") {
      requireProp(p.encryptionKey !== undefined, {
        constructPath: path,
        prop: "encryptionKey",
        rule: "is required with encryption kms",
        received: undefined,
        fix: "pass the EncryptionKey, or choose encryption aws-managed explicitly",
      });
      requireProp(p.encryptionKey === undefined || p.encryptionKey.region === p.region, {
        constructPath: path,
        prop: "encryptionKey",
        rule: `must be in the bucket's region ${p.region}: S3 SSE-KMS needs key and bucket in one region`,
        received: p.encryptionKey?.region,
        fix: "create the key in the bucket's region (or a multi-Region replica there)",
      });
    } else {
      requireProp(p.encryptionKey === undefined, {
        constructPath: path,
        prop: "encryptionKey",
        rule: "must not be set with encryption aws-managed",
        received: "(key)",
        fix: "remove encryptionKey or use encryption kms",
      });
    }
  }
}
