import { z } from "zod";

/**
 * Primitive value schemas shared by every configuration file. Each rule mirrors the one AWS
 * (or the AWS provider) applies, so a bad value fails here, at `npm run validate` or synth,
 * instead of half-way through `terraform apply`.
 */

export { KNOWN_REGIONS, PARTITIONS, type Partition, REGIONS_BY_PARTITION, dnsSuffixOf, isKnownRegion, partitionOf } from "@sse-kms/policy";
import { KNOWN_REGIONS } from "@sse-kms/policy";

/**
 * What an AWS account id is: 12 digits (leading zeros count), as a regex source without anchors.
 * The one spelling of the rule: {@link AccountId}, {@link isAccountId} and every ARN pattern
 * ({@link arnRegExp}) use it.
 */
export const ACCOUNT_ID_PATTERN = "\\d{12}";
const ACCOUNT_ID = new RegExp(`^${ACCOUNT_ID_PATTERN}$`);
/** Whether a value is an AWS account id as {@link AccountId} accepts it. */
export const isAccountId = (value: unknown): value is string => typeof value === "string" && ACCOUNT_ID.test(value);

export const AccountId = z
  .string({ error: "must be a string of 12 digits" })
  .regex(ACCOUNT_ID, { error: "must be an AWS account id: exactly 12 digits, as a string (quote it; leading zeros count)" })
  .describe("AWS account id: 12 digits, as a string.");

export const Region = z
  .enum(KNOWN_REGIONS as [string, ...string[]], {
    error: "must be a known AWS region name such as eu-west-1 or us-east-1 (availability zones like eu-west-1a are not regions)",
  })
  .describe("AWS region name, e.g. eu-west-1.");

