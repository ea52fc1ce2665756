import { type IamPolicyDocument, wholeExpression } from "@sse-kms/policy";
import { parsePolicyAt } from "./policy";
import { KMS_KEY_TYPES, ReferenceResolver } from "./resolver";
import { type ProviderScope, providerScope } from "./scope";
import { type SynthesizedStack, blocksOf, isRecord } from "./stacks";

/** A policy found in the stacks, with the Terraform address that owns it. */
export interface FoundPolicy {
  /** e.g. `aws_kms_key.data` or `aws_iam_role_policy.replication`. */
  readonly source: string;
  readonly document: IamPolicyDocument;
}

/** A KMS key of the stacks. */
export interface KeyInfo {
  readonly stack: SynthesizedStack;
  readonly address: string;
  readonly arn: string;
  readonly keyId: string;
  readonly scope: ProviderScope;
  /** The key policy: inline `policy`, an `aws_kms_key_policy`, or KMS's default when neither is set. */
  policy(): FoundPolicy;
}

/** An S3 bucket of the stacks. */
export interface BucketInfo {
  readonly stack: SynthesizedStack;
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly scope: ProviderScope;
  /** The `aws_s3_bucket_policy` of the bucket, if any. */
  policy(): FoundPolicy | undefined;
  /** Default encryption (`aws_s3_bucket_server_side_encryption_configuration`), if any. */
  encryption(): BucketEncryption | undefined;
}

/** A bucket's default encryption. */
export interface BucketEncryption {
  readonly sseAlgorithm: string;
  /** The resolved `kms_master_key_id` (a placeholder key ARN for keys of the stacks). */
  readonly kmsKeyArn?: string;
  readonly bucketKeyEnabled: boolean;
}

/** An IAM role of the stacks. */
export interface RoleInfo {
  readonly stack: SynthesizedStack;
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly scope: ProviderScope;
  /** The trust policy (`assume_role_policy`): the resource policy of `sts:AssumeRole`. */
  trustPolicy(): FoundPolicy | undefined;
  /** Inline policies, `aws_iam_role_policy` and attached `aws_iam_policy` documents. */
  identityPolicies(): FoundPolicy[];
  /** Attached policy ARNs that no given stack defines (AWS managed policies): not evaluated. */
  unmodelledPolicies(): string[];
}

const policyString = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Every key, bucket and role of the given stacks, with their policies (resolved lazily). */
export class StackInventory {
  readonly resolver: ReferenceResolver;
  readonly keys: readonly KeyInfo[];
  readonly buckets: readonly BucketInfo[];
  readonly roles: readonly RoleInfo[];

  constructor(readonly stacks: readonly SynthesizedStack[]) {
    this.resolver = new ReferenceResolver(stacks);
    this.keys = stacks.flatMap((s) => this.collectKeys(s));
    this.buckets = stacks.flatMap((s) => this.collectBuckets(s));
    this.roles = stacks.flatMap((s) => this.collectRoles(s));
  }

  /** A policy attribute of a block, references resolved, parsed. */
  policyAt(stack: SynthesizedStack, source: string, raw: string): FoundPolicy {
    const where = `${stack.name}: ${source}`;
    if (wholeExpression(raw) !== undefined) {
      throw new Error(
        `${where}: the policy is a Terraform expression (${raw.trim()}), not literal JSON; render policies with JSON.stringify so they can be evaluated without a provider`,
      );
    }
    return { source, document: parsePolicyAt(this.resolver.resolve(stack, raw, where), where) };
  }

  /** The key with this ARN or key id. */
  keyByArnOrId(value: string): KeyInfo | undefined {
    return this.keys.find((k) => k.arn === value || k.keyId === value);
  }

  private collectKeys(stack: SynthesizedStack): KeyInfo[] {
    return KMS_KEY_TYPES.flatMap((type) =>
      blocksOf(stack, "resource", type).map(([name, block]): KeyInfo => {
        const address = `${type}.${name}`;
        const keyId = this.resolver.expression(stack, `${address}.id`, address);
        const arn = this.resolver.expression(stack, `${address}.arn`, address);
        const scope = providerScope(stack, block, address);
        return { stack, address, arn, keyId, scope, policy: () => this.keyPolicy(stack, address, block, arn, keyId, scope) };
      }),
    );
  }

