import { ExistingKey } from "@sse-kms/key";
import { KmsExternalKey } from "@cdktf/provider-aws/lib/kms-external-key";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { KmsReplicaExternalKey } from "@cdktf/provider-aws/lib/kms-replica-external-key";
import type { KmsReplicaKey } from "@cdktf/provider-aws/lib/kms-replica-key";
import { type TerraformProvider, TerraformResource, type TerraformStack } from "cdktf";
import { KeyEventAlarms, type KeyEventAlarmsProps } from "./key-event-alarms";

/** What {@link attachKeyEventAlarms} needs of a stack. */
export interface MonitoredStack {
  readonly stack: TerraformStack;
  /** The stack's default AWS provider: keys created with it (or with no explicit provider) are watched. */
  readonly provider: TerraformProvider;
  readonly account: string;
  readonly region: string;
  readonly preventDestroy: boolean;
}

type KeyResource = KmsKey | KmsExternalKey | KmsReplicaKey | KmsReplicaExternalKey;

/**
 * The Terraform types of {@link KeyResource}. The replica types are written out, not read from their
 * classes, so that a synth does not load two provider modules (86 KB) that only this check would
 * use; key-event-alarms.test.ts holds the names to the classes.
 */
export const KEY_RESOURCE_TYPES: ReadonlySet<string> = new Set([KmsKey.tfResourceType, KmsExternalKey.tfResourceType, "aws_kms_replica_key", "aws_kms_replica_external_key"]);

/**
 * The KMS keys a stack creates in its own account and region: every key resource created with the
 * stack's default provider (keys created through another provider, such as a replication
 * destination in another account, are left out: EventBridge rules see only their own account's events).
 */
export function keysOfStack(s: MonitoredStack): KeyResource[] {
  return s.stack.node
    .findAll()
    .filter((c): c is KeyResource => TerraformResource.isTerraformResource(c) && KEY_RESOURCE_TYPES.has(c.terraformResourceType))
    .filter((k) => k.provider === undefined || k.provider === s.provider);
}

/**
 * The keys a stack uses but does not create (an {@link ExistingKey}, from `EncryptionKey.fromKeyArn`) that are in
 * its own account and region: their events reach this account's default bus like those of the keys it
 * creates (EventBridge rules see their own account's events; ExistingKey already refuses a key of
 * another account or region, this filter keeps that true for any caller).
 */
export function existingKeysOfStack(s: MonitoredStack): ExistingKey[] {
  return s.stack.node
    .findAll()
    .filter((c): c is ExistingKey => c instanceof ExistingKey)
    .filter((k) => k.account === s.account && k.region === s.region);
}

/** What {@link attachKeyEventAlarms} takes besides the stack: where the alarms go. */
export type AttachedKeyEventAlarmsProps = Pick<KeyEventAlarmsProps, "topic">;

/**
 * Adds key-event alarms to a stack, for the keys it creates in its own account and region (call it
 * after the blueprint has built the stack), and for the existing keys it uses there
 * (`EncryptionKey.fromKeyArn`). Returns undefined, and adds nothing, when `alarms` is undefined
 * (monitoring off) or the stack neither creates nor uses a key there. An environment's validated
 * `monitoring` block is such props as it is (`{ topic }`).
 */
export function attachKeyEventAlarms(s: MonitoredStack, alarms: AttachedKeyEventAlarmsProps | undefined): KeyEventAlarms | undefined {
  if (alarms === undefined) return undefined;
  const keys = [...keysOfStack(s).map((k) => k.arn), ...new Set(existingKeysOfStack(s).map((k) => k.keyArn))];
  if (keys.length === 0) return undefined;
  return new KeyEventAlarms(s.stack, "KeyEventAlarms", {
    keyArns: keys,
    account: s.account,
    region: s.region,
    namePrefix: s.stack.node.id,
    topic: alarms.topic,
    preventDestroy: s.preventDestroy,
  });
}
