/**
 * The run role's permissions, derived from what a synthesized stack manages: for every resource type
 * the stack declares, the IAM actions Terraform's AWS provider calls to create, read, update and
 * delete it, scoped to the ARNs the stack names (bucket names, role names, topic and rule names are
 * literals in the synthesized JSON; KMS key ids are not known before creation, so key actions are
 * scoped to `key/*` of the account and region).
 *
 * Where the docs are silent: the AWS provider does not document the IAM actions each resource needs;
 * the lists below follow the AWS API operations named on each resource's provider page and the
 * Service Authorization Reference's action names. They were not exercised against IAM here (moto
 * does not enforce identity policies), so a missing read action shows up as AccessDenied on a team's
 * first plan: add it to {@link ACTIONS} and re-synth. A resource type with no entry fails the
 * bootstrap (never a silent gap).
 */

interface Resource {
  readonly provider?: string;
  readonly bucket?: string;
  readonly name?: string;
  readonly rule?: string;
  readonly alarm_name?: string;
}
interface StackDoc {
  readonly resource?: Record<string, Record<string, Resource>>;
  readonly data?: Record<string, unknown>;
  readonly provider?: { aws?: Array<{ alias?: string; region?: string; allowed_account_ids?: string[]; assume_role?: Array<{ role_arn?: string }> }> };
}

