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

/** Events KMS sends to EventBridge itself (best effort, no CloudTrail trail needed). */
export const KMS_SERVICE_EVENTS = ["KMS CMK Deletion", "KMS CMK Rotation", "KMS Imported Key Material Expiration"] as const;

/**
 * KMS API calls the alarms watch. EventBridge receives them only from a CloudTrail trail that logs
 * management events (write) in the region of the keys: the trail's home region, or any region for a
 * multi-Region trail.
 */
export const KMS_API_CALLS = ["CreateGrant", "DisableKey", "ImportKeyMaterial", "PutKeyPolicy", "ScheduleKeyDeletion"] as const;

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
