/**
 * The table of documented service-principal conditions: for each service principal and each call it
 * makes on a resource of ours (the resource policy that governs the call), which condition keys AWS
 * documents that service putting into the request, with the page and the sentence that says so.
 *
 * Why a table: a condition in a statement for a service principal holds only if that service sends
 * the key on that call. A key it does not send makes a StringEquals/ArnEquals condition false, the
 * statement does not apply, and the service is denied, silently (the Amazon SNS Developer Guide
 * records one such case: EventBridge publishing to an encrypted topic sends no aws:SourceAccount /
 * aws:SourceArn to KMS). So one table decides both sides:
 *
 * - the guardrail SKB-SVC-1 (`@sse-kms/guardrails`) flags a service-principal statement that
 *   conditions on a key the table does not list for that principal and call, or that requires a
 *   key the table lists only as `possibly` sent (such a key may only be used with an `...IfExists`
 *   operator, which holds whether or not the key is sent);
 * - the access proofs (`@sse-kms/testing`) refuse to put a condition key into a simulated request
 *   of a service principal unless the table lists it for that call.
 *
 * `sent`:
 * - `documented`: an AWS page says (or shows in its policy for exactly this principal and call) that
 *   the service sends the key; a policy may require it.
 * - `possibly`: AWS documents the key for the same kind of call by other principals, or for other
 *   calls of the same principal, but not for this one; a policy may use it only with an `...IfExists`
 *   operator: it scopes the call when the key is sent and lets it through when it is not, so the
 *   design delivers either way.
 *
 * `notSent` records keys AWS documents as unsupported for the call (the guardrail cites it).
 */
import { actionMatches } from "./actions";

/** An AWS documentation page and the sentence (or policy line) relied on. */
export interface DocumentationSource {
  readonly url: string;
  /** The sentence quoted verbatim (policy JSON quoted as written on the page). */
  readonly quote: string;
}

/** A condition key a service sends on a call. */
export interface DocumentedConditionKey {
  readonly key: string;
  readonly sent: "documented" | "possibly";
  readonly source: DocumentationSource;
  /** Why the key is only `possibly` sent, or what else to know. */
  readonly note?: string;
}

/** A key AWS documents as not supported (not sent) on the call. */
export interface UnsupportedConditionKey {
  readonly key: string;
  readonly source: DocumentationSource;
}

/** One call a service principal makes on a resource governed by a policy of ours. */
export interface ServicePrincipalCall {
  /** The service principal, e.g. `events.amazonaws.com`. */
  readonly principal: string;
  /** The actions of the call, as a policy grants them (patterns allowed: `kms:GenerateDataKey*`). */
  readonly actions: readonly string[];
  /** The policy that governs the call. */
  readonly policy: "key policy" | "topic policy" | "queue policy" | "trust policy";
  /** What happens, in words. */
  readonly call: string;
  /** Where AWS documents that the principal needs these actions. */
  readonly source: DocumentationSource;
  readonly keys: readonly DocumentedConditionKey[];
  readonly notSent?: readonly UnsupportedConditionKey[];
}

const SNS_KEY_MANAGEMENT = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services";
const EB_RESOURCE_POLICIES = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html";

/** `aws:SourceArn` / `aws:SourceAccount` / `aws:SourceOrgID` are not sent to KMS when EventBridge publishes to an encrypted topic. */
const EVENTBRIDGE_TO_ENCRYPTED_TOPIC: DocumentationSource = {
  url: SNS_KEY_MANAGEMENT,
  quote: "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported for EventBridge-to-encrypted topics.",
};

