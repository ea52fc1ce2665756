import { templateParts } from "@sse-kms/policy";
import { type ProviderScope, placeholderId, providerScope } from "./scope";
import { type SynthesizedStack, isRecord, pick } from "./stacks";

/** KMS key resource types (their `arn`, `id` and `key_id` resolve to a placeholder key). */
export const KMS_KEY_TYPES = ["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key"] as const;

const MAX_DEPTH = 8;

/** Thrown when a Terraform expression cannot be resolved without a provider. */
export class UnresolvableReferenceError extends Error {
  constructor(where: string, expression: string, why: string) {
    super(`${where}: cannot resolve \${${expression}} without Terraform: ${why}`);
    this.name = "UnresolvableReferenceError";
  }
}

/**
 * Resolves Terraform references (`${aws_kms_key.data.arn}`) in synthesized strings to stable
 * placeholder values derived from the stacks:
 * - KMS keys: `arn:<partition>:kms:<region>:<account>:key/<placeholder id>` (`mrk-...` ids for multi-Region keys);
 * - buckets: `arn:<partition>:s3:::<bucket>`; roles, users and policies: their IAM ARN from name and path;
 * - `data.aws_caller_identity` / `aws_partition` / `aws_region`: the provider's account, partition, region;
 * - `data.terraform_remote_state.<n>.outputs.<o>`: the output `<o>` of whichever given stack declares it;
 * - any other attribute that is set literally in the block: that value.
 * Region and account come from the AWS provider the block names (`provider = aws.<alias>`).
 * `$${` is Terraform's escape for a literal `${` (IAM policy variables) and is unescaped.
 */
export class ReferenceResolver {
  private readonly cache = new Map<string, string>();

  constructor(readonly stacks: readonly SynthesizedStack[]) {}

  /** The text with every reference replaced. */
  resolve(stack: SynthesizedStack, text: string, where: string, depth = 0): string {
    if (!text.includes("${") && !text.includes("%{")) return text;
    if (depth > MAX_DEPTH) throw new Error(`${where}: references nest deeper than ${MAX_DEPTH} levels (a cycle?)`);
    return templateParts(text)
      .map((part) => {
        if ("literal" in part) return part.literal;
        if (part.directive) throw new UnresolvableReferenceError(where, part.expression, "template directives (%{...}) are only evaluated by Terraform");
        return this.expression(stack, part.expression, where, depth);
      })
      .join("");
  }

  /** The value of one expression such as `aws_s3_bucket.logs.arn`. */
  expression(stack: SynthesizedStack, expr: string, where: string, depth = 0): string {
    const cacheKey = `${stack.name}\u0000${expr}`;
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const value = this.evaluate(stack, expr, where, depth);
    this.cache.set(cacheKey, value);
    return value;
  }

  /** The provider scope of a resource block. */
  scopeOf(stack: SynthesizedStack, address: string): ProviderScope {
    return providerScope(stack, this.block(stack, address, address), address);
  }

  /** The block at a Terraform address (`aws_kms_key.data`, `data.aws_region.current`). */
  block(stack: SynthesizedStack, address: string, where: string): Record<string, unknown> {
    const parts = address.split(".");
    const [kind, type, name] = parts[0] === "data" ? ["data", parts[1], parts[2]] : ["resource", parts[0], parts[1]];
    const block = type === undefined || name === undefined ? undefined : pick(stack.json, kind, type, name);
    if (!isRecord(block)) throw new UnresolvableReferenceError(where, address, `stack ${stack.name} has no ${address}`);
    return block;
  }

  /** The name of a bucket (its `bucket` attribute, or a placeholder derived from `bucket_prefix`). */
  bucketName(stack: SynthesizedStack, name: string, where: string): string {
    const address = `aws_s3_bucket.${name}`;
    const block = this.block(stack, address, where);
    return this.nameOf(stack, address, block, "bucket", "bucket_prefix", where);
  }

  private evaluate(stack: SynthesizedStack, expr: string, where: string, depth: number): string {
    if (!/^[A-Za-z_][\w-]*(\.[\w-]+)+$/.test(expr)) {
      throw new UnresolvableReferenceError(where, expr, "only plain references (type.name.attribute) are supported, not expressions, functions or indexes");
    }
    const parts = expr.split(".");
    if (parts[0] === "var" || parts[0] === "local" || parts[0] === "module" || parts[0] === "each" || parts[0] === "count") {
      throw new UnresolvableReferenceError(where, expr, `${parts[0]}.* values are only known to Terraform; use literal values in policies`);
    }
    if (parts[0] === "data") return this.dataAttribute(stack, parts.slice(1), expr, where, depth);
    const [type, name, attr, ...rest] = parts;
    if (type === undefined || name === undefined || attr === undefined || rest.length > 0) {
      throw new UnresolvableReferenceError(where, expr, "expected <type>.<name>.<attribute>");
    }
    return this.resourceAttribute(stack, type, name, attr, expr, where, depth);
  }

