/**
 * Compares the live resources with the synthesized stack, one comparer per resource type
 * ({@link COMPARERS}): add a type with one entry. Each comparer reads through the SDK v3 clients of
 * the resource's provider and reports one {@link Finding} per property that differs. A resource type
 * with no comparer is itself a difference (nothing in the stack goes unchecked silently).
 */
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, ListAliasesCommand, ListKeysCommand } from "@aws-sdk/client-kms";
import {
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
} from "@aws-sdk/client-s3";
import { GetRoleCommand, GetRolePolicyCommand } from "@aws-sdk/client-iam";
import { DescribeRuleCommand, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetTopicAttributesCommand } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { keyIdOf } from "@sse-kms/config";
import { motoGap } from "./moto-gaps";
import { type Bindings, type ProviderConfig, type StackModel, type StackResource, canonicalJson, resolveReferences } from "./stack-model";

/** What the comparers need of an SDK client: `send`. Tests pass fakes. */
export interface Sender {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  send(command: any): Promise<any>;
}

/** The clients of one provider block (one region, one account). */
export interface Clients {
  readonly kms: Sender;
  readonly s3: Sender;
  readonly iam: Sender;
  readonly events: Sender;
  readonly sns: Sender;
  readonly sqs: Sender;
  readonly cloudwatch: Sender;
  readonly sts: Sender;
}

/** One result line of `verify`. */
export interface Finding {
  readonly address: string;
  readonly property: string;
  /** `difference` fails verify; `tolerated` is a listed moto gap; `note` says what could not be checked. */
  readonly kind: "difference" | "tolerated" | "note";
  readonly message: string;
}

/** The context of one comparison run. */
export interface CompareContext {
  readonly stack: StackModel;
  /** Clients by provider alias ("" for the default provider). */
  readonly clients: ReadonlyMap<string, Clients>;
  /** Whether the endpoint is moto (gaps of {@link MOTO_GAPS} are tolerated there only). */
  readonly moto: boolean;
}

/** Reports differences of one resource. */
export type Comparer = (r: ResourceCheck) => Promise<void>;

/** One resource being checked: its resolved configuration, its clients and a reporter. */
export interface ResourceCheck {
  readonly resource: StackResource;
  /** The configuration with references bound to live values. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly clients: Clients;
  readonly provider: ProviderConfig;
  readonly bindings: Bindings;
  /** Compares `live` with `expected` (skipped when `expected` is undefined); one finding when they differ. */
  expect(property: string, expected: unknown, live: unknown, equal?: (a: unknown, b: unknown) => boolean): void;
  note(property: string, message: string): void;
}

const show = (v: unknown) => (v === undefined ? "(none)" : typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v));
const policyEqual = (a: unknown, b: unknown) => {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
};
/** A KMS key given as a key id, key ARN or alias; equal when both name the same key id. */
const keyEqual = (a: unknown, b: unknown) => {
  const id = (v: unknown) => (typeof v === "string" ? keyIdOf(v) : v);
  return id(a) === id(b);
};
const first = <T>(v: unknown): T | undefined => (Array.isArray(v) ? (v[0] as T) : (v as T | undefined));
const obj = (v: unknown): Record<string, unknown> => (first<Record<string, unknown>>(v) ?? {}) as Record<string, unknown>;
const notFound = (e: unknown) => {
  const n = (e as { name?: string; Code?: string }).name ?? "";
  return /NotFound|NoSuch|NonExistent|ResourceNotFound/.test(n);
};

/** Calls `send`; undefined when the service says the thing does not exist. */
async function maybe<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (notFound(e)) return undefined;
    throw e;
  }
}

const bucketOf = (r: ResourceCheck) => String(r.config.bucket);

