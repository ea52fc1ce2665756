import type { BucketInfo, FoundPolicy, KeyInfo, RoleInfo, StackInventory } from "./inventory";
import type { AccessResource } from "./request";
import { accountOfArn } from "./scope";
import { type SynthesizedStack, blocksOf } from "./stacks";
import { wholeReference } from "@sse-kms/policy";

/** The resource a request acts on, with the policy that governs it. */
export interface Target {
  readonly arn: string;
  readonly account: string;
  /** Region for aws:RequestedRegion, when known. */
  readonly region?: string;
  /** The stack that holds the resource: Terraform references in the request resolve against it. */
  readonly stack?: SynthesizedStack;
  readonly key?: KeyInfo;
  readonly bucket?: BucketInfo;
  readonly role?: RoleInfo;
  /** e.g. `key policy aws_kms_key.data`. */
  readonly policyLabel: string;
  readonly policy?: FoundPolicy;
}

const only = <T extends { stack: SynthesizedStack; address: string }>(found: T[], what: string, known: string[]): T => {
  if (found.length === 1) return found[0] as T;
  if (found.length === 0) throw new Error(`${what} is not in the given stacks (known: ${known.length > 0 ? known.join(", ") : "none"})`);
  throw new Error(`${what} is in several stacks (${found.map((f) => f.stack.name).join(", ")}): add stack: "<name>" to the resource`);
};

const inStack = <T extends { stack: SynthesizedStack }>(items: readonly T[], stack: string | undefined) =>
  items.filter((i) => stack === undefined || i.stack.name === stack);

/** Finds the resource and its governing policy. Throws when it is not in the stacks (a typo must not pass as a denial). */
export function resolveTarget(inv: StackInventory, resource: AccessResource): Target {
  if (typeof resource === "string") return fromArn(inv, resolveArnString(inv, resource));
  if ("kmsKey" in resource) {
    const keys = inStack(inv.keys, resource.stack);
    const key = only(
      keys.filter((k) => k.address === resource.kmsKey || k.arn === resource.kmsKey || k.keyId === resource.kmsKey),
      `KMS key ${resource.kmsKey}`,
      keys.map((k) => `${k.stack.name}:${k.address}`),
    );
    return forKey(key);
  }
  if ("bucket" in resource) {
    const buckets = inStack(inv.buckets, resource.stack);
    const bucket = only(
      buckets.filter((b) => b.name === resource.bucket || b.address === resource.bucket),
      `bucket ${resource.bucket}`,
      buckets.map((b) => b.name),
    );
    return forBucket(bucket, resource.key);
  }
  const roles = inStack(inv.roles, resource.stack);
  const role = only(
    roles.filter((r) => r.name === resource.role || r.address === resource.role || r.arn === resource.role),
    `role ${resource.role}`,
    roles.map((r) => r.arn),
  );
  return forRole(role);
}

/** The bucket with this name or address, if the stacks hold it. */
export function findBucket(inv: StackInventory, nameOrAddress: string): BucketInfo | undefined {
  return inv.buckets.find((b) => b.name === nameOrAddress || b.address === nameOrAddress);
}