/** The table. Add a row (with its sources) before a policy of this repository conditions a new service call. */
export const SERVICE_PRINCIPAL_CALLS: readonly ServicePrincipalCall[] = [
  {
    principal: "events.amazonaws.com",
    actions: ["sns:Publish"],
    policy: "topic policy",
    call: "EventBridge delivers a rule's matched event to its SNS target",
    source: {
      url: `${EB_RESOURCE_POLICIES}#eb-sns-permissions`,
      quote:
        '{ "Sid": "PublishEventsToMyTopic", "Effect": "Allow", "Principal": { "Service": "events.amazonaws.com" }, "Action": "sns:Publish", "Resource": "arn:aws:sns:region:account-id:topic-name" }',
    },
    keys: [
      {
        key: "aws:SourceArn",
        sent: "possibly",
        source: {
          url: `${EB_RESOURCE_POLICIES}#eb-sqs-permissions`,
          quote:
            '"Principal": { "Service": "events.amazonaws.com" }, "Action": "sqs:SendMessage", ... "Condition": { "ArnEquals": { "aws:SourceArn": "arn:aws:events:region:account-id:rule/bus-name/rule-name" } }',
        },
        note: "EventBridge documents the rule ARN as aws:SourceArn for its SQS, Lambda and API Gateway targets; its SNS example on the same page has no condition, and no AWS page says EventBridge sends aws:SourceArn to sns:Publish. Used with ArnEqualsIfExists.",
      },
    ],
  },
  {
    principal: "events.amazonaws.com",
    actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
    policy: "key policy",
    call: "SNS encrypts a message EventBridge publishes to a topic encrypted with this key (SSE-KMS)",
    source: {
      url: SNS_KEY_MANAGEMENT,
      quote: "To allow the AWS service to have the kms:GenerateDataKey* and kms:Decrypt permissions, add the following statement to the KMS policy.",
    },
    keys: [
      {
        key: "kms:EncryptionContext:aws:sns:topicArn",
        sent: "possibly",
        source: {
          url: "https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html",
          quote:
            '"Principal": { "Service": "gamelift.amazonaws.com" }, "Action": [ "kms:Decrypt", "kms:GenerateDataKey" ], ... "StringEquals": { "kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:your_region:your_account:your_sns_topic_name" }',
        },
        note: "SNS's encryption context (the topic ARN), shown by AWS for another service publisher to an encrypted topic; the SNS and EventBridge guides do not state it for EventBridge. Used with StringEqualsIfExists.",
      },
    ],
    notSent: [
      { key: "aws:SourceAccount", source: EVENTBRIDGE_TO_ENCRYPTED_TOPIC },
      { key: "aws:SourceArn", source: EVENTBRIDGE_TO_ENCRYPTED_TOPIC },
      { key: "aws:SourceOrgID", source: EVENTBRIDGE_TO_ENCRYPTED_TOPIC },
    ],
  },
  {
    principal: "events.amazonaws.com",
    actions: ["sqs:SendMessage"],
    policy: "queue policy",
    call: "EventBridge sends an event it could not deliver to the target's dead-letter queue",
    source: {
      url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html",
      quote: "EventBridge DLQs are standard Amazon SQS queues that EventBridge uses to store events that couldn't successfully be delivered to a target.",
    },
    keys: [
      {
        key: "aws:SourceArn",
        sent: "documented",
        source: {
          url: `${EB_RESOURCE_POLICIES}#eb-sqs-permissions`,
          quote:
            '"Sid": "AWSEvents_custom-eventbus-ack-sqs-rule_dlq_sqs-rule-target", ... "Principal": { "Service": "events.amazonaws.com" }, "Action": "sqs:SendMessage", ... "Condition": { "ArnEquals": { "aws:SourceArn": "arn:aws:events:region:account-id:rule/bus-name/rule-name" } }',
        },
      },
    ],
  },
  {
    principal: "cloudwatch.amazonaws.com",
    actions: ["sns:Publish"],
    policy: "topic policy",
    call: "a CloudWatch alarm publishes its state change to its SNS alarm action",
    source: {
      url: "https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger",
      quote: "The policy update grants permissions to the CloudWatch alarms service to publish messages to the SNS topic",
    },
    keys: [
      {
        key: "aws:SourceArn",
        sent: "documented",
        source: {
          url: "https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger",
          quote:
            "To restrict the ability to publish messages to the topic for specific alarms, add global condition keys. The following example policy uses the ArnLike condition operator and the aws:SourceArn global condition key.",
        },
      },
    ],
  },
  {
    principal: "cloudwatch.amazonaws.com",
    actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
    policy: "key policy",
    call: "SNS encrypts an alarm notification CloudWatch publishes to a topic encrypted with this key (SSE-KMS)",
    source: {
      url: SNS_KEY_MANAGEMENT,
      quote: "To allow the AWS service to have the kms:GenerateDataKey* and kms:Decrypt permissions, add the following statement to the KMS policy.",
    },
    keys: ["aws:SourceAccount", "aws:SourceArn"].map((key) => ({
      key,
      sent: "documented" as const,
      source: {
        url: SNS_KEY_MANAGEMENT,
        quote:
          "Add the aws:SourceAccount and aws:SourceArn condition keys to the KMS resource policy to further protect the KMS key from confused deputy attacks.",
      },
      note: "The same page lists Amazon CloudWatch (cloudwatch.amazonaws.com) among the event sources, and excepts only EventBridge.",
    })),
  },
  {
    principal: "s3.amazonaws.com",
    actions: ["sts:AssumeRole"],
    policy: "trust policy",
    call: "S3 assumes a replication role",
    source: {
      url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html",
      quote: '"Principal":{ "Service":"s3.amazonaws.com" }, "Action":"sts:AssumeRole"',
    },
    // AWS's replication trust policy has no condition, and no AWS page says S3 sends these keys when
    // it assumes a replication role; the IAM reference describes them for any service-to-service call.
    // `possibly`: a policy may use them only with ...IfExists (this repository's trust policy uses none).
    keys: ["aws:SourceAccount", "aws:SourceArn"].map((key) => ({
      key,
      sent: "possibly" as const,
      source: {
        url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn",
        quote:
          "This key is included in the request context only if accessing a resource triggers an AWS service to call another service on behalf of the resource owner.",
      },
      note: "not stated for S3 replication",
    })),
  },
];