/** The comparers, by Terraform resource type. */
export const COMPARERS: Readonly<Record<string, Comparer>> = {
  async aws_kms_key(r) {
    await compareKey(r, false);
  },
  async aws_kms_external_key(r) {
    await compareKey(r, true);
  },
  async aws_kms_alias(r) {
    const aliases = (await r.clients.kms.send(new ListAliasesCommand({}))).Aliases ?? [];
    const live = aliases.find((a: { AliasName?: string }) => a.AliasName === r.config.name);
    r.expect("exists", true, live !== undefined);
    if (live) r.expect("target key", r.config.target_key_id, live.TargetKeyId, keyEqual);
  },
  async aws_s3_bucket(r) {
    const head = await maybe(r.clients.s3.send(new HeadBucketCommand({ Bucket: String(r.config.bucket) })));
    r.expect("exists", true, head !== undefined);
  },
  async aws_s3_bucket_server_side_encryption_configuration(r) {
    const live = await maybe(r.clients.s3.send(new GetBucketEncryptionCommand({ Bucket: bucketOf(r) })));
    const rule = first<Record<string, unknown>>(r.config.rule) ?? {};
    const byDefault = obj(rule.apply_server_side_encryption_by_default);
    const liveRule = live?.ServerSideEncryptionConfiguration?.Rules?.[0];
    r.expect("default encryption algorithm", byDefault.sse_algorithm, liveRule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm);
    r.expect("default encryption key", byDefault.kms_master_key_id, liveRule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID, keyEqual);
    r.expect("Bucket Key", rule.bucket_key_enabled, liveRule?.BucketKeyEnabled ?? false);
  },
  async aws_s3_bucket_policy(r) {
    const live = await maybe(r.clients.s3.send(new GetBucketPolicyCommand({ Bucket: bucketOf(r) })));
    r.expect("bucket policy", r.config.policy, live?.Policy, policyEqual);
  },
  async aws_s3_bucket_public_access_block(r) {
    const live = (await maybe(r.clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucketOf(r) }))))?.PublicAccessBlockConfiguration;
    r.expect("BlockPublicAcls", r.config.block_public_acls, live?.BlockPublicAcls);
    r.expect("BlockPublicPolicy", r.config.block_public_policy, live?.BlockPublicPolicy);
    r.expect("IgnorePublicAcls", r.config.ignore_public_acls, live?.IgnorePublicAcls);
    r.expect("RestrictPublicBuckets", r.config.restrict_public_buckets, live?.RestrictPublicBuckets);
  },
  async aws_s3_bucket_ownership_controls(r) {
    const live = await maybe(r.clients.s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucketOf(r) })));
    r.expect("object ownership", obj(r.config.rule).object_ownership, live?.OwnershipControls?.Rules?.[0]?.ObjectOwnership);
  },
  async aws_s3_bucket_versioning(r) {
    const live = await r.clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucketOf(r) }));
    r.expect("versioning", obj(r.config.versioning_configuration).status, live?.Status);
  },
  async aws_s3_bucket_replication_configuration(r) {
    const live = (await maybe(r.clients.s3.send(new GetBucketReplicationCommand({ Bucket: bucketOf(r) }))))?.ReplicationConfiguration;
    r.expect("replication role", r.config.role, live?.Role);
    const rules = (Array.isArray(r.config.rule) ? r.config.rule : [r.config.rule]) as Array<Record<string, unknown>>;
    for (const rule of rules) {
      const id = String(rule.id);
      const l = (live?.Rules ?? []).find((x: { ID?: string }) => x.ID === id);
      const p = `replication rule ${id}`;
      r.expect(`${p}: exists`, true, l !== undefined);
      if (!l) continue;
      const d = obj(rule.destination);
      r.expect(`${p}: status`, rule.status, l.Status);
      r.expect(`${p}: priority`, rule.priority, l.Priority);
      r.expect(`${p}: destination bucket`, d.bucket, l.Destination?.Bucket);
      r.expect(`${p}: destination account`, d.account, l.Destination?.Account);
      r.expect(`${p}: owner translation`, obj(d.access_control_translation).owner, l.Destination?.AccessControlTranslation?.Owner);
      r.expect(`${p}: replica key`, obj(d.encryption_configuration).replica_kms_key_id, l.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID, keyEqual);
      r.expect(`${p}: metrics`, obj(d.metrics).status, l.Destination?.Metrics?.Status);
      r.expect(`${p}: filter prefix`, obj(rule.filter).prefix, l.Filter?.Prefix ?? l.Filter?.And?.Prefix ?? l.Prefix);
      r.expect(`${p}: delete marker replication`, obj(rule.delete_marker_replication).status, l.DeleteMarkerReplication?.Status);
      r.expect(
        `${p}: SSE-KMS objects`,
        obj(obj(rule.source_selection_criteria).sse_kms_encrypted_objects).status,
        l.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status,
      );
    }
  },
  async aws_iam_role(r) {
    const live = (await maybe(r.clients.iam.send(new GetRoleCommand({ RoleName: String(r.config.name) }))))?.Role;
    r.expect("exists", true, live !== undefined);
    const doc = live?.AssumeRolePolicyDocument;
    r.expect("trust policy", r.config.assume_role_policy, doc === undefined ? undefined : decodeURIComponent(doc), policyEqual);
  },
  async aws_iam_role_policy(r) {
    const live = await maybe(r.clients.iam.send(new GetRolePolicyCommand({ RoleName: String(r.config.role), PolicyName: String(r.config.name) })));
    r.expect("role policy", r.config.policy, live?.PolicyDocument === undefined ? undefined : decodeURIComponent(live.PolicyDocument), policyEqual);
  },
  async aws_cloudwatch_event_rule(r) {
    const live = await maybe(r.clients.events.send(new DescribeRuleCommand({ Name: String(r.config.name) })));
    r.expect("exists", true, live !== undefined);
    r.expect("event pattern", r.config.event_pattern, live?.EventPattern, policyEqual);
    r.expect("state", r.config.state ?? "ENABLED", live?.State);
    r.expect("description", r.config.description, live?.Description);
  },
  async aws_cloudwatch_event_target(r) {
    const live = (await maybe(r.clients.events.send(new ListTargetsByRuleCommand({ Rule: String(r.config.rule) }))))?.Targets ?? [];
    const t = live.find((x: { Id?: string }) => x.Id === r.config.target_id);
    r.expect("exists", true, t !== undefined);
    if (!t) return;
    r.expect("target", r.config.arn, t.Arn);
    r.expect("dead-letter queue", obj(r.config.dead_letter_config).arn, t.DeadLetterConfig?.Arn);
    const retry = obj(r.config.retry_policy);
    r.expect("retry attempts", retry.maximum_retry_attempts, t.RetryPolicy?.MaximumRetryAttempts);
    r.expect("retry event age (s)", retry.maximum_event_age_in_seconds, t.RetryPolicy?.MaximumEventAgeInSeconds);
    r.expect("role", r.config.role_arn, t.RoleArn);
  },
  async aws_sns_topic(r) {
    const arn = r.bindings.get(r.resource.address)?.arn;
    const live = (await maybe(r.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))))?.Attributes;
    r.expect("exists", true, live !== undefined);
    r.expect("encryption key", r.config.kms_master_key_id, live?.KmsMasterKeyId, keyEqual);
  },
  async aws_sns_topic_policy(r) {
    const live = (await maybe(r.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: String(r.config.arn) }))))?.Attributes;
    r.expect("topic policy", r.config.policy, live?.Policy, policyEqual);
  },
  async aws_sqs_queue(r) {
    const url = r.bindings.get(r.resource.address)?.url;
    const live = url ? (await maybe(r.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))))?.Attributes : undefined;
    r.expect("exists", true, live !== undefined);
    r.expect("encryption key", r.config.kms_master_key_id, live?.KmsMasterKeyId, keyEqual);
    const num = (v: unknown) => (v === undefined ? undefined : String(v));
    r.expect("message retention (s)", num(r.config.message_retention_seconds), live?.MessageRetentionPeriod);
    if (r.config.sqs_managed_sse_enabled !== undefined)
      r.expect("SQS-managed SSE", String(r.config.sqs_managed_sse_enabled), live?.SqsManagedSseEnabled ?? "false");
  },
  async aws_sqs_queue_policy(r) {
    const live = (await maybe(r.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: String(r.config.queue_url), AttributeNames: ["Policy"] }))))
      ?.Attributes;
    r.expect("queue policy", r.config.policy, live?.Policy, policyEqual);
  },
  async aws_cloudwatch_metric_alarm(r) {
    const live = (await r.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [String(r.config.alarm_name)] }))).MetricAlarms?.[0];
    r.expect("exists", true, live !== undefined);
    if (!live) return;
    r.expect("metric", r.config.metric_name, live.MetricName);
    r.expect("namespace", r.config.namespace, live.Namespace);
    r.expect("statistic", r.config.statistic, live.Statistic);
    r.expect("period", r.config.period, live.Period);
    r.expect("evaluation periods", r.config.evaluation_periods, live.EvaluationPeriods);
    r.expect("threshold", r.config.threshold, live.Threshold);
    r.expect("comparison", r.config.comparison_operator, live.ComparisonOperator);
    r.expect("missing data", r.config.treat_missing_data, live.TreatMissingData);
    const sorted = (v: unknown) => (Array.isArray(v) ? [...(v as string[])].sort() : v);
    r.expect("alarm actions", sorted(r.config.alarm_actions), sorted(live.AlarmActions ?? []), (a, b) => JSON.stringify(a) === JSON.stringify(b));
    const dims = r.config.dimensions as Record<string, string> | undefined;
    const liveDims = Object.fromEntries((live.Dimensions ?? []).map((d: { Name: string; Value: string }) => [d.Name, d.Value]));
    r.expect("dimensions", dims, liveDims, policyEqual);
  },
};