function resolveArnString(inv: StackInventory, text: string): string {
  if (!text.includes("${")) return text;
  const results = new Set<string>();
  const errors: string[] = [];
  for (const stack of inv.stacks) {
    try {
      results.add(inv.resolver.resolve(stack, text, "resource"));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (results.size === 1) return [...results][0] as string;
  if (results.size === 0) throw new Error(errors[0] ?? `cannot resolve ${text}`);
  throw new Error(`resource ${text} resolves differently in several stacks: name the resource as { kmsKey / bucket / role, stack }`);
}

function fromArn(inv: StackInventory, arn: string): Target {
  const [prefix, , service, , account, resource] = arn.split(":");
  if (prefix !== "arn" || service === undefined || resource === undefined) throw new Error(`resource ${arn} is not an ARN`);
  if (arn.includes("*")) throw new Error(`resource ${arn}: name one resource, not a wildcard pattern`);
  if (service === "kms") {
    const key = inv.keyByArnOrId(arn);
    if (!key) throw new Error(`KMS key ${arn} is not in the given stacks (known: ${inv.keys.map((k) => k.arn).join(", ") || "none"})`);
    return forKey(key);
  }
  if (service === "s3") {
    const rest = arn.split(":").slice(5).join(":");
    const slash = rest.indexOf("/");
    const name = slash < 0 ? rest : rest.slice(0, slash);
    const bucket = inv.buckets.find((b) => b.name === name && b.arn.startsWith(`arn:${arn.split(":")[1]}:`));
    if (!bucket) throw new Error(`bucket ${name} is not in the given stacks (known: ${inv.buckets.map((b) => b.name).join(", ") || "none"})`);
    return forBucket(bucket, slash < 0 ? undefined : rest.slice(slash + 1));
  }
  if (service === "sns") {
    const topic = findTopicPolicy(inv, arn);
    if (topic) return topic;
  }
  if (service === "sqs") {
    const queue = findQueuePolicy(inv, arn);
    if (queue) return queue;
  }
  if (service === "iam") {
    const role = inv.roles.find((r) => r.arn === arn);
    if (role) return forRole(role);
  }
  const owner = account !== undefined && account !== "" ? account : accountOfArn(arn);
  if (owner === undefined) throw new Error(`resource ${arn} names no account; name a resource of the stacks`);
  return { arn, account: owner, policyLabel: "none (no resource policy in the stacks)" };
}

function forKey(key: KeyInfo): Target {
  const policy = key.policy();
  return { arn: key.arn, account: key.scope.account, region: key.scope.region, stack: key.stack, key, policy, policyLabel: `key policy ${policy.source}` };
}

function forBucket(bucket: BucketInfo, objectKey: string | undefined): Target {
  const policy = bucket.policy();
  return {
    arn: objectKey === undefined ? bucket.arn : `${bucket.arn}/${objectKey}`,
    account: bucket.scope.account,
    region: bucket.scope.region,
    stack: bucket.stack,
    bucket,
    ...(policy ? { policy } : {}),
    policyLabel: policy ? `bucket policy ${policy.source}` : `none (${bucket.address} has no bucket policy)`,
  };
}

function forRole(role: RoleInfo): Target {
  const policy = role.trustPolicy();
  return {
    arn: role.arn,
    account: role.scope.account,
    stack: role.stack,
    role,
    ...(policy ? { policy } : {}),
    policyLabel: policy ? `trust policy ${policy.source}` : `none (${role.address} has no trust policy)`,
  };
}

/** An SNS topic of the stacks with its `aws_sns_topic_policy` (matched by the policy's resolved `arn`). */
function findTopicPolicy(inv: StackInventory, arn: string): Target | undefined {
  const found: Target[] = [];
  for (const stack of inv.stacks) {
    for (const [name, block] of blocksOf(stack, "resource", "aws_sns_topic_policy")) {
      if (typeof block.arn !== "string" || typeof block.policy !== "string") continue;
      const address = `aws_sns_topic_policy.${name}`;
      if (inv.resolver.resolve(stack, block.arn, `${address}.arn`) !== arn) continue;
      const policy = inv.policyAt(stack, address, block.policy);
      found.push({
        arn,
        account: accountOfArn(arn) ?? (arn.split(":")[4] as string),
        region: arn.split(":")[3],
        stack,
        policy,
        policyLabel: `topic policy ${address}`,
      });
    }
  }
  if (found.length > 1) throw new Error(`SNS topic ${arn} has ${found.length} aws_sns_topic_policy resources in the stacks; a topic has one policy`);
  return found[0];
}

/**
 * An SQS queue of the stacks (`aws_sqs_queue` whose `name` is the ARN's last part, in the ARN's
 * account) with its `aws_sqs_queue_policy` (the one whose `queue_url` references that queue's `id` or `url`).
 */
function findQueuePolicy(inv: StackInventory, arn: string): Target | undefined {
  const [, , , region, account, name] = arn.split(":");
  const found: Target[] = [];
  for (const stack of inv.stacks) {
    for (const [queueName, queue] of blocksOf(stack, "resource", "aws_sqs_queue")) {
      if (queue.name !== name) continue;
      for (const [policyName, block] of blocksOf(stack, "resource", "aws_sqs_queue_policy")) {
        const ref = wholeReference(block.queue_url);
        if (ref?.address !== `aws_sqs_queue.${queueName}` || typeof block.policy !== "string") continue;
        const address = `aws_sqs_queue_policy.${policyName}`;
        found.push({
          arn,
          account: account as string,
          region,
          stack,
          policy: inv.policyAt(stack, address, block.policy),
          policyLabel: `queue policy ${address}`,
        });
      }
    }
  }
  if (found.length > 1) throw new Error(`SQS queue ${arn} has ${found.length} aws_sqs_queue_policy resources in the stacks; a queue has one policy`);
  return found[0];
}
