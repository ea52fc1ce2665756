/**
 * The KMS events the alarms watch, as EventBridge names them, and the event patterns that match
 * them for a list of keys.
 *
 * Sources (AWS documentation): "Monitor KMS keys with Amazon EventBridge" (kms-events) names the
 * events KMS sends itself, source `aws.kms`, each carrying the key ARN in the top-level `resources`;
 * "AWS Key Management Service events" (EventBridge events reference, events-ref-kms) names the
 * CloudTrail-delivered form (`detail-type` "AWS API Call via CloudTrail", `detail.eventSource`
 * `kms.amazonaws.com`). The CloudTrail record of a key operation carries the key ARN in
 * `detail.resources[].ARN` (e.g. the DisableKey log entry in the KMS developer guide), while
 * `requestParameters.keyId` holds whatever the caller passed (key id, alias or ARN): the patterns
 * match `resources.ARN`.
 */

/**
 * Events KMS sends to EventBridge itself (best effort, no CloudTrail trail needed). AWS KMS Developer
 * Guide, "Monitor KMS keys with Amazon EventBridge" (https://docs.aws.amazon.com/kms/latest/developerguide/kms-events.html):
 * "Whenever AWS KMS rotates key material, it sends a `KMS CMK Rotation` event to EventBridge."
 * (automatic and on-demand rotation, imported material included); "When the key material expires,
 * AWS KMS deletes the key material and sends a corresponding `KMS Imported Key Material Expiration`
 * event to EventBridge." (the expiry of any imported material, and its deletion by KMS);
 * `KMS CMK Deletion` when a scheduled deletion completes.
 */
export const KMS_SERVICE_EVENTS = ["KMS CMK Deletion", "KMS CMK Rotation", "KMS Imported Key Material Expiration"] as const;

/**
 * KMS API calls the alarms watch (CloudTrail `eventName`s, the API operation names of the AWS KMS API
 * Reference: AWS KMS Developer Guide, "Logging AWS KMS API calls with AWS CloudTrail",
 * https://docs.aws.amazon.com/kms/latest/developerguide/logging-using-cloudtrail.html : "AWS KMS is
 * integrated with AWS CloudTrail, a service that records all calls to AWS KMS by users, roles, and
 * other AWS services."). EventBridge receives them only from a CloudTrail trail that logs management
 * events (write) in the region of the keys: the trail's home region, or any region for a
 * multi-Region trail.
 *
 * - `DisableKey`, `ScheduleKeyDeletion`: the key stops working (now, or at the end of the window);
 * - `PutKeyPolicy`, `CreateGrant`: who may use the key changes;
 * - `DisableKeyRotation`: a key with automatic rotation stops rotating (KMS refuses it for an
 *   `EXTERNAL` key; the refused call is still recorded, with an `errorCode`);
 * - the life of imported material (`EXTERNAL` keys): `ImportKeyMaterial` (first import, a reimport, or
 *   `ImportType` `NEW_KEY_MATERIAL` staging new material), `RotateKeyOnDemand` (the staged material
 *   becomes current), `DeleteImportedKeyMaterial` (a material is deleted: what it encrypted cannot be
 *   decrypted until it is reimported).
 *
 * One rule watches all of them on all the stack's keys: a call that does not apply to a key (rotation
 * calls on an imported-material key, material calls on a key with rotation) is refused by KMS and
 * alarms only as an attempt. The material's expiry has no API call: KMS's own event above covers it.
 */
export const KMS_API_CALLS = [
  "CreateGrant",
  "DeleteImportedKeyMaterial",
  "DisableKey",
  "DisableKeyRotation",
  "ImportKeyMaterial",
  "PutKeyPolicy",
  "RotateKeyOnDemand",
  "ScheduleKeyDeletion",
] as const;

/** The `detail-type` of CloudTrail-delivered events. */
export const CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";

/** Event pattern: the events KMS sends itself for these keys (`resources` holds the key ARN). */
export function kmsServiceEventPattern(keyArns: readonly string[]): Record<string, unknown> {
  return { source: ["aws.kms"], "detail-type": [...KMS_SERVICE_EVENTS], resources: [...keyArns] };
}

/** Event pattern: the watched API calls on these keys, as CloudTrail delivers them (`detail.resources[].ARN`). */
export function kmsApiCallPattern(keyArns: readonly string[]): Record<string, unknown> {
  return {
    source: ["aws.kms"],
    "detail-type": [CLOUDTRAIL_DETAIL_TYPE],
    detail: { eventSource: ["kms.amazonaws.com"], eventName: [...KMS_API_CALLS], resources: { ARN: [...keyArns] } },
  };
}