  private keyPolicy(stack: SynthesizedStack, address: string, block: Record<string, unknown>, arn: string, keyId: string, scope: ProviderScope): FoundPolicy {
    const separate = blocksOf(stack, "resource", "aws_kms_key_policy").filter(([n, b]) => {
      const ref = typeof b.key_id === "string" ? this.resolver.resolve(stack, b.key_id, `aws_kms_key_policy.${n}`) : "";
      return ref === keyId || ref === arn;
    });
    const inline = policyString(block.policy);
    if (separate.length > 1 || (separate.length === 1 && inline !== undefined)) {
      throw new Error(
        `${stack.name}: ${address} has more than one key policy owner (inline policy and/or aws_kms_key_policy): the last apply wins, so no proof can hold`,
      );
    }
    const [only] = separate;
    if (only) {
      const raw = policyString(only[1].policy);
      if (raw === undefined) throw new Error(`${stack.name}: aws_kms_key_policy.${only[0]} has no policy`);
      return this.policyAt(stack, `aws_kms_key_policy.${only[0]}`, raw);
    }
    if (inline !== undefined) return this.policyAt(stack, address, inline);
    // KMS's default key policy when none is given: the account (and so IAM) gets kms:*.
    return {
      source: `${address} (KMS default key policy)`,
      document: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "Enable IAM User Permissions",
            Effect: "Allow",
            Principal: { AWS: `arn:${scope.partition}:iam::${scope.account}:root` },
            Action: "kms:*",
            Resource: "*",
          },
        ],
      },
    };
  }

  private collectBuckets(stack: SynthesizedStack): BucketInfo[] {
    return blocksOf(stack, "resource", "aws_s3_bucket").map(([name, block]): BucketInfo => {
      const address = `aws_s3_bucket.${name}`;
      const bucketName = this.resolver.bucketName(stack, name, address);
      const scope = providerScope(stack, block, address);
      return {
        stack,
        address,
        name: bucketName,
        arn: `arn:${scope.partition}:s3:::${bucketName}`,
        scope,
        policy: () => this.bucketPolicy(stack, bucketName),
        encryption: () => this.bucketEncryption(stack, bucketName),
      };
    });
  }

  private blocksForBucket(stack: SynthesizedStack, type: string, bucketName: string): [string, Record<string, unknown>][] {
    return blocksOf(stack, "resource", type).filter(
      ([n, b]) => typeof b.bucket === "string" && this.resolver.resolve(stack, b.bucket, `${type}.${n}`) === bucketName,
    );
  }

  private bucketPolicy(stack: SynthesizedStack, bucketName: string): FoundPolicy | undefined {
    const found = this.blocksForBucket(stack, "aws_s3_bucket_policy", bucketName);
    if (found.length > 1) throw new Error(`${stack.name}: bucket ${bucketName} has ${found.length} aws_s3_bucket_policy resources; a bucket has one policy`);
    const [only] = found;
    if (!only) return undefined;
    const raw = policyString(only[1].policy);
    if (raw === undefined) throw new Error(`${stack.name}: aws_s3_bucket_policy.${only[0]} has no policy`);
    return this.policyAt(stack, `aws_s3_bucket_policy.${only[0]}`, raw);
  }

  private bucketEncryption(stack: SynthesizedStack, bucketName: string): BucketEncryption | undefined {
    const [only] = this.blocksForBucket(stack, "aws_s3_bucket_server_side_encryption_configuration", bucketName);
    if (!only) return undefined;
    const rule = list(only[1].rule)[0];
    const byDefault = isRecord(rule) ? list(rule.apply_server_side_encryption_by_default)[0] : undefined;
    if (!isRecord(rule) || !isRecord(byDefault)) return undefined;
    const where = `aws_s3_bucket_server_side_encryption_configuration.${only[0]}`;
    const keyRef = typeof byDefault.kms_master_key_id === "string" ? this.resolver.resolve(stack, byDefault.kms_master_key_id, where) : undefined;
    const kmsKeyArn = keyRef === undefined ? undefined : (this.keyByArnOrId(keyRef)?.arn ?? keyRef);
    return {
      sseAlgorithm: typeof byDefault.sse_algorithm === "string" ? byDefault.sse_algorithm : "AES256",
      ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
      bucketKeyEnabled: rule.bucket_key_enabled === true,
    };
  }

  private collectRoles(stack: SynthesizedStack): RoleInfo[] {
    return blocksOf(stack, "resource", "aws_iam_role").map(([name, block]): RoleInfo => {
      const address = `aws_iam_role.${name}`;
      const roleName = this.resolver.expression(stack, `${address}.name`, address);
      const arn = this.resolver.expression(stack, `${address}.arn`, address);
      return {
        stack,
        address,
        name: roleName,
        arn,
        scope: providerScope(stack, block, address),
        trustPolicy: () => {
          const raw = policyString(block.assume_role_policy);
          return raw === undefined ? undefined : this.policyAt(stack, `${address}.assume_role_policy`, raw);
        },
        identityPolicies: () => this.roleIdentityPolicies(stack, address, block, roleName).found,
        unmodelledPolicies: () => this.roleIdentityPolicies(stack, address, block, roleName).unmodelled,
      };
    });
  }

  private roleIdentityPolicies(
    stack: SynthesizedStack,
    address: string,
    block: Record<string, unknown>,
    roleName: string,
  ): { found: FoundPolicy[]; unmodelled: string[] } {
    const found: FoundPolicy[] = [];
    list(block.inline_policy).forEach((p, i) => {
      const raw = isRecord(p) ? policyString(p.policy) : undefined;
      if (raw !== undefined) found.push(this.policyAt(stack, `${address}.inline_policy[${i}]`, raw));
    });
    const forRole = (type: string, attr: "role" | "roles") =>
      blocksOf(stack, "resource", type).filter(([n, b]) =>
        list(b[attr]).some((r) => typeof r === "string" && this.resolver.resolve(stack, r, `${type}.${n}`) === roleName),
      );
    for (const [n, b] of forRole("aws_iam_role_policy", "role")) {
      const raw = policyString(b.policy);
      if (raw !== undefined) found.push(this.policyAt(stack, `aws_iam_role_policy.${n}`, raw));
    }
    const attachedArns = [
      ...forRole("aws_iam_role_policy_attachment", "role").map(([n, b]) => ({ where: `aws_iam_role_policy_attachment.${n}`, ref: b.policy_arn })),
      ...forRole("aws_iam_policy_attachment", "roles").map(([n, b]) => ({ where: `aws_iam_policy_attachment.${n}`, ref: b.policy_arn })),
      ...list(block.managed_policy_arns).map((ref) => ({ where: `${address}.managed_policy_arns`, ref })),
    ].flatMap(({ where, ref }) => (typeof ref === "string" ? [this.resolver.resolve(stack, ref, where)] : []));
    const unmodelled: string[] = [];
    for (const policyArn of attachedArns) {
      const owner = this.stacks
        .flatMap((s) => blocksOf(s, "resource", "aws_iam_policy").map(([n]) => ({ s, n })))
        .find(({ s, n }) => this.resolver.expression(s, `aws_iam_policy.${n}.arn`, `aws_iam_policy.${n}`) === policyArn);
      const raw = owner ? policyString(this.resolver.block(owner.s, `aws_iam_policy.${owner.n}`, policyArn).policy) : undefined;
      if (owner && raw !== undefined) found.push(this.policyAt(owner.s, `aws_iam_policy.${owner.n}`, raw));
      else unmodelled.push(policyArn);
    }
    return { found, unmodelled: [...new Set(unmodelled)].sort() };
  }
}
