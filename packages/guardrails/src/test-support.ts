/**
 * Test support (not exported from the package index): tiny stacks built from raw provider resources,
 * so each rule's non-compliant side can be written exactly as a careless author would.
 */
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { KEY_ADMIN_ACTIONS, bucketEnforcementStatements, policyDocument, renderPolicy, rootManagementStatement, type PolicyStatement } from "@sse-kms/policy";
import { LocalBackend, TerraformStack, Testing } from "cdktf";
import { evaluateStack } from "./pack";
import { ALL_RULES } from "./all-rules";
import type { Finding, GuardrailRule } from "./types";

export const ACCOUNT = "111111111111";
export const REGION = "eu-west-1";
export const ADMIN = `arn:aws:iam::${ACCOUNT}:role/key-admin`;
export const USER = `arn:aws:iam::${ACCOUNT}:role/app`;
export const SCOPE = { partition: "aws", account: ACCOUNT, region: REGION };

/** A stack with a local backend and a pinned default provider. */
export function newStack(name = "test-stack", options: { pinned?: boolean } = {}): { stack: TerraformStack; provider: AwsProvider } {
  const stack = new TerraformStack(Testing.app({ stackTraces: false }), name);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  const provider = new AwsProvider(stack, "aws", { region: REGION, allowedAccountIds: options.pinned === false ? undefined : [ACCOUNT] });
  return { stack, provider };
}

/** The compliant key policy statements: root management, administrators, users via S3. */
export function goodKeyStatements(): PolicyStatement[] {
  return [
    rootManagementStatement(SCOPE, "AWS_KMS"),
    { Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: ADMIN }, Action: [...KEY_ADMIN_ACTIONS], Resource: "*" },
    {
      Sid: "KeyUseViaS3",
      Effect: "Allow",
      Principal: { AWS: USER },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": `s3.${REGION}.amazonaws.com` } },
    },
  ];
}

export const keyPolicy = (statements: readonly PolicyStatement[]): string => renderPolicy(policyDocument(statements));

/** A compliant raw aws_kms_key (`aws_kms_key.data`). */
export function rawKey(stack: TerraformStack, overrides: Partial<ConstructorParameters<typeof KmsKey>[2]> = {}, name = "data"): KmsKey {
  const key = new KmsKey(stack, `key-${name}`, {
    description: "test key",
    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
    keyUsage: "ENCRYPT_DECRYPT",
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: keyPolicy(goodKeyStatements()),
    ...overrides,
  });
  key.overrideLogicalId(name);
  return key;
}

export interface RawBucketOptions {
  readonly name?: string;
  readonly key?: KmsKey;
  /** Leave out one of the companion resources. */
  readonly without?: readonly ("encryption" | "publicAccessBlock" | "ownership" | "versioning" | "policy")[];
  readonly versioningStatus?: string;
  readonly policyStatements?: readonly PolicyStatement[];
}

/** A compliant raw bucket with its companion resources, all at `<type>.<name>`. */
export function rawBucket(stack: TerraformStack, options: RawBucketOptions = {}) {
  const bucketName = options.name ?? "acme-test-data";
  const id = bucketName.replace(/[^a-z0-9]/g, "_");
  const without = new Set(options.without ?? []);
  const bucket = new S3Bucket(stack, `bucket-${id}`, { bucket: bucketName });
  bucket.overrideLogicalId(id);
  const arn = `arn:aws:s3:::${bucketName}`;
  const out = { bucket, arn } as {
    bucket: S3Bucket;
    arn: string;
    encryption?: S3BucketServerSideEncryptionConfigurationA;
    versioning?: S3BucketVersioningA;
    policy?: S3BucketPolicy;
  };
  if (!without.has("encryption")) {
    out.encryption = new S3BucketServerSideEncryptionConfigurationA(stack, `sse-${id}`, {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: (options.key ?? rawKey(stack)).arn }, bucketKeyEnabled: true }],
    });
  }
  if (!without.has("publicAccessBlock")) {
    new S3BucketPublicAccessBlock(stack, `pab-${id}`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  }
  if (!without.has("ownership")) {
    new S3BucketOwnershipControls(stack, `own-${id}`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
  }
  if (!without.has("versioning")) {
    out.versioning = new S3BucketVersioningA(stack, `ver-${id}`, {
      bucket: bucket.id,
      versioningConfiguration: { status: options.versioningStatus ?? "Enabled" },
    });
  }
  if (!without.has("policy")) {
    out.policy = new S3BucketPolicy(stack, `pol-${id}`, {
      bucket: bucket.id,
      policy: renderPolicy(policyDocument([...(options.policyStatements ?? bucketEnforcementStatements({ bucketArn: arn }))])),
    });
  }
  return out;
}

/** The findings of one rule on a stack (not-applicable outcomes are left out). */
export function findings(stack: TerraformStack, rule: GuardrailRule, production = false): Finding[] {
  return [...evaluateStack(stack, { production, rules: [rule] }).findings];
}

/** The status of one rule for one address. */
export function statusOf(stack: TerraformStack, rule: GuardrailRule, address: string, production = false): string {
  const f = findings(stack, rule, production).filter((x) => x.address === address);
  if (f.length === 0) return "not-applicable";
  return f.some((x) => x.status === "non-compliant") ? "non-compliant" : "compliant";
}

/** Violations of the whole pack (no throw). */
export function violations(stack: TerraformStack, production = false): Finding[] {
  return [...evaluateStack(stack, { production, rules: ALL_RULES }).violations];
}