  private resourceAttribute(stack: SynthesizedStack, type: string, name: string, attr: string, expr: string, where: string, depth: number): string {
    const address = `${type}.${name}`;
    const block = this.block(stack, address, where);
    const scope = () => providerScope(stack, block, address);
    if ((KMS_KEY_TYPES as readonly string[]).includes(type)) {
      const keyId = this.keyId(stack, address, block, type);
      if (attr === "id" || attr === "key_id") return keyId;
      if (attr === "arn") {
        const s = scope();
        return `arn:${s.partition}:kms:${s.region}:${s.account}:key/${keyId}`;
      }
    }
    if (type === "aws_kms_alias" && (attr === "arn" || attr === "name" || attr === "id")) {
      const aliasName = this.nameOf(stack, address, block, "name", "name_prefix", where, depth);
      if (attr !== "arn") return aliasName;
      const s = scope();
      return `arn:${s.partition}:kms:${s.region}:${s.account}:${aliasName}`;
    }
    if (type === "aws_s3_bucket" && (attr === "arn" || attr === "id" || attr === "bucket")) {
      const bucket = this.nameOf(stack, address, block, "bucket", "bucket_prefix", where, depth);
      return attr === "arn" ? `arn:${scope().partition}:s3:::${bucket}` : bucket;
    }
    if (type === "aws_sns_topic" && (attr === "arn" || attr === "id" || attr === "name")) {
      // A topic's id is its ARN.
      const topic = this.nameOf(stack, address, block, "name", "name_prefix", where, depth);
      if (attr === "name") return topic;
      const s = scope();
      return `arn:${s.partition}:sns:${s.region}:${s.account}:${topic}`;
    }
    if ((type === "aws_iam_role" || type === "aws_iam_user" || type === "aws_iam_policy") && ["arn", "name", "id", "unique_id"].includes(attr)) {
      const iamName = this.nameOf(stack, address, block, "name", "name_prefix", where, depth);
      const kind = type === "aws_iam_role" ? "role" : type === "aws_iam_user" ? "user" : "policy";
      const path = typeof block.path === "string" ? this.resolve(stack, block.path, where, depth + 1) : "/";
      const s = scope();
      const arn = `arn:${s.partition}:iam::${s.account}:${kind}${path}${iamName}`;
      if (attr === "arn" || (attr === "id" && kind === "policy")) return arn;
      if (attr === "unique_id")
        return `${kind === "role" ? "AROA" : kind === "user" ? "AIDA" : "ANPA"}${placeholderId(stack.name, address).replace(/-/g, "").slice(0, 17).toUpperCase()}`;
      return iamName;
    }
    const literal = block[attr];
    if (typeof literal === "string") return this.resolve(stack, literal, where, depth + 1);
    if (typeof literal === "number" || typeof literal === "boolean") return String(literal);
    throw new UnresolvableReferenceError(where, expr, `${attr} of ${type} is computed by the provider and has no placeholder here`);
  }

  private dataAttribute(stack: SynthesizedStack, parts: string[], expr: string, where: string, depth: number): string {
    const [type, name, attr, ...rest] = parts;
    if (type === undefined || name === undefined || attr === undefined)
      throw new UnresolvableReferenceError(where, expr, "expected data.<type>.<name>.<attribute>");
    if (type === "terraform_remote_state" && attr === "outputs" && rest.length === 1) {
      return this.remoteOutput(rest[0] as string, expr, where, depth);
    }
    if (rest.length > 0) throw new UnresolvableReferenceError(where, expr, "nested attributes are not supported");
    const address = `data.${type}.${name}`;
    const block = this.block(stack, address, where);
    const s = providerScope(stack, block, address);
    if (type === "aws_caller_identity" && (attr === "account_id" || attr === "id")) return s.account;
    if (type === "aws_partition" && (attr === "partition" || attr === "id")) return s.partition;
    if (type === "aws_partition" && attr === "dns_suffix") return s.dnsSuffix;
    if (type === "aws_region" && (attr === "name" || attr === "region" || attr === "id")) {
      return typeof block.region === "string" ? this.resolve(stack, block.region, where, depth + 1) : s.region;
    }
    throw new UnresolvableReferenceError(where, expr, `data source attribute ${type}.${attr} has no placeholder here`);
  }

  private remoteOutput(output: string, expr: string, where: string, depth: number): string {
    const owners = this.stacks.filter((s) => isRecord(pick(s.json, "output", output)));
    if (owners.length !== 1) {
      throw new UnresolvableReferenceError(
        where,
        expr,
        owners.length === 0 ? `no given stack declares output ${output}: pass the producing stack too` : `several given stacks declare output ${output}`,
      );
    }
    const owner = owners[0] as SynthesizedStack;
    const value = pick(owner.json, "output", output, "value");
    if (typeof value !== "string") throw new UnresolvableReferenceError(where, expr, `output ${output} of ${owner.name} is not a string`);
    return this.resolve(owner, value, where, depth + 1);
  }

  private keyId(stack: SynthesizedStack, address: string, block: Record<string, unknown>, type: string): string {
    const id = placeholderId(stack.name, address);
    // Replicas share the primary's multi-Region id; here each replica gets its own, still mrk-shaped.
    const multiRegion = block.multi_region === true || type === "aws_kms_replica_key" || type === "aws_kms_replica_external_key";
    return multiRegion ? `mrk-${id.replace(/-/g, "")}` : id;
  }

  private nameOf(stack: SynthesizedStack, address: string, block: Record<string, unknown>, attr: string, prefixAttr: string, where: string, depth = 0): string {
    const value = block[attr];
    if (typeof value === "string") return this.resolve(stack, value, where, depth + 1);
    const prefix = typeof block[prefixAttr] === "string" ? this.resolve(stack, block[prefixAttr] as string, where, depth + 1) : "terraform-";
    return `${prefix}${placeholderId(stack.name, address).replace(/-/g, "").slice(0, 26)}`;
  }
}
