/**
 * `verify`: after a deploy, reads the live resources with the AWS SDK v3 and compares them with the
 * synthesized stack (compare.ts), then an S3 round trip per encrypted bucket and EventBridge
 * TestEventPattern of each rule against AWS's documented sample events (fixtures/event-samples.json).
 * Read-only apart from its one test object per bucket, whose every version it deletes.
 */
import { KMSClient } from "@aws-sdk/client-kms";
import { DeleteObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { IAMClient } from "@aws-sdk/client-iam";
import { EventBridgeClient, TestEventPatternCommand } from "@aws-sdk/client-eventbridge";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { randomBytes } from "node:crypto";
import { keyIdOf } from "@sse-kms/config";
import { type Clients, type CompareContext, type Finding, compareStack } from "./compare";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "./credentials";
import { motoGap } from "./moto-gaps";
import { type Bindings, type StackModel, readStack, resolveReferences } from "./stack-model";
import samples from "./fixtures/event-samples.json";

/** Options of {@link verifyStack}. */
export interface VerifyOptions {
  /** Credentials of the default provider (the standard chain, or moto's static keys). */
  readonly credentials: AwsCredentialIdentityProvider;
  /** A loopback endpoint (moto); TLS to AWS when undefined. */
  readonly endpoint?: string;
  /** Overrides the default provider's region. @default the stack's */
  readonly region?: string;
  /** Prebuilt clients by provider alias (tests). @default SDK v3 clients */
  readonly clients?: ReadonlyMap<string, Clients>;
}

/** SDK v3 clients of one region, at `endpoint` (path-style S3 there) or AWS's own TLS endpoints. */
export function sdkClients(region: string, credentials: AwsCredentialIdentityProvider, endpoint?: string): Clients {
  const common = { region, credentials, maxAttempts: 3, ...(endpoint ? { endpoint } : {}) };
  return {
    kms: new KMSClient(common),
    s3: new S3Client({ ...common, ...(endpoint ? { forcePathStyle: true } : {}) }),
    iam: new IAMClient(common),
    events: new EventBridgeClient(common),
    sns: new SNSClient(common),
    sqs: new SQSClient(common),
    cloudwatch: new CloudWatchClient(common),
    sts: new STSClient(common),
  };
}

/** Clients for every provider block; a provider with `assume_role` assumes that role with the default credentials. */
export function providerClients(stack: StackModel, options: VerifyOptions): Map<string, Clients> {
  const out = new Map<string, Clients>();
  for (const p of stack.providers) {
    const region = p.alias === undefined && options.region ? options.region : p.region;
    let credentials = options.credentials;
    if (p.roleArn) {
      const roleArn = p.roleArn;
      const sts = new STSClient({ region, credentials: options.credentials, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
      let cached: AwsCredentialIdentity | undefined;
      credentials = async () => {
        if (cached && (!cached.expiration || cached.expiration.getTime() > Date.now() + 60_000)) return cached;
        const c = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "sse-kms-verify" }))).Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`sts:AssumeRole ${roleArn} returned no credentials`);
        cached = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
        return cached;
      };
    }
    out.set(p.alias ?? "", sdkClients(region, credentials, options.endpoint));
  }
  return out;
}

/** Everything `verify` found, and the bindings it used. */
export interface VerifyResult {
  readonly findings: readonly Finding[];
  /** Number of differences (exit 1 when > 0). */
  readonly differences: number;
}

/** Compares, round-trips and tests the event patterns of one stack. */
export async function verifyStack(stackJson: string, options: VerifyOptions): Promise<VerifyResult> {
  const stack = readStack(stackJson);
  const clients = options.clients ?? providerClients(stack, options);
  const ctx: CompareContext = { stack, clients, moto: options.endpoint !== undefined };
  const { findings, bindings } = await compareStack(ctx);
  findings.push(...(await roundTrip(ctx, bindings)));
  findings.push(...(await eventPatterns(ctx, bindings)));
  return { findings, differences: findings.filter((f) => f.kind === "difference").length };
}

/**
 * For each bucket with a default-encryption configuration: PutObject without any encryption header,
 * HeadObject must report `aws:kms`, the configured key and the Bucket Key; then every version of the
 * test object is deleted. S3 User Guide, "Setting default server-side encryption behavior for Amazon
 * S3 buckets": "When you configure default encryption ... new objects are automatically encrypted"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html); HeadObject returns
 * `ServerSideEncryption`, `SSEKMSKeyId` and `BucketKeyEnabled`
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). A replication source is not
 * round-tripped: S3 would replicate the test object into the destination, a write verify does not own.
 */