async function compareKey(r: ResourceCheck, external: boolean): Promise<void> {
  const keyId = r.bindings.get(r.resource.address)?.id;
  if (!keyId) return; // binding already reported it
  const meta = (await r.clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata ?? {};
  r.expect("description", r.config.description, meta.Description);
  r.expect("state", external ? ["Enabled", "PendingImport"] : "Enabled", meta.KeyState, (e, l) => (Array.isArray(e) ? e.includes(l) : e === l));
  r.expect("multi-Region", r.config.multi_region, meta.MultiRegion ?? false);
  r.expect("key spec", r.config.customer_master_key_spec ?? (external ? undefined : "SYMMETRIC_DEFAULT"), meta.KeySpec);
  r.expect("key usage", r.config.key_usage ?? (external ? undefined : "ENCRYPT_DECRYPT"), meta.KeyUsage);
  if (external) r.expect("origin", "EXTERNAL", meta.Origin);
  const policy = await r.clients.kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: "default" }));
  r.expect("key policy", r.config.policy, policy.Policy, policyEqual);
  if (!external && r.config.enable_key_rotation !== undefined) {
    const rot = await r.clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    r.expect("rotation", r.config.enable_key_rotation, rot.KeyRotationEnabled);
    if (r.config.enable_key_rotation === true) r.expect("rotation period (days)", r.config.rotation_period_in_days, rot.RotationPeriodInDays);
  }
  if (r.config.deletion_window_in_days !== undefined)
    // KMS API Reference, KeyMetadata: "PendingDeletionWindowInDays ... This value is present only when
    // KeyState is PendingReplicaDeletion" (https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html):
    // the window of a key that is not being deleted is kept by Terraform only, no API reads it.
    r.note("deletion window", `${r.config.deletion_window_in_days} days: not readable from the KMS API before a deletion is scheduled (Terraform state only)`);
}

