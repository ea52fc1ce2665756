/**
 * The moto 5.2.1 gaps the live suite tolerates: the ONE table the comparer consults, and nothing
 * else is tolerated. Each entry names what moto does not model, why the suite cannot check it there,
 * and moto's own source (the installed 5.2.1 release; the same files at the 5.2.1 tag on GitHub).
 * A gap applies only when `verify` runs against an `--endpoint-url` (moto); against AWS the same
 * difference fails. Authorization (what a policy allows or denies) is never checked against moto:
 * that stays with the access proofs (moto does not evaluate key or bucket policies by default).
 */

/** One tolerated gap. */
export interface MotoGap {
  /** Short id, printed on each tolerated line. */
  readonly id: string;
  /** The resource type and the property of the comparer it applies to. */
  readonly resourceType: string;
  /** The comparer's property (exact text, or a pattern for per-rule properties); undefined when only the re-plan shows it. */
  readonly property?: string | RegExp;
  /** What moto does. */
  readonly what: string;
  /** Why the suite tolerates it (what it still checks). */
  readonly why: string;
  /** moto's source or docs showing it. */
  readonly source: string;
  /** Whether this expected/live pair is the gap (anything else stays a difference). */
  readonly matches: (expected: unknown, live: unknown) => boolean;
  /** The change this gap causes in the re-plan after apply (an attribute path of the resource, before -> after), if any. */
  readonly planChange?: { readonly path: RegExp; readonly matches: (before: unknown, after: unknown) => boolean };
}

export const MOTO_GAPS: readonly MotoGap[] = [
  {
    id: "kms-rotation-period",
    resourceType: "aws_kms_key",
    property: "rotation period (days)",
    what: "GetKeyRotationStatus answers only KeyRotationEnabled, never RotationPeriodInDays, so the provider reads rotation_period_in_days as 0 and every re-plan shows `rotation_period_in_days = 0 -> <n>`",
    why: "the period is a documented field of GetKeyRotationStatus (https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyRotationStatus.html); moto does not store it. Rotation being enabled is still checked",
    source:
      'moto/kms/responses.py get_key_rotation_status: `return json.dumps({"KeyRotationEnabled": rotation_enabled})` (https://github.com/getmoto/moto/blob/5.2.1/moto/kms/responses.py)',
    matches: (_expected, live) => live === undefined,
    planChange: { path: /^rotation_period_in_days$/, matches: (before, after) => before === 0 && typeof after === "number" },
  },
  {
    id: "events-test-event-pattern",
    resourceType: "aws_cloudwatch_event_rule",
    property: "TestEventPattern",
    what: "TestEventPattern is a stub that answers an empty body (no Result)",
    why: "the rule's documented sample events are matched by the suite's own matcher of the pattern subset the stacks use instead (exact values, nested fields); against AWS, EventBridge itself decides",
    source: "moto/events/responses.py `def test_event_pattern(self) -> None: pass` (https://github.com/getmoto/moto/blob/5.2.1/moto/events/responses.py)",
    matches: (_expected, live) => live === undefined,
  },
  {
    id: "s3-policy-without-context",
    resourceType: "aws_s3_bucket_server_side_encryption_configuration",
    property: "round trip",
    what: "object requests are checked against the bucket policy with no request context: every Deny statement with a Condition applies as if its condition held (aws:SecureTransport, s3:x-amz-server-side-encryption, ...), so the stack's TLS and encryption denies refuse every PutObject with HTTP 403",
    why: "the round trip (default encryption applied to a PutObject without headers) cannot run against moto; against AWS it runs over TLS, where none of the stack's Deny statements applies to it. What the policy allows or denies is proven by the access proofs, not here",
    source:
      "moto/s3/responses.py _key_response (`bucket.get_permission(action, resource)`, a 403 on DENIED) and moto/iam/access_control.py _check_conditions (condition values from the request: `# TODO: expand functionality`, none passed for S3) (https://github.com/getmoto/moto/blob/5.2.1/moto/iam/access_control.py)",
    matches: (_expected, live) => live === 403,
  },
  {
    id: "s3-replication-read",
    resourceType: "aws_s3_bucket_replication_configuration",
    property: /^replication rule .*: (SSE-KMS objects|delete marker replication|filter prefix)$/,
    what: 'GetBucketReplication answers each rule with a fixed `DeleteMarkerReplication: Disabled` and `Filter: {Prefix: ""}` and without SourceSelectionCriteria, whatever was put; the re-plan then shows `+ source_selection_criteria`, for a rule that replicates delete markers `delete_marker_replication.status: Disabled -> Enabled`, and for a rule with a prefix filter `filter.prefix: "" -> <prefix>`',
    why: "both are documented fields of a replication rule (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationRule.html) that moto drops on read; the rule's id, status, priority, destination bucket, account, owner translation, replica key and metrics are still checked",
    source:
      'moto/s3/responses.py get_bucket_replication: `"DeleteMarkerReplication": {"Status": "Disabled"}, "Filter": {"Prefix": ""}` and no SourceSelectionCriteria (https://github.com/getmoto/moto/blob/5.2.1/moto/s3/responses.py)',
    matches: (expected, live) => live === undefined || (expected === "Enabled" && live === "Disabled") || (live === "" && typeof expected === "string"),
    planChange: {
      path: /^rule\[\d+\]\.(source_selection_criteria|delete_marker_replication\[0\]\.status|filter\[0\]\.prefix)$/,
      matches: (before, after) =>
        (Array.isArray(before) && before.length === 0) || (before === "Disabled" && after === "Enabled") || (before === "" && typeof after === "string"),
    },
  },
];