/** One IAM statement of the run role's policy. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

type Scope = "bucket" | "key" | "alias" | "role" | "topic" | "rule" | "trail" | "queue" | "alarm" | "any";

/** Per resource type: the service's actions and what they are scoped to. */
export const ACTIONS: Readonly<Record<string, ReadonlyArray<{ readonly scope: Scope; readonly actions: readonly string[] }>>> = {
  aws_kms_key: [
    { scope: "any", actions: ["kms:CreateKey"] },
    {
      scope: "key",
      actions: [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
        "kms:PutKeyPolicy",
        "kms:EnableKeyRotation",
        "kms:DisableKeyRotation",
        "kms:UpdateKeyDescription",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:ScheduleKeyDeletion",
      ],
    },
  ],
  aws_kms_external_key: [
    { scope: "any", actions: ["kms:CreateKey"] },
    {
      scope: "key",
      actions: [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:ListResourceTags",
        "kms:PutKeyPolicy",
        "kms:UpdateKeyDescription",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:EnableKey",
        "kms:DisableKey",
        "kms:ScheduleKeyDeletion",
      ],
    },
  ],
  aws_kms_alias: [
    { scope: "any", actions: ["kms:ListAliases"] },
    { scope: "alias", actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"] },
    { scope: "key", actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"] },
  ],
  aws_s3_bucket: [{ scope: "bucket", actions: ["s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:Get*", "s3:PutBucketTagging"] }],
  aws_s3_bucket_versioning: [{ scope: "bucket", actions: ["s3:GetBucketVersioning", "s3:PutBucketVersioning"] }],
  aws_s3_bucket_server_side_encryption_configuration: [{ scope: "bucket", actions: ["s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration"] }],
  aws_s3_bucket_public_access_block: [{ scope: "bucket", actions: ["s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"] }],
  aws_s3_bucket_ownership_controls: [{ scope: "bucket", actions: ["s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls"] }],
  aws_s3_bucket_policy: [{ scope: "bucket", actions: ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"] }],
  aws_s3_bucket_replication_configuration: [
    { scope: "bucket", actions: ["s3:GetReplicationConfiguration", "s3:PutReplicationConfiguration"] },
    // S3 checks that the caller may pass the replication role on PutBucketReplication.
    { scope: "role", actions: ["iam:PassRole"] },
  ],
  aws_iam_role: [
    {
      scope: "role",
      actions: [
        "iam:CreateRole",
        "iam:GetRole",
        "iam:DeleteRole",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:UpdateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
      ],
    },
  ],
  aws_iam_role_policy: [{ scope: "role", actions: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"] }],
  aws_sns_topic: [
    {
      scope: "topic",
      actions: [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:SetTopicAttributes",
        "sns:ListTagsForResource",
        "sns:TagResource",
        "sns:UntagResource",
      ],
    },
  ],
  aws_sns_topic_policy: [{ scope: "topic", actions: ["sns:GetTopicAttributes", "sns:SetTopicAttributes"] }],
  aws_cloudwatch_event_rule: [
    {
      scope: "rule",
      actions: ["events:PutRule", "events:DeleteRule", "events:DescribeRule", "events:ListTagsForResource", "events:TagResource", "events:UntagResource"],
    },
  ],
  aws_cloudwatch_event_target: [{ scope: "rule", actions: ["events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule"] }],
  aws_sqs_queue: [
    {
      scope: "queue",
      actions: [
        "sqs:CreateQueue",
        "sqs:DeleteQueue",
        "sqs:GetQueueAttributes",
        "sqs:SetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ListQueueTags",
        "sqs:TagQueue",
        "sqs:UntagQueue",
      ],
    },
  ],
  aws_sqs_queue_policy: [{ scope: "queue", actions: ["sqs:GetQueueAttributes", "sqs:SetQueueAttributes"] }],
  aws_cloudwatch_metric_alarm: [
    {
      scope: "alarm",
      actions: [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:ListTagsForResource",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
      ],
    },
  ],
  aws_cloudtrail: [
    {
      scope: "trail",
      actions: [
        "cloudtrail:CreateTrail",
        "cloudtrail:DeleteTrail",
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:DescribeTrails",
        "cloudtrail:UpdateTrail",
        "cloudtrail:StartLogging",
        "cloudtrail:StopLogging",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:AddTags",
        "cloudtrail:RemoveTags",
        "cloudtrail:ListTags",
      ],
    },
  ],
};

/** What a stack's providers say: the run role's account, the regions it manages there, roles it must assume. */
export interface StackProviders {
  readonly account: string;
  readonly partition: string;
  /** alias ("" for the default provider) -> region, for providers managed by the run role itself. */
  readonly ownRegions: ReadonlyMap<string, string>;
  /** Roles the stack's providers assume (`assume_role.role_arn`). */
  readonly assumedRoles: readonly string[];
}

const partitionOf = (region: string): string => (region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws");

/**
 * The stack's account (the default provider's `allowed_account_ids`), and which provider blocks the
 * run role acts through itself: a provider without `assume_role` whose account is the stack's.
 * A provider that assumes a role acts with that role's permissions: the run role only needs
 * `sts:AssumeRole` on it (its own permissions are that role owner's business).
 */
export function stackProviders(stack: string, json: string): StackProviders {
  const doc = JSON.parse(json) as StackDoc;
  const providers = doc.provider?.aws ?? [];
  const main = providers.find((p) => p.alias === undefined);
  const account = main?.allowed_account_ids?.[0];
  if (main === undefined || account === undefined || main.region === undefined)
    throw new Error(`${stack}: the default aws provider names no region or allowed_account_ids: the run role cannot be scoped`);
  const ownRegions = new Map<string, string>();
  const assumedRoles: string[] = [];
  for (const p of providers) {
    const role = p.assume_role?.[0]?.role_arn;
    if (role) assumedRoles.push(role);
    else if ((p.allowed_account_ids ?? [account]).includes(account) && p.region) ownRegions.set(p.alias ?? "", p.region);
  }
  return { account, partition: partitionOf(main.region), ownRegions, assumedRoles: [...new Set(assumedRoles)].sort() };
}

/** The run role's permission statements for one synthesized stack (sorted, deterministic). */
export function runRoleStatements(stack: string, json: string): PolicyStatement[] {
  const doc = JSON.parse(json) as StackDoc;
  const p = stackProviders(stack, json);
  const arns = new Map<Scope, Set<string>>();
  const actions = new Map<Scope, Set<string>>();
  const add = (scope: Scope, action: readonly string[], resources: readonly string[]): void => {
    if (resources.length === 0) return;
    for (const a of action) (actions.get(scope) ?? actions.set(scope, new Set()).get(scope)!).add(a);
    for (const r of resources) (arns.get(scope) ?? arns.set(scope, new Set()).get(scope)!).add(r);
  };
  if (doc.data && Object.keys(doc.data).length > 0)
    throw new Error(`${stack}: data sources (${Object.keys(doc.data).join(", ")}) have no permission mapping in tools/hcp/permissions.ts`);
  for (const [type, blocks] of Object.entries(doc.resource ?? {})) {
    const entry = ACTIONS[type];
    if (entry === undefined) throw new Error(`${stack}: resource type ${type} has no permission mapping: add it to ACTIONS in tools/hcp/permissions.ts`);
    for (const [address, r] of Object.entries(blocks)) {
      const alias = r.provider === undefined ? "" : r.provider.replace(/^aws\./, "");
      const region = p.ownRegions.get(alias);
      if (region === undefined) continue; // managed through an assumed role
      const at = `${p.partition}:`;
      for (const { scope, actions: list } of entry) {
        const literal = (v: string | undefined): v is string => typeof v === "string" && !v.includes("${");
        const res: string[] = [];
        switch (scope) {
          case "any":
            res.push("*");
            break;
          case "key":
            res.push(`arn:${at}kms:${region}:${p.account}:key/*`);
            break;
          case "alias":
            if (literal(r.name)) res.push(`arn:${at}kms:${region}:${p.account}:${r.name}`);
            break;
          case "bucket":
            res.push(...bucketArns(doc, type, address, r, at));
            break;
          case "role":
            res.push(...roleArns(doc, type, r, at, p.account));
            break;
          case "topic":
            res.push(...topicArns(doc, type, r, at, region, p.account));
            break;
          case "rule":
            res.push(...ruleArns(doc, type, r, at, region, p.account));
            break;
          case "trail":
            if (literal(r.name)) res.push(`arn:${at}cloudtrail:${region}:${p.account}:trail/${r.name}`);
            break;
          case "queue":
            res.push(...queueArns(doc, type, r, at, region, p.account));
            break;
          case "alarm":
            if (literal(r.alarm_name)) res.push(`arn:${at}cloudwatch:${region}:${p.account}:alarm:${r.alarm_name}`);
            break;
        }
        if (res.length === 0) throw new Error(`${stack}: ${type}.${address}: cannot scope ${list.join(", ")} to a literal ARN`);
        add(scope, list, res);
      }
    }
  }
  const statements: PolicyStatement[] = [];
  const sid: Record<Scope, string> = {
    any: "Unscoped",
    key: "Keys",
    alias: "Aliases",
    bucket: "Buckets",
    role: "Roles",
    topic: "Topics",
    rule: "Rules",
    trail: "Trails",
    queue: "Queues",
    alarm: "Alarms",
  };
  for (const scope of ["any", "key", "alias", "bucket", "role", "topic", "rule", "trail", "queue", "alarm"] as const) {
    if (!actions.has(scope)) continue;
    statements.push({ Sid: sid[scope], Effect: "Allow", Action: [...actions.get(scope)!].sort(), Resource: [...arns.get(scope)!].sort() });
  }
  if (p.assumedRoles.length > 0) statements.push({ Sid: "AssumeProviderRoles", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: p.assumedRoles });
  return statements;
}

/** `${aws_s3_bucket.<x>.id}` / `.bucket` -> the literal name of that bucket in the stack. */
function referenced(type: string, value: string | undefined): string | undefined {
  const m = value === undefined ? null : new RegExp(`^\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.(id|bucket|name|arn)\\}$`).exec(value);
  return m ? m[1] : undefined;
}

function bucketArns(doc: StackDoc, type: string, address: string, r: Resource, at: string): string[] {
  const buckets = doc.resource?.aws_s3_bucket ?? {};
  const name = type === "aws_s3_bucket" ? r.bucket : buckets[referenced("aws_s3_bucket", r.bucket) ?? ""]?.bucket;
  void address;
  return name && !name.includes("${") ? [`arn:${at}s3:::${name}`] : [];
}

function roleArns(doc: StackDoc, type: string, r: Resource & { role?: string }, at: string, account: string): string[] {
  const roles = doc.resource?.aws_iam_role ?? {};
  const name =
    type === "aws_iam_role"
      ? r.name
      : type === "aws_iam_role_policy"
        ? roles[referenced("aws_iam_role", r.role) ?? ""]?.name
        : roles[referenced("aws_iam_role", r.role) ?? ""]?.name;
  return name && !name.includes("${") ? [`arn:${at}iam::${account}:role/${name}`] : [];
}

function topicArns(doc: StackDoc, type: string, r: Resource & { arn?: string }, at: string, region: string, account: string): string[] {
  const topics = doc.resource?.aws_sns_topic ?? {};
  if (type !== "aws_sns_topic" && r.arn !== undefined && /^arn:[^$]+$/.test(r.arn)) return [r.arn];
  const name = type === "aws_sns_topic" ? r.name : topics[referenced("aws_sns_topic", r.arn) ?? ""]?.name;
  return name && !name.includes("${") ? [`arn:${at}sns:${region}:${account}:${name}`] : [];
}

function ruleArns(doc: StackDoc, type: string, r: Resource, at: string, region: string, account: string): string[] {
  const rules = doc.resource?.aws_cloudwatch_event_rule ?? {};
  const name = type === "aws_cloudwatch_event_rule" ? r.name : rules[referenced("aws_cloudwatch_event_rule", r.rule) ?? ""]?.name;
  return name && !name.includes("${") ? [`arn:${at}events:${region}:${account}:rule/${name}`] : [];
}

function queueArns(doc: StackDoc, type: string, r: Resource & { queue_url?: string }, at: string, region: string, account: string): string[] {
  const queues = doc.resource?.aws_sqs_queue ?? {};
  const name = type === "aws_sqs_queue" ? r.name : queues[referenced("aws_sqs_queue", r.queue_url) ?? ""]?.name;
  return name && !name.includes("${") ? [`arn:${at}sqs:${region}:${account}:${name}`] : [];
}