/** Whether a string is a service principal (`<name>.amazonaws.com`, `.amazonaws.com.cn`), not an ARN, account or `*`. */
export function isServicePrincipal(principal: string): boolean {
  return /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(principal);
}

/** The rows of a principal whose actions cover `action` (a concrete action or a pattern written in a policy). */
export function serviceCallsFor(principal: string, action: string): ServicePrincipalCall[] {
  return SERVICE_PRINCIPAL_CALLS.filter((c) => c.principal === principal && c.actions.some((a) => actionMatches(a, action)));
}

/** What the table says about one condition key on one call. */
export type ConditionKeyVerdict =
  | { readonly kind: "documented" | "possibly"; readonly entry: DocumentedConditionKey; readonly call: ServicePrincipalCall }
  | { readonly kind: "not-sent"; readonly entry: UnsupportedConditionKey; readonly call: ServicePrincipalCall }
  | { readonly kind: "unknown-call" }
  | { readonly kind: "undocumented"; readonly call: ServicePrincipalCall };

/**
 * The table's verdict on a condition key (any case) for a principal and an action: documented,
 * possibly sent, documented as not sent, not listed for a call the table knows, or a call the
 * table does not know at all.
 */
export function conditionKeyVerdict(principal: string, action: string, key: string): ConditionKeyVerdict {
  const calls = serviceCallsFor(principal, action);
  if (calls.length === 0) return { kind: "unknown-call" };
  const k = key.toLowerCase();
  for (const call of calls) {
    const entry = call.keys.find((e) => e.key.toLowerCase() === k);
    if (entry) return { kind: entry.sent, entry, call };
  }
  for (const call of calls) {
    const entry = call.notSent?.find((e) => e.key.toLowerCase() === k);
    if (entry) return { kind: "not-sent", entry, call };
  }
  return { kind: "undocumented", call: calls[0] as ServicePrincipalCall };
}

/** The table as Markdown (docs/monitoring.md and the guardrail README embed it). */
export function renderServiceConditionTable(): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const rows = SERVICE_PRINCIPAL_CALLS.flatMap((c) => {
    const head = `| \`${c.principal}\` | ${c.actions.map((a) => `\`${a}\``).join(", ")} (${c.policy}): ${esc(c.call)} |`;
    const keys = c.keys.map((k) => `\`${k.key}\` (${k.sent}${k.sent === "possibly" ? ": only with ...IfExists" : ""})`);
    const not = (c.notSent ?? []).map((k) => `not \`${k.key}\``);
    const sources = [...c.keys.map((k) => k.source), ...(c.notSent ?? []).slice(0, 1).map((k) => k.source)];
    const cited = sources.length === 0 ? [c.source] : sources;
    const unique = cited.filter((s, i) => cited.findIndex((o) => o.url === s.url && o.quote === s.quote) === i);
    const quoted = (q: string) => (/^[{"]/.test(q) ? `\`${esc(q)}\`` : `"${esc(q)}"`);
    return [`${head} ${[...keys, ...not].join("; ") || "none documented"} | ${unique.map((s) => `${s.url}: ${quoted(s.quote)}`).join("<br>")} |`];
  });
  return ["| service principal | call (policy) | condition keys it sends | source (URL: quoted sentence) |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
