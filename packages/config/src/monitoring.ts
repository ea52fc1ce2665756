import { z } from "zod";
import { DELETION_WINDOW_DAYS } from "./key";
import { PrincipalArn, arnAccount, arnRegExp, arnRegion } from "./primitives";

/** An SNS topic ARN: `arn:<partition>:sns:<region>:<account>:<topic name>` (no wildcard, no subscription suffix). */
export const SnsTopicArn = z
  .string({ error: "must be an SNS topic ARN string" })
  .regex(arnRegExp("sns", "[a-z0-9-]+", "[A-Za-z0-9_-]{1,256}(\\.fifo)?"), {
    error: "must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:key-events (no wildcard, no subscription id)",
  })
  .refine((arn) => !arn.endsWith(".fifo"), {
    error: "must be a standard topic: the alarm rules set no message group id, which a FIFO topic requires",
  })
  .describe("ARN of an existing standard SNS topic in the environment's account and region.");

/** `monitoring.topic.create`: the stack creates its own topic and the KMS key that encrypts it. */
export const CreatedTopicSchema = z
  .strictObject({
    keyAdministrators: z
      .array(PrincipalArn)
      .default([])
      .describe(
        "Administrators of the topic's KMS key and of the delivery-alarm topic's key (lifecycle only, no cryptographic use). The account root may always manage them (the recovery path). Default: none besides the root.",
      ),
    deletionWindowInDays: z
      .number({ error: "must be a number" })
      .int({ error: "must be a whole number" })
      .min(DELETION_WINDOW_DAYS.min, { error: `must be at least ${DELETION_WINDOW_DAYS.min} days` })
      .max(DELETION_WINDOW_DAYS.max, { error: `must be at most ${DELETION_WINDOW_DAYS.max} days` })
      .default(DELETION_WINDOW_DAYS.default)
      .describe(`Waiting period before the topic key (and the delivery-alarm key) is deleted, ${DELETION_WINDOW_DAYS.min}..${DELETION_WINDOW_DAYS.max} days.`),
  })
  .describe(
    "Create one standard SNS topic per stack (<stack>-key-events), encrypted with a customer-managed KMS key of its own whose policy lets only EventBridge use it (scoped to that topic's encryption context; no aws:SourceAccount/aws:SourceArn, which AWS documents as unsupported there); the topic policy lets EventBridge publish for the stack's rules.",
  );

/** Where key events go: a topic the stack creates, or an existing one. */
export const MonitoringTopicSchema = z
  .union(
    [
      z.strictObject({ create: CreatedTopicSchema }),
      z.strictObject({
        existingTopicArn: SnsTopicArn,
      }),
    ],
    { error: 'must be {"create": {...}} or {"existingTopicArn": "arn:<partition>:sns:<region>:<account>:<name>"}' },
  )
  .describe(
    'The SNS topic the alarms publish to: {"create": {...}} (one topic per stack) or {"existingTopicArn": "..."} (its owner adds the topic-policy statement the stack outputs as key_events_topic_policy_statement).',
  );

/**
 * `monitoring`: EventBridge rules on the events of every KMS key a stack creates in the
 * environment's account and region, delivered to an SNS topic.
 */
export const MonitoringSchema = z
  .strictObject({
    topic: MonitoringTopicSchema,
  })
  .describe(
    "Alarms on key events: EventBridge rules for the KMS keys each stack creates or uses (key.existingKeyArn) in the environment's account and region (KMS CMK Deletion, KMS Imported Key Material Expiration, KMS CMK Rotation, and, through a CloudTrail trail with management events in the environment's region, DisableKey, ScheduleKeyDeletion, PutKeyPolicy, CreateGrant, DisableKeyRotation, ImportKeyMaterial, RotateKeyOnDemand, DeleteImportedKeyMaterial), delivered to an SNS topic; failed deliveries go to a dead-letter queue and raise CloudWatch alarms on a second topic of each stack (<stack>-key-events-delivery-alarms). Off when absent.",
  );

export type MonitoringConfig = z.output<typeof MonitoringSchema>;
export type MonitoringConfigInput = z.input<typeof MonitoringSchema>;

/**
 * Environment rules of `monitoring`: an existing topic must be in the environment's account and
 * region (EventBridge delivers to an SNS target in the rule's own region; the topic policy hand-over
 * assumes the rules' account), and key administrators must be principals of the environment's account.
 */
export function checkMonitoring(
  monitoring: MonitoringConfig | undefined,
  env: { readonly account: string; readonly region: string },
  issue: (path: (string | number)[], input: unknown, message: string) => void,
): void {
  if (monitoring === undefined) return;
  const topic = monitoring.topic;
  if ("existingTopicArn" in topic) {
    const arn = topic.existingTopicArn;
    if (arnAccount(arn) !== env.account || arnRegion(arn) !== env.region) {
      issue(
        ["monitoring", "topic", "existingTopicArn"],
        arn,
        `the topic must be in the environment's account ${env.account} and region ${env.region} (EventBridge rules deliver to an SNS topic of their own region); create a topic there or use {"create": {}}`,
      );
    }
    return;
  }
  topic.create.keyAdministrators.forEach((principal, i) => {
    if (arnAccount(principal) !== env.account) {
      issue(
        ["monitoring", "topic", "create", "keyAdministrators", i],
        principal,
        `must be a principal of the environment's account ${env.account} (the topic key lives there)`,
      );
    }
  });
}
