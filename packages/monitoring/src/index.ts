export { KeyEventAlarms, type KeyEventAlarmsProps, type KeyEventTopic, boundedName } from "./key-event-alarms";
export { type AttachedKeyEventAlarmsProps, attachKeyEventAlarms, existingKeysOfStack, keysOfStack, type MonitoredStack } from "./attach";
export { CLOUDTRAIL_DETAIL_TYPE, KMS_API_CALLS, KMS_SERVICE_EVENTS, kmsApiCallPattern, kmsServiceEventPattern } from "./events";
export {
  CLOUDWATCH_SERVICE_PRINCIPAL,
  EVENTS_SERVICE_PRINCIPAL,
  SNS_TOPIC_CONTEXT_KEY,
  TOPIC_KEY_ACTIONS,
  type TopicScope,
  alarmArn,
  alarmTopicKeyUseByCloudWatchStatement,
  deadLetterFromRulesStatement,
  publishFromAlarmsStatement,
  publishFromRulesStatement,
  queueArn,
  ruleArn,
  topicArn,
  topicKeyUseByEventBridgeStatement,
  topicManagementByAccountStatement,
} from "./policies";
export { TOPIC_HANDOVER_OUTPUTS, type StackTopicHandover, renderTopicHandover, topicHandoverPath } from "./handover";