/** The gap that tolerates this difference, if any. */
export function motoGap(resourceType: string, property: string, expected: unknown, live: unknown): MotoGap | undefined {
  return MOTO_GAPS.find(
    (g) =>
      g.resourceType === resourceType && (typeof g.property === "string" ? g.property === property : g.property?.test(property)) && g.matches(expected, live),
  );
}

/** The gap that explains one changed attribute of a re-plan (`rotation_period_in_days` of an aws_kms_key, 0 -> 365), if any. */
export function motoPlanGap(resourceType: string, path: string, before: unknown, after: unknown): MotoGap | undefined {
  return MOTO_GAPS.find((g) => g.resourceType === resourceType && g.planChange?.path.test(path) && g.planChange.matches(before, after));
}

/** One changed attribute of a planned update. */
export interface PlanChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  /** e.g. `rule[0].source_selection_criteria`; empty for a create/delete/replace of the whole resource. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** The changed attributes of a `terraform show -json` plan (leaf paths where before and after differ). */
export function planChanges(planJson: string): PlanChange[] {
  const plan = JSON.parse(planJson) as {
    resource_changes?: Array<{ address: string; type: string; change: { actions: string[]; before: unknown; after: unknown; after_unknown?: unknown } }>;
  };
  const out: PlanChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const { actions, before, after } = rc.change;
    if (actions.every((a) => a === "no-op" || a === "read")) continue;
    if (!actions.includes("update")) {
      out.push({ address: rc.address, type: rc.type, actions, path: "", before, after });
      continue;
    }
    const walk = (b: unknown, a: unknown, path: string) => {
      if (JSON.stringify(b) === JSON.stringify(a)) return;
      if (Array.isArray(b) && Array.isArray(a) && a.length === b.length && a.length > 0) a.forEach((x, i) => walk(b[i], x, `${path}[${i}]`));
      else if (b && a && typeof b === "object" && typeof a === "object" && !Array.isArray(b) && !Array.isArray(a))
        for (const k of new Set([...Object.keys(b), ...Object.keys(a)]))
          walk((b as Record<string, unknown>)[k], (a as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      else out.push({ address: rc.address, type: rc.type, actions, path, before: b, after: a });
    };
    walk(before, after, "");
  }
  return out;
}
