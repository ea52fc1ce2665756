import type { IamPolicyDocument } from "@sse-kms/policy";

/**
 * What a request acts on:
 * - an ARN (Terraform references such as `${aws_kms_key.data.arn}` are resolved first);
 * - `{ kmsKey }`: a key by Terraform address (`aws_kms_key.data`), ARN or key id; `stack` picks one of several stacks;
 * - `{ bucket, key? }`: a bucket by name or address (`aws_s3_bucket.logs`), or an object in it;
 * - `{ role }`: an IAM role by name, address or ARN (its trust policy governs `sts:AssumeRole`).
 */
export type AccessResource =
  | string
  | { readonly kmsKey: string; readonly stack?: string }
  | { readonly bucket: string; readonly key?: string; readonly stack?: string }
  | { readonly role: string; readonly stack?: string };

/**
 * A KMS request that S3 makes on the principal's behalf for SSE-KMS: S3 calls KMS with the
 * caller's credentials, so KMS sees `kms:ViaService = s3.<region>.<dns suffix>`,
 * `kms:CallerAccount = <principal's account>` and the encryption context
 * `aws:s3:arn = <bucket ARN>` (with an S3 Bucket Key) or `<object ARN>` (without).
 */
export interface ViaS3 {
  /** The bucket by name or `aws_s3_bucket` address. It need not be in the stacks (a foreign bucket's context). */
  readonly bucket: string;
  /** Region of the S3 endpoint. @default the bucket's region if it is in the stacks, else the key's region */
  readonly region?: string;
  /** Which ARN S3 puts in the context. @default "bucket" when the bucket has a Bucket Key (or is not in the stacks), else "object" */
  readonly encryptionContext?: "bucket" | "object";
  /** Object key for the `object` form. @default "example-object" */
  readonly objectKey?: string;
}

/** One request to evaluate. */
export interface AccessRequest {
  /**
   * The caller: an IAM ARN (role, user, assumed-role session, account root), a service principal
   * (`s3.amazonaws.com`), or `"*"` for an anonymous request.
   */
  readonly principal: string;
  /** `service:Action`, e.g. `kms:Decrypt`. */
  readonly action: string;
  readonly resource: AccessResource;
  /**
   * Request context (condition keys, any case). Overrides the defaults: `aws:SecureTransport = "true"`,
   * `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:ResourceAccount`, `aws:RequestedRegion` and, for
   * KMS actions, `kms:CallerAccount`. Terraform references in values are resolved.
   */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * The principal's identity policies, in addition to any the stacks define for it (roles of the
   * stacks). Terraform references are resolved. Not allowed for anonymous requests or the root user
   * (which has every permission in its own account).
   */
  readonly identityPolicies?: readonly IamPolicyDocument[];
  /** The caller's account. @default the account in the principal ARN */
  readonly principalAccount?: string;
  /** Model the request as S3 calling KMS for SSE-KMS (fills kms:ViaService and the encryption context). */
  readonly viaS3?: ViaS3;
}

/** The final decision, as IAM names it. */
export type AccessDecision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** The request as evaluated: resolved ARN, accounts and the full context. */
export interface ResolvedAccessRequest {
  readonly principal: string;
  readonly action: string;
  readonly resourceArn: string;
  readonly resourceAccount: string;
  /** `key policy aws_kms_key.data`, `bucket policy aws_s3_bucket_policy.x`, ... or `none`. */
  readonly resourcePolicy: string;
  readonly identityPolicies: readonly string[];
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

/** The outcome of {@link simulateAccess}. */
export interface AccessResult {
  readonly decision: AccessDecision;
  /** Multi-line: the decisive statements (policy and Sid), failed conditions, encryption-context notes, the context. */
  readonly explanation: string;
  /** The decisive statements as `<policy> <Sid or #n>`: the grants when allowed, the denies when explicitly denied. */
  readonly decisiveStatements: readonly string[];
  readonly request: ResolvedAccessRequest;
}
