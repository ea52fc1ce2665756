import { SERVICE_PRINCIPAL_CALLS, conditionKeyVerdict, isServicePrincipal, renderServiceConditionTable, serviceCallsFor } from "./service-conditions";

describe("the table of documented service-principal conditions", () => {
  test("EventBridge's KMS call for an encrypted topic: aws:SourceAccount / aws:SourceArn / aws:SourceOrgID are documented as not sent", () => {
    for (const key of ["aws:SourceAccount", "aws:sourceaccount", "aws:SourceArn", "aws:SourceOrgID"]) {
      const v = conditionKeyVerdict("events.amazonaws.com", "kms:GenerateDataKey", key);
      expect([key, v.kind]).toEqual([key, "not-sent"]);
      if (v.kind === "not-sent") expect(v.entry.source.quote).toContain("is not supported for EventBridge-to-encrypted topics");
    }
    expect(conditionKeyVerdict("events.amazonaws.com", "kms:Decrypt", "kms:EncryptionContext:aws:sns:topicArn").kind).toBe("possibly");
    // A policy's action pattern is looked up as written.
    expect(conditionKeyVerdict("events.amazonaws.com", "kms:GenerateDataKey*", "kms:EncryptionContext:aws:sns:topicArn").kind).toBe("possibly");
  });

  test("EventBridge's dead letters: aws:SourceArn is documented; its sns:Publish aws:SourceArn only possibly", () => {
    expect(conditionKeyVerdict("events.amazonaws.com", "sqs:SendMessage", "aws:SourceArn").kind).toBe("documented");
    expect(conditionKeyVerdict("events.amazonaws.com", "sqs:SendMessage", "aws:SourceAccount").kind).toBe("undocumented");
    expect(conditionKeyVerdict("events.amazonaws.com", "sns:Publish", "aws:SourceArn").kind).toBe("possibly");
  });

  test("CloudWatch alarms: aws:SourceArn on sns:Publish, aws:SourceAccount and aws:SourceArn on the topic key", () => {
    expect(conditionKeyVerdict("cloudwatch.amazonaws.com", "sns:Publish", "aws:SourceArn").kind).toBe("documented");
    expect(conditionKeyVerdict("cloudwatch.amazonaws.com", "kms:GenerateDataKey", "aws:SourceAccount").kind).toBe("documented");
    expect(conditionKeyVerdict("cloudwatch.amazonaws.com", "kms:Encrypt", "aws:SourceAccount").kind).toBe("unknown-call");
  });

  test("a call the table does not know", () => {
    expect(conditionKeyVerdict("lambda.amazonaws.com", "sqs:SendMessage", "aws:SourceArn").kind).toBe("unknown-call");
    expect(serviceCallsFor("events.amazonaws.com", "kms:Encrypt")).toEqual([]);
  });

  test("service principals are recognised, ARNs and accounts are not", () => {
    expect(isServicePrincipal("events.amazonaws.com")).toBe(true);
    expect(isServicePrincipal("s3.amazonaws.com.cn")).toBe(true);
    expect(isServicePrincipal("arn:aws:iam::111111111111:root")).toBe(false);
    expect(isServicePrincipal("*")).toBe(false);
  });

  test("every key cites an AWS page and a sentence; possibly-sent keys say why", () => {
    for (const call of SERVICE_PRINCIPAL_CALLS) {
      for (const k of call.keys) {
        expect(k.source.url).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|repost\.aws)\//);
        expect(k.source.quote.length).toBeGreaterThan(20);
        if (k.sent === "possibly") expect(k.note).toBeDefined();
      }
    }
  });

  test("renders one Markdown row per call", () => {
    const table = renderServiceConditionTable().split("\n");
    expect(table).toHaveLength(2 + SERVICE_PRINCIPAL_CALLS.length);
    expect(table.every((row) => row.split(" | ").length === 4)).toBe(true);
  });
});
