import { createHash } from "node:crypto";
import { partitionOf } from "@sse-kms/config";
import { requireKnownRegion, requireProp } from "@sse-kms/construct-kit";
import { EncryptionKey } from "@sse-kms/key";
import { type PolicyStatement, policyDocument, renderPolicy } from "@sse-kms/policy";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { Lazy, TerraformOutput, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { kmsApiCallPattern, kmsServiceEventPattern } from "./events";
import { TOPIC_HANDOVER_OUTPUTS } from "./handover";
import {
  type TopicScope,
  publishFromRulesStatement,
  ruleArn,
  topicArn,
  topicKeyUseByEventBridgeStatement,
  topicManagementByAccountStatement,
} from "./policies";

/** EventBridge rule names: 1..64 characters of `[.\-_A-Za-z0-9]`. */
const RULE_NAME_MAX = 64;
/** SNS topic names: 1..256 characters of `[A-Za-z0-9_-]`. */
const TOPIC_NAME_MAX = 256;

/** The topic the alarms publish to. */
export type KeyEventTopic =
  | {
      /** Create a topic (and the KMS key that encrypts it). */
      readonly create: {
        /** Administrators of the topic key (lifecycle only). @default [] (the account root manages it) */
        readonly keyAdministrators?: readonly string[];
        /** Deletion window of the topic key, 7..30 days. @default 30 */
        readonly deletionWindowInDays?: number;
      };
    }
  | {
      /** An existing standard topic of the same account and region; its owner adds the hand-over statements. */
      readonly existingTopicArn: string;
    };

/** Properties of {@link KeyEventAlarms}. */
export interface KeyEventAlarmsProps {
  /** ARNs of the keys to watch (Terraform references allowed). Must be keys of `account` and `region`. */
  readonly keyArns: readonly string[];
  /** Account of the keys, rules and topic (12 digits). */
  readonly account: string;
  /** Region of the keys, rules and topic. */
  readonly region: string;
  /** Prefix of the rule and topic names, usually the stack name (`<env>-<blueprint>`). */
  readonly namePrefix: string;
  /** Where the alarms go. */
  readonly topic: KeyEventTopic;
  /** Also watch the key this construct creates for the topic. @default true */
  readonly watchTopicKey?: boolean;
  /** `lifecycle.prevent_destroy` on the topic key. @default false */
  readonly preventDestroy?: boolean;
  /** The AWS provider of the rules and topic (the keys' account and region). @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

/**
 * Alarms on the events of KMS keys: two EventBridge rules on the default bus of the keys' account
 * and region, each with the SNS topic as target.
 *
 * - `kms_key_events`: the events KMS sends itself (`KMS CMK Deletion`, `KMS CMK Rotation`,
 *   `KMS Imported Key Material Expiration`), no CloudTrail needed;
 * - `kms_key_api_calls`: `CreateGrant`, `DisableKey`, `ImportKeyMaterial`, `PutKeyPolicy` and
 *   `ScheduleKeyDeletion` on those keys, which EventBridge receives only from a CloudTrail trail
 *   logging management events in that region.
 *
 * With `topic.create`, the construct also creates the topic `<prefix>-key-events`, encrypted with a
 * customer-managed key of its own (`aws_kms_key.key_events`: the AWS managed `alias/aws/sns` key's
 * policy cannot be changed to let EventBridge use it), whose policy lets `events.amazonaws.com` use
 * it only for that topic, and a topic policy that lets only the two rules publish. With
 * `topic.existingTopicArn`, the topic's owner adds the statements the stack outputs
 * (`key_events_topic_policy_statement`, and `key_events_topic_key_policy_statement` for an encrypted topic).
 */
export class KeyEventAlarms extends Construct {
  /** The topic ARN (a literal: the created topic's ARN is known before apply). */
  readonly topicArn: string;
  /** The key that encrypts a created topic. */
  readonly topicKey?: EncryptionKey;
  readonly serviceEventRule: CloudwatchEventRule;
  readonly apiCallRule: CloudwatchEventRule;
  /** ARNs of the two rules (literal). */
  readonly ruleArns: readonly string[];
  /** The statement the topic's owner adds (existing topic) or the topic policy holds (created topic). */
  readonly publishStatement: PolicyStatement;
  /** The statement the topic key's policy needs for EventBridge. */
  readonly topicKeyStatement: PolicyStatement;
  private readonly watched: string[];

  constructor(scope: Construct, id: string, props: KeyEventAlarmsProps) {
    super(scope, id);
    const path = this.node.path;
    requireProp(/^\d{12}$/.test(props.account), {
      constructPath: path,
      prop: "account",
      rule: "must be a 12-digit AWS account id",
      received: props.account,
      fix: "pass the account id as a 12-digit string",
    });
    requireKnownRegion(path, "region", props.region);
    requireProp(/^[A-Za-z0-9_-]+$/.test(props.namePrefix), {
      constructPath: path,
      prop: "namePrefix",
      rule: "must be letters, digits, '-' or '_' (it starts rule and topic names)",
      received: props.namePrefix,
      fix: "use the stack name",
    });
    const where: TopicScope = { partition: partitionOf(props.region), account: props.account, region: props.region };

    let topic: string;
    if ("existingTopicArn" in props.topic) {
      const arn = props.topic.existingTopicArn;
      const parts = arn.split(":");
      requireProp(parts[0] === "arn" && parts[2] === "sns" && parts[3] === props.region && parts[4] === props.account && parts.length === 6, {
        constructPath: path,
        prop: "topic.existingTopicArn",
        rule: `must be an SNS topic ARN in account ${props.account} and region ${props.region} (EventBridge delivers to an SNS topic of the rule's region)`,
        received: arn,
        fix: `use a topic arn:${where.partition}:sns:${props.region}:${props.account}:<name>, or create one with topic.create`,
      });
      topic = arn;
    } else {
      topic = topicArn(where, boundedName(`${props.namePrefix}-key-events`, TOPIC_NAME_MAX));
    }
    this.topicArn = topic;
    this.topicKeyStatement = topicKeyUseByEventBridgeStatement(where, topic);

    const ruleNames = {
      events: boundedName(`${props.namePrefix}-kms-key-events`, RULE_NAME_MAX),
      calls: boundedName(`${props.namePrefix}-kms-key-api-calls`, RULE_NAME_MAX),
    };
    this.ruleArns = [ruleArn(where, ruleNames.events), ruleArn(where, ruleNames.calls)].sort();
    this.publishStatement = publishFromRulesStatement(where, topic, this.ruleArns, props.namePrefix);

    this.watched = [...props.keyArns];
    let topicResource: SnsTopic | undefined;
    if ("create" in props.topic) {
      const key = new EncryptionKey(this, "TopicKey", {
        name: "key-events",
        terraformName: "key_events",
        account: props.account,
        region: props.region,
        description: `${props.namePrefix}: encrypts the key-events SNS topic (managed by sse-kms-blueprints)`,
        administrators: props.topic.create.keyAdministrators ?? [],
        deletionWindowInDays: props.topic.create.deletionWindowInDays,
        preventDestroy: props.preventDestroy ?? false,
        provider: props.provider,
      });
      key.addToResourcePolicy(this.topicKeyStatement);
      this.topicKey = key;
      if (props.watchTopicKey ?? true) this.watched.push(key.keyArn);
      topicResource = new SnsTopic(this, "Topic", {
        name: topic.split(":")[5] as string,
        kmsMasterKeyId: key.keyArn,
        provider: props.provider,
      });
      topicResource.overrideLogicalId("key_events");
      // The topic's ARN is known before apply: write it literally (with an explicit dependency) so
      // the policies read the same in the plan, the access proofs and `terraform test`'s mocks.
      new SnsTopicPolicy(this, "TopicPolicy", {
        arn: topic,
        dependsOn: [topicResource],
        policy: renderPolicy(policyDocument([this.publishStatement, topicManagementByAccountStatement(where, topic)])),
        provider: props.provider,
      }).overrideLogicalId("key_events");
    }
    requireProp(this.watched.length > 0, {
      constructPath: path,
      prop: "keyArns",
      rule: "must name at least one key to watch",
      received: [],
      fix: "pass the ARNs of the stack's keys, or do not create the alarms",
    });

    const rule = (id: string, name: string, description: string, pattern: () => Record<string, unknown>) => {
      const r = new CloudwatchEventRule(this, `${id}Rule`, {
        name,
        description,
        eventPattern: Lazy.stringValue({ produce: () => JSON.stringify(pattern()) }),
        provider: props.provider,
      });
      r.overrideLogicalId(terraformId(id));
      new CloudwatchEventTarget(this, `${id}Target`, {
        rule: r.name,
        targetId: "sns",
        arn: topic,
        dependsOn: topicResource ? [topicResource] : undefined,
        provider: props.provider,
      }).overrideLogicalId(terraformId(id));
      return r;
    };
    this.serviceEventRule = rule("KmsKeyEvents", ruleNames.events, "KMS key deletion, rotation and imported-material expiration (sent by KMS)", () =>
      kmsServiceEventPattern(this.watched),
    );
    this.apiCallRule = rule(
      "KmsKeyApiCalls",
      ruleNames.calls,
      "DisableKey, ScheduleKeyDeletion, PutKeyPolicy, CreateGrant, ImportKeyMaterial on the stack's keys (needs a CloudTrail trail with management events)",
      () => kmsApiCallPattern(this.watched),
    );

    const output = (name: string, value: string, description: string) => new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output("key_events_topic_arn", topic, "The SNS topic that receives the key-event alarms");
    if ("existingTopicArn" in props.topic) {
      output(
        TOPIC_HANDOVER_OUTPUTS.topicPolicyStatement,
        JSON.stringify(this.publishStatement),
        "Statement the existing topic's owner adds to its topic policy: only this stack's key-event rules may publish",
      );
      output(
        TOPIC_HANDOVER_OUTPUTS.topicKeyPolicyStatement,
        JSON.stringify(this.topicKeyStatement),
        "If the existing topic is encrypted with a customer-managed key: the statement its key policy needs for EventBridge",
      );
    }
  }

  /** Watches one more key (its ARN, a Terraform reference allowed). */
  watchKey(keyArn: string): void {
    if (!this.watched.includes(keyArn)) this.watched.push(keyArn);
  }

  /** The ARNs watched (Terraform references unresolved). */
  get keyArns(): readonly string[] {
    return [...this.watched];
  }
}

/** `KmsKeyEvents` -> `kms_key_events` */
function terraformId(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** The name, or a prefix of it plus a hash of the whole when it is longer than `max` (deterministic). */
export function boundedName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, max - 9)}-${hash}`;
}