/** Alias rules from the KMS CreateAlias API. */
export const AliasName = z
  .string({ error: "must be a string starting with alias/" })
  .max(256, { error: "must be at most 256 characters" })
  .regex(/^alias\//, { error: "must start with alias/" })
  .refine((a) => !a.startsWith("alias/aws/"), { error: "must not start with alias/aws/ (reserved for AWS managed keys)" })
  .regex(/^alias\/[a-zA-Z0-9/_-]+$/, {
    error: "may contain only letters, digits, '/', '_' and '-' after alias/, and must not be empty",
  })
  .describe("KMS alias, e.g. alias/prod-data. Not alias/aws/*.");

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const RESERVED_BUCKET_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_BUCKET_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** General purpose bucket naming rules (S3 User Guide, "Bucket naming rules"). */
export const BucketName = z
  .string({ error: "must be a string" })
  .min(3, { error: "must be 3 to 63 characters long" })
  .max(63, { error: "must be 3 to 63 characters long" })
  .regex(/^[a-z0-9.-]+$/, { error: "may contain only lowercase letters, digits, '.' and '-'" })
  .regex(/^[a-z0-9].*[a-z0-9]$/, { error: "must begin and end with a lowercase letter or digit" })
  .refine((n) => !n.includes(".."), { error: "must not contain two adjacent periods" })
  .refine((n) => !IPV4.test(n), { error: "must not be formatted as an IP address" })
  .refine((n) => !RESERVED_BUCKET_PREFIXES.some((p) => n.startsWith(p)), {
    error: `must not start with a reserved prefix (${RESERVED_BUCKET_PREFIXES.join(", ")})`,
  })
  .refine((n) => !RESERVED_BUCKET_SUFFIXES.some((s) => n.endsWith(s)), {
    error: `must not end with a reserved suffix (${RESERVED_BUCKET_SUFFIXES.join(", ")})`,
  })
  .describe("S3 bucket name (globally unique): 3-63 lowercase letters, digits, '.' or '-'.");

const ARN_PARTITION = "(aws|aws-cn|aws-us-gov)";

/**
 * An anchored regex of `arn:<partition>:<service>:<region>:<account>:<resource>`, the partition one
 * of aws, aws-cn, aws-us-gov and the account an {@link ACCOUNT_ID_PATTERN}; `region` and `resource`
 * are regex sources (named groups allowed; `region` is "" for global services such as IAM).
 */
export function arnRegExp(service: string, region: string, resource: string): RegExp {
  return new RegExp(`^arn:${ARN_PARTITION}:${service}:${region}:${ACCOUNT_ID_PATTERN}:${resource}$`);
}

/**
 * An IAM role or user name, as a regex source. IAM API Reference, PolicyRole
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_PolicyRole.html), RoleName: "Length
 * Constraints: Minimum length of 1. Maximum length of 64." and "Pattern: [\w+=,.@-]+".
 */
const IAM_NAME = "[\\w+=,.@-]{1,64}";
/** An IAM path: printable ASCII between slashes, except the wildcards '*' and '?' (a policy principal cannot use them). */
const IAM_PATH = "(/[\\x21-\\x29\\x2b-\\x3e\\x40-\\x7e]*)?/";

/**
 * An IAM principal that may appear in a key policy: the account root, a role or a user.
 * Session ARNs (`sts::...:assumed-role/...`) are rejected: they expire and KMS rewrites them.
 */
export const PrincipalArn = z
  .string({ error: "must be an IAM principal ARN string" })
  .regex(arnRegExp("iam", "", `(root|role${IAM_PATH}${IAM_NAME}|user${IAM_PATH}${IAM_NAME})`), {
    error: "must be an IAM role, user or account-root ARN such as arn:aws:iam::123456789012:role/app (no wildcards, no assumed-role session ARNs)",
  })
  .describe("IAM principal ARN: arn:<partition>:iam::<account>:role/<name>, user/<name> or root.");

/**
 * An IAM role or user that may read or write one bucket (`buckets[].readers` / `writers`). Not the
 * account root: naming the root would let every IAM policy of the account grant use of the key.
 */
export const BucketPrincipalArn = z
  .string({ error: "must be an IAM role or user ARN string" })
  .regex(arnRegExp("iam", "", `(role${IAM_PATH}${IAM_NAME}|user${IAM_PATH}${IAM_NAME})`), {
    error: "must be an IAM role or user ARN such as arn:aws:iam::123456789012:role/app (not the account root, no wildcards, no assumed-role session ARNs)",
  })
  .describe("IAM role or user ARN: arn:<partition>:iam::<account>:role/<name> or user/<name>.");

/** An IAM role ARN (for provider `assume_role`). */
export const RoleArn = z.string({ error: "must be an IAM role ARN string" }).regex(arnRegExp("iam", "", `role${IAM_PATH}${IAM_NAME}`), {
  error: "must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy",
});

/** An IAM role name (without path), e.g. for a role this stack creates. */
export const RoleName = z
  .string({ error: "must be an IAM role name string" })
  .regex(new RegExp(`^${IAM_NAME}$`), { error: "must be an IAM role name: 1-64 of letters, digits and +=,.@_-" });

/** A KMS key ARN (not an alias): `arn:<partition>:kms:<region>:<account>:key/<key-id>`. */
export const KmsKeyArn = z.string({ error: "must be a KMS key ARN string" }).regex(arnRegExp("kms", "[a-z0-9-]+", "key/(mrk-)?[0-9a-f-]{32,36}"), {
  error: "must be a KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
});

/**
 * A key ARN this stack does not create (`key.existingKeyArn`): a full key ARN, never an alias ARN
 * (the bucket policy compares the key ARN S3 receives, and an alias can be re-pointed to another key
 * without this stack knowing) and never a bare key id (it names no account, region or partition).
 * Multi-Region keys (`mrk-`) are accepted: the ARN names the primary or replica in its own region,
 * and each of them has its own key policy.
 */
const EXISTING_KEY_ARN = arnRegExp("kms", "[a-z0-9-]+", "key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
/** Whether a string is a full key ARN as {@link ExistingKeyArn} accepts it. */
export const isFullKeyArn = (arn: unknown): arn is string => typeof arn === "string" && EXISTING_KEY_ARN.test(arn);
export const ExistingKeyArn = z
  .string({ error: "must be a KMS key ARN string" })
  .superRefine((arn, ctx) => {
    if (/^arn:[^:]+:kms:[^:]*:[^:]*:alias\//.test(arn)) {
      ctx.addIssue({
        code: "custom",
        input: arn,
        message:
          "is an alias ARN: give the key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>); an alias can be re-pointed to another key without this stack knowing",
      });
    } else if (!EXISTING_KEY_ARN.test(arn)) {
      ctx.addIssue({
        code: "custom",
        input: arn,
        message: "must be a full KMS key ARN such as arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (not a key id or alias)",
      });
    }
  })
  .describe("ARN of an existing symmetric KMS key in the environment's account and region: arn:<partition>:kms:<region>:<account>:key/<key id>.");

const KEY_ARN_WITH_ID = arnRegExp("kms", "[a-z0-9-]+", "key/(?<keyId>.+)");
/** The key id of a KMS key ARN (`arn:<partition>:kms:<region>:<account>:key/<id>` gives `<id>`); any other string as it is. */
export function keyIdOf(keyArnOrId: string): string {
  return KEY_ARN_WITH_ID.exec(keyArnOrId)?.groups?.keyId ?? keyArnOrId;
}

/** An S3 bucket ARN: `arn:<partition>:s3:::<bucket>`. */
export const BucketArn = z
  .string({ error: "must be an S3 bucket ARN string" })
  .regex(new RegExp(`^arn:${ARN_PARTITION}:s3:::[^/*]+$`), {
    error: "must be an S3 bucket ARN such as arn:aws:s3:::my-bucket (no object path, no wildcard)",
  })
  .refine((arn) => BucketName.safeParse(arn.split(":::")[1]).success, {
    error: "names a bucket that breaks the S3 bucket naming rules",
  });

/** The partition named by an ARN. */
export function arnPartition(arn: string): string {
  return arn.split(":")[1] ?? "";
}

/** The region field of an ARN (empty for global services). */
export function arnRegion(arn: string): string {
  return arn.split(":")[3] ?? "";
}

/** The account field of an ARN. */
export function arnAccount(arn: string): string {
  return arn.split(":")[4] ?? "";
}

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Resource tags, as AWS accepts them on KMS keys and S3 buckets. */
export const Tags = z
  .record(
    z
      .string()
      .min(1, { error: "tag keys must be 1 to 128 characters" })
      .max(128, { error: "tag keys must be 1 to 128 characters" })
      .regex(TAG_CHARS, { error: "tag keys may contain letters, digits, spaces and _ . : / = + - @" })
      .refine((k) => !k.toLowerCase().startsWith("aws:"), { error: "tag keys must not start with aws: (reserved)" }),
    z
      .string({ error: "tag values must be strings" })
      .max(256, { error: "tag values must be at most 256 characters" })
      .regex(TAG_CHARS, { error: "tag values may contain letters, digits, spaces and _ . : / = + - @" }),
  )
  .refine((t) => Object.keys(t).length <= 50, { error: "at most 50 tags per resource" })
  .describe("Tags applied to every resource (through the provider's default_tags).");

/**
 * A short lowercase name that becomes part of Terraform addresses and stack names.
 * Stable by design: changing it changes resource addresses.
 */
export const LogicalName = z.string({ error: "must be a string" }).regex(/^[a-z][a-z0-9-]{0,30}$/, {
  error: "must be 1-31 characters: a lowercase letter, then lowercase letters, digits or '-'",
});
