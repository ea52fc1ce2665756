import { z } from "zod";
import type { IConstruct } from "constructs";

/**
 * The `hashicorp/aws` provider version an environment pins, and what each supported version knows.
 * The TypeScript bindings (@cdktf/provider-aws 21.22.1) were generated for 6.25.0: they can write
 * attributes an older provider rejects, so constructs ask {@link providerKnows} before writing one.
 */

/** The version the bindings were generated for: the default of `awsProviderVersion`. */
export const DEFAULT_AWS_PROVIDER_VERSION = "6.25.0";

/** The oldest supported version: 5.100.0 (the last 5.x line the blueprints are tested against). */
export const MIN_AWS_PROVIDER_VERSION = "5.100.0";

/** The Terraform CLI versions every stack requires (S3 native locking, `use_lockfile`, needs 1.10). */
export const TERRAFORM_REQUIRED_VERSION = ">= 1.10";

/** A parsed `major.minor.patch`. */
export interface ProviderVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** Parses an exact `major.minor.patch` version; undefined for anything else (ranges, prereleases). */
export function parseProviderVersion(version: string): ProviderVersion | undefined {
  const m = VERSION.exec(version);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compareProviderVersions(a: ProviderVersion, b: ProviderVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Whether `version` is supported: an exact 5.x version from 5.100.0 on, or any exact 6.x version. */
export function isSupportedProviderVersion(version: string): boolean {
  const v = parseProviderVersion(version);
  if (v === undefined) return false;
  if (v.major === 6) return true;
  return v.major === 5 && v.minor >= 100;
}

/**
 * Attributes that not every supported version knows, with the first version that knows them.
 * Keys are `<resource type>.<attribute path>`. Only attributes the constructs write with a value
 * other than the provider's default are listed (a default-valued attribute is left out on every
 * version): the key specs and usages of `aws_kms_external_key` (6.x) are never written, because
 * S3 SSE-KMS needs `SYMMETRIC_DEFAULT`/`ENCRYPT_DECRYPT`, which are the defaults.
 */
export const VERSIONED_ATTRIBUTES = {
  /**
   * SSE-C block in the bucket's encryption configuration; first in hashicorp/aws 6.22.0 (released
   * 2025-11-20 with the S3 SSE-C note; provider issue hashicorp/terraform-provider-aws#45157). The
   * 6.25.0 bindings have it; the 5.100.0 schema does not (its `terraform validate` refuses it).
   */
  "aws_s3_bucket_server_side_encryption_configuration.rule.blocked_encryption_types": "6.22.0",
} as const;

/** An attribute of {@link VERSIONED_ATTRIBUTES}. */
export type VersionedAttribute = keyof typeof VERSIONED_ATTRIBUTES;

/** Whether hashicorp/aws `version` knows `attribute` (throws for an unsupported version). */
export function providerKnows(version: string, attribute: VersionedAttribute): boolean {
  const v = parseProviderVersion(version);
  if (v === undefined || !isSupportedProviderVersion(version)) {
    throw new Error(
      `awsProviderVersion must be an exact version, 5.100.0 or later 5.x, or 6.x (got ${JSON.stringify(version)}). Fix: set "awsProviderVersion" in environment.json to e.g. "${MIN_AWS_PROVIDER_VERSION}" or "${DEFAULT_AWS_PROVIDER_VERSION}"`,
    );
  }
  return compareProviderVersions(v, parseProviderVersion(VERSIONED_ATTRIBUTES[attribute])!) >= 0;
}

/** `awsProviderVersion` in environment.json. */
export const AwsProviderVersion = z
  .string({ error: 'must be a version string such as "5.100.0" or "6.25.0"' })
  .refine(isSupportedProviderVersion, {
    error: `must be an exact hashicorp/aws version: 5.100.0 or a later 5.x, or a 6.x (e.g. "${MIN_AWS_PROVIDER_VERSION}", "${DEFAULT_AWS_PROVIDER_VERSION}"); ranges such as "~> 6.0" are not accepted`,
  })
  .default(DEFAULT_AWS_PROVIDER_VERSION)
  .describe(
    `The hashicorp/aws provider version every stack of the environment pins in required_providers; stacks write only attributes that version knows. Default: ${DEFAULT_AWS_PROVIDER_VERSION} (the version the bindings were generated for).`,
  );

/** Construct-tree context key under which a stack records its provider version. */
export const AWS_PROVIDER_VERSION_CONTEXT = "sse-kms:awsProviderVersion";

/** The provider version in effect at `scope` (set by the stack), or {@link DEFAULT_AWS_PROVIDER_VERSION}. */
export function awsProviderVersionAt(scope: IConstruct): string {
  const v: unknown = scope.node.tryGetContext(AWS_PROVIDER_VERSION_CONTEXT);
  return typeof v === "string" ? v : DEFAULT_AWS_PROVIDER_VERSION;
}
