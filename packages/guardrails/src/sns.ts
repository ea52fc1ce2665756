/**
 * What the SNS rules share: which SNS topics of a stack a KMS key encrypts, and whether the key
 * encrypts any bucket (a key that encrypts only topics is a topic key, not an S3 key).
 */
import { wholeReference } from "@sse-kms/policy";
import { blocks, isObject } from "./json";
import type { RuleContext, SynthesizedResource } from "./types";

/** The Terraform address of the key a key-policy block belongs to (itself, or `key_id` of an aws_kms_key_policy). */
export function keyAddressOf(resource: SynthesizedResource): string | undefined {
  if (resource.type !== "aws_kms_key_policy") return resource.address;
  const keyId = resource.config.key_id;
  return typeof keyId === "string" ? wholeReference(keyId)?.address : undefined;
}

const refersTo = (value: unknown, address: string): boolean => typeof value === "string" && wholeReference(value)?.address === address;

/** The aws_sns_topic blocks of the stack whose kms_master_key_id references this key. */
export function topicsEncryptedBy(keyAddress: string, ctx: RuleContext): SynthesizedResource[] {
  return ctx.byType("aws_sns_topic").filter((t) => refersTo(t.config.kms_master_key_id, keyAddress));
}

/** Whether any bucket encryption configuration of the stack references this key. */
export function encryptsABucket(keyAddress: string, ctx: RuleContext): boolean {
  const inConfigs = ctx
    .byType("aws_s3_bucket_server_side_encryption_configuration")
    .flatMap((c) => blocks(c.config.rule))
    .flatMap((r) => blocks(r.apply_server_side_encryption_by_default));
  const inline = ctx
    .byType("aws_s3_bucket")
    .flatMap((b) => blocks(b.config.server_side_encryption_configuration))
    .flatMap((c) => blocks(c.rule))
    .flatMap((r) => blocks(r.apply_server_side_encryption_by_default));
  return [...inConfigs, ...inline].some((d) => isObject(d) && refersTo(d.kms_master_key_id, keyAddress));
}

/** A key that encrypts SNS topics of its stack and no bucket: its use is governed by the SNS rules. */
export function isTopicOnlyKey(resource: SynthesizedResource, ctx: RuleContext): boolean {
  const address = keyAddressOf(resource);
  return address !== undefined && topicsEncryptedBy(address, ctx).length > 0 && !encryptsABucket(address, ctx);
}