/** Account id of each provider (sts:GetCallerIdentity). */
async function accounts(ctx: CompareContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of ctx.stack.providers) {
    const c = ctx.clients.get(p.alias ?? "");
    if (c) out.set(p.alias ?? "", String((await c.sts.send(new GetCallerIdentityCommand({}))).Account));
  }
  return out;
}

/**
 * Finds the live resources the stack's references point to and records their ids and ARNs.
 * Keys: through an alias of the stack that targets them, else the one enabled key whose description
 * is the configured one. Everything else is named in the configuration.
 */
export async function bind(ctx: CompareContext, findings: Finding[]): Promise<Bindings> {
  const bindings: Bindings = new Map();
  const acct = await accounts(ctx);
  const providerOf = (r: StackResource) => ctx.stack.providers.find((p) => (p.alias ?? "") === (r.alias ?? "")) ?? ctx.stack.providers[0];
  const aliases = new Map<string, Array<{ AliasName?: string; TargetKeyId?: string }>>();
  for (const r of ctx.stack.resources) {
    const p = providerOf(r);
    const c = ctx.clients.get(r.alias ?? "");
    const account = acct.get(r.alias ?? "") ?? "";
    if (!c) continue;
    const cfg = r.config;
    switch (r.type) {
      case "aws_s3_bucket":
        bindings.set(r.address, { id: String(cfg.bucket), bucket: String(cfg.bucket), arn: `arn:aws:s3:::${cfg.bucket}` });
        break;
      case "aws_cloudwatch_event_rule":
        bindings.set(r.address, { id: String(cfg.name), name: String(cfg.name), arn: `arn:aws:events:${p.region}:${account}:rule/${cfg.name}` });
        break;
      case "aws_iam_role":
        bindings.set(r.address, { id: String(cfg.name), name: String(cfg.name), arn: `arn:aws:iam::${account}:role/${cfg.name}` });
        break;
      case "aws_sns_topic": {
        const arn = `arn:aws:sns:${p.region}:${account}:${cfg.name}`;
        bindings.set(r.address, { id: arn, arn, name: String(cfg.name) });
        break;
      }
      case "aws_sqs_queue": {
        const url = (await maybe(c.sqs.send(new GetQueueUrlCommand({ QueueName: String(cfg.name) }))))?.QueueUrl;
        const arn = `arn:aws:sqs:${p.region}:${account}:${cfg.name}`;
        bindings.set(r.address, { arn, name: String(cfg.name), ...(url ? { id: url, url } : {}) });
        break;
      }
      case "aws_kms_key":
      case "aws_kms_external_key": {
        if (!aliases.has(r.alias ?? "")) aliases.set(r.alias ?? "", (await c.kms.send(new ListAliasesCommand({}))).Aliases ?? []);
        const alias = ctx.stack.resources.find(
          (a) => a.type === "aws_kms_alias" && typeof a.config.target_key_id === "string" && a.config.target_key_id.startsWith(`\${${r.address}.`),
        );
        let keyId = alias ? aliases.get(r.alias ?? "")?.find((a) => a.AliasName === alias.config.name)?.TargetKeyId : undefined;
        if (!keyId) {
          const candidates: string[] = [];
          for (const k of (await c.kms.send(new ListKeysCommand({}))).Keys ?? []) {
            const m = (await c.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata ?? {};
            if (m.Description === cfg.description && m.KeyManager === "CUSTOMER" && !/Pending(Replica)?Deletion/.test(m.KeyState ?? ""))
              candidates.push(m.KeyId);
          }
          if (candidates.length === 1) keyId = candidates[0];
          else {
            findings.push({
              address: r.address,
              property: "exists",
              kind: "difference",
              message: `${alias ? `alias ${alias.config.name} not found and ` : ""}${candidates.length} live keys have the description ${show(cfg.description)} (expected exactly 1)`,
            });
            break;
          }
        }
        const meta = (await c.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata ?? {};
        bindings.set(r.address, { id: String(meta.KeyId), key_id: String(meta.KeyId), arn: String(meta.Arn) });
        break;
      }
      default:
        break;
    }
  }
  return bindings;
}

/** Compares every resource of the stack with its live counterpart; findings in stack order, and the bindings found. */
export async function compareStack(ctx: CompareContext): Promise<{ readonly findings: Finding[]; readonly bindings: Bindings }> {
  const findings: Finding[] = [];
  const bindings = await bind(ctx, findings);
  for (const resource of ctx.stack.resources) {
    const comparer = COMPARERS[resource.type];
    if (!comparer) {
      findings.push({
        address: resource.address,
        property: "type",
        kind: "difference",
        message: `no comparer for ${resource.type}: verify cannot check it (add one to COMPARERS in tools/live/compare.ts)`,
      });
      continue;
    }
    const clients = ctx.clients.get(resource.alias ?? "");
    const provider = ctx.stack.providers.find((p) => (p.alias ?? "") === (resource.alias ?? ""));
    if (!clients || !provider) {
      findings.push({ address: resource.address, property: "provider", kind: "difference", message: `no provider block aws.${resource.alias}` });
      continue;
    }
    const unresolved = new Set<string>();
    const config = resolveReferences(resource.config, bindings, unresolved);
    const check: ResourceCheck = {
      resource,
      config,
      clients,
      provider,
      bindings,
      expect(property, expected, live, equal = (a, b) => a === b) {
        if (expected === undefined) return;
        if (equal(expected, live)) return;
        const text = typeof expected === "string" && /^\s*[{[]/.test(expected) ? "differs" : `expected ${show(expected)}, live ${show(live)}`;
        const detail = text === "differs" ? `expected ${canonicalOrRaw(expected)}, live ${canonicalOrRaw(live)}` : text;
        const gap = ctx.moto ? motoGap(resource.type, property, expected, live) : undefined;
        findings.push(
          gap
            ? { address: resource.address, property, kind: "tolerated", message: `${detail} (moto gap ${gap.id}: ${gap.what})` }
            : { address: resource.address, property, kind: "difference", message: detail },
        );
      },
      note(property, message) {
        findings.push({ address: resource.address, property, kind: "note", message });
      },
    };
    if (unresolved.size > 0)
      findings.push({ address: resource.address, property: "references", kind: "difference", message: `cannot find the live ${[...unresolved].join(", ")}` });
    try {
      await comparer(check);
    } catch (e) {
      findings.push({
        address: resource.address,
        property: "read",
        kind: "difference",
        message: `cannot read it: ${(e as Error).name}: ${(e as Error).message}`,
      });
    }
  }
  return { findings, bindings };
}

function canonicalOrRaw(v: unknown): string {
  if (v === undefined) return "(none)";
  try {
    return canonicalJson(v);
  } catch {
    return show(v);
  }
}

/** One line per finding: `<kind>: <address>: <property>: <message>`. */
export function formatFinding(f: Finding): string {
  return `${f.kind}: ${f.address}: ${f.property}: ${f.message}`;
}