async function roundTrip(ctx: CompareContext, bindings: Bindings): Promise<Finding[]> {
  const out: Finding[] = [];
  const replicated = new Set(
    ctx.stack.resources.filter((r) => r.type === "aws_s3_bucket_replication_configuration").map((r) => resolveReferences(String(r.config.bucket), bindings)),
  );
  for (const r of ctx.stack.resources.filter((x) => x.type === "aws_s3_bucket_server_side_encryption_configuration")) {
    const cfg = resolveReferences(r.config, bindings);
    const bucket = String(cfg.bucket);
    const address = `s3://${bucket}`;
    if (replicated.has(bucket)) {
      out.push({
        address,
        property: "round trip",
        kind: "note",
        message: "not written: a replication source (S3 would copy the test object into the destination bucket)",
      });
      continue;
    }
    const rule = (Array.isArray(cfg.rule) ? cfg.rule[0] : cfg.rule) as {
      apply_server_side_encryption_by_default?: Array<{ kms_master_key_id?: string }> | { kms_master_key_id?: string };
      bucket_key_enabled?: boolean;
    };
    const byDefault = Array.isArray(rule?.apply_server_side_encryption_by_default)
      ? rule.apply_server_side_encryption_by_default[0]
      : rule?.apply_server_side_encryption_by_default;
    const s3 = ctx.clients.get(r.alias ?? "")?.s3;
    if (!s3) continue;
    const key = `sse-kms-blueprints-verify/${new Date().toISOString().replace(/[:.]/g, "")}-${randomBytes(4).toString("hex")}`;
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "sse-kms-blueprints verify round trip\n" }));
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const gap = ctx.moto ? motoGap(r.type, "round trip", "aws:kms", status) : undefined;
      out.push({
        address,
        property: "round trip",
        kind: gap ? "tolerated" : "difference",
        message: `PutObject without encryption headers failed: HTTP ${status ?? "?"} ${(e as Error).name}: ${(e as Error).message}${gap ? ` (moto gap ${gap.id}: not run against moto)` : ""}`,
      });
      continue;
    }
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      const add = (property: string, expected: unknown, live: unknown, equal = expected === live) => {
        if (!equal) out.push({ address, property, kind: "difference", message: `expected ${JSON.stringify(expected)}, live ${JSON.stringify(live)}` });
      };
      add("round trip: HeadObject ServerSideEncryption", "aws:kms", head.ServerSideEncryption);
      const expectedKey = byDefault?.kms_master_key_id;
      const keyId = (v: unknown) => (typeof v === "string" ? keyIdOf(v) : v);
      if (expectedKey !== undefined) add("round trip: HeadObject SSEKMSKeyId", expectedKey, head.SSEKMSKeyId, keyId(expectedKey) === keyId(head.SSEKMSKeyId));
      add("round trip: HeadObject BucketKeyEnabled", rule?.bucket_key_enabled ?? false, head.BucketKeyEnabled ?? false);
    } finally {
      const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
      for (const v of [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])].filter((x: { Key?: string }) => x.Key === key))
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: v.VersionId }));
      const left = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
      const remaining = [...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])].filter((x: { Key?: string }) => x.Key === key).length;
      if (remaining > 0)
        out.push({ address, property: "round trip: cleanup", kind: "difference", message: `${remaining} versions of ${key} remain after deleting them` });
    }
  }
  return out;
}

interface Sample {
  readonly name: string;
  readonly source: string;
  readonly event: Record<string, unknown> & { detail: Record<string, unknown> };
}

/** The documented sample events (fixtures/event-samples.json). */
export const EVENT_SAMPLES: readonly Sample[] = (samples as { samples: Sample[] }).samples;

const sampleUrl = (s: Sample) => /https:\/\/\S+/.exec(s.source)?.[0] ?? s.source;

