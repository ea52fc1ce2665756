export { KeyEventAlarms, type KeyEventAlarmsProps, type KeyEventTopic, boundedName } from "./key-event-alarms";
export { attachKeyEventAlarms, keysOfStack, type MonitoredStack } from "./attach";
export { CLOUDTRAIL_DETAIL_TYPE, KMS_API_CALLS, KMS_SERVICE_EVENTS, kmsApiCallPattern, kmsServiceEventPattern } from "./events";
export {
  EVENTS_SERVICE_PRINCIPAL,
  SNS_TOPIC_CONTEXT_KEY,
  type TopicScope,
  publishFromRulesStatement,
  ruleArn,
  topicArn,
  topicKeyUseByEventBridgeStatement,
  topicManagementByAccountStatement,
} from "./policies";
export { TOPIC_HANDOVER_OUTPUTS, type StackTopicHandover, renderTopicHandover, topicHandoverPath } from "./handover";