const SAMPLE_KEY_ARN = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/**
 * EventBridge pattern matching for the subset the stacks use: every field of the pattern must be in
 * the event; a pattern array matches when the event value (or any element of an event array) is one
 * of its plain values; a nested object recurses. Any other operator (prefix, anything-but, ...) is
 * refused, so nothing is silently matched. EventBridge User Guide, "Event patterns": "For a pattern
 * to match an event, the event must contain all the field names listed in the pattern" and "the
 * value in the event ... must match one of the values in the array"
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html).
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    if (pattern.some((p) => p !== null && typeof p === "object"))
      throw new Error(`event pattern operator ${JSON.stringify(pattern)} is not supported by the local matcher`);
    const values = Array.isArray(event) ? event : [event];
    return values.some((v) => pattern.includes(v as never));
  }
  if (pattern && typeof pattern === "object") {
    if (Array.isArray(event)) return event.some((e) => matchesPattern(pattern, e));
    if (!event || typeof event !== "object") return false;
    return Object.entries(pattern).every(([k, p]) => k in (event as object) && matchesPattern(p, (event as Record<string, unknown>)[k]));
  }
  throw new Error(`event pattern value ${JSON.stringify(pattern)} is not an array or object`);
}

/**
 * For each rule: each documented sample whose detail-type the rule lists, with a key ARN the rule
 * watches swapped in (and, for CloudTrail events, each event name it lists), must match; the same
 * sample with the documentation's own key ARN must not (the rule is scoped to the stack's keys).
 * Against AWS, EventBridge's TestEventPattern decides; against moto, whose TestEventPattern is a stub
 * (moto gap events-test-event-pattern), {@link matchesPattern} does.
 */
async function eventPatterns(ctx: CompareContext, bindings: Bindings): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const r of ctx.stack.resources.filter((x) => x.type === "aws_cloudwatch_event_rule" && typeof x.config.event_pattern === "string")) {
    const patternText = resolveReferences(String(r.config.event_pattern), bindings);
    const pattern = JSON.parse(patternText) as Record<string, unknown>;
    const events = ctx.clients.get(r.alias ?? "")?.events;
    const detailTypes = (pattern["detail-type"] as string[] | undefined) ?? [];
    const keyArn = /arn:aws[\w-]*:kms:[^"]+:key\/[\w-]+/.exec(patternText)?.[0];
    for (const dt of detailTypes) {
      const sample = EVENT_SAMPLES.find((s) => s.name === dt);
      if (!sample) {
        out.push({
          address: r.address,
          property: "TestEventPattern",
          kind: "note",
          message: `no documented sample event for detail-type ${JSON.stringify(dt)} in tools/live/fixtures/event-samples.json`,
        });
        continue;
      }
      const names = ((pattern.detail as Record<string, unknown> | undefined)?.eventName as string[] | undefined) ?? [undefined];
      for (const name of names) {
        const swap = (arn: string) => {
          const text = JSON.stringify(sample.event).split(SAMPLE_KEY_ARN).join(arn);
          const e = JSON.parse(text) as Sample["event"];
          if (name !== undefined) e.detail.eventName = name;
          return e;
        };
        const cases: Array<[string, Sample["event"], boolean]> = keyArn
          ? [
              [`${dt}${name ? ` ${name}` : ""} on the stack's key`, swap(keyArn), true],
              [`${dt}${name ? ` ${name}` : ""} on the documentation's key`, swap(SAMPLE_KEY_ARN), false],
            ]
          : [[`${dt}${name ? ` ${name}` : ""}`, swap(SAMPLE_KEY_ARN), true]];
        for (const [label, event, want] of cases) {
          let live: boolean | undefined;
          try {
            live = events ? (await events.send(new TestEventPatternCommand({ EventPattern: patternText, Event: JSON.stringify(event) }))).Result : undefined;
          } catch (e) {
            out.push({
              address: r.address,
              property: "TestEventPattern",
              kind: "difference",
              message: `${label}: ${(e as Error).name}: ${(e as Error).message}`,
            });
            continue;
          }
          const gap = ctx.moto ? motoGap(r.type, "TestEventPattern", want, live) : undefined;
          if (gap) {
            const local = matchesPattern(pattern, event);
            out.push({
              address: r.address,
              property: "TestEventPattern",
              kind: local === want ? "tolerated" : "difference",
              message: `${label}: ${want ? "must match" : "must not match"}; moto answered no result (moto gap ${gap.id}), the local matcher says ${local ? "match" : "no match"} (sample: ${sampleUrl(sample)})`,
            });
          } else if (live !== want)
            out.push({
              address: r.address,
              property: "TestEventPattern",
              kind: "difference",
              message: `${label}: ${want ? "must match" : "must not match"}, EventBridge says ${live === undefined ? "nothing" : live ? "match" : "no match"} (sample: ${sampleUrl(sample)})`,
            });
        }
      }
    }
  }
  return out;
}
