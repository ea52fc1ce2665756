/**
 * Identity policies for access simulation. The policy types are `@sse-kms/policy`'s
 * (`IamPolicyDocument`, `IamStatement`: statements without Sid, any condition operator), so
 * identity policies written in tests and policies read from `cdk.tf.json` both fit.
 */
import { type IamPolicyDocument, parsePolicy } from "@sse-kms/policy";

/** The identity policy `Allow *:*` (AdministratorAccess): shows the most a resource policy permits. */
export const allowAll: IamPolicyDocument = Object.freeze({
  Version: "2012-10-17",
  Statement: Object.freeze([Object.freeze({ Sid: "AllowAll", Effect: "Allow", Action: "*", Resource: "*" })]),
}) as IamPolicyDocument;

/** An identity policy that allows the given actions on the given resources (default `*`). */
export function allowActions(actions: string | readonly string[], resources: string | readonly string[] = "*", sid = "AllowActions"): IamPolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", Action: actions, Resource: resources }] };
}

/** Parses policy JSON (`@sse-kms/policy`'s parsePolicy) or throws naming where it came from. */
export function parsePolicyAt(json: string, where: string): IamPolicyDocument {
  const parsed = parsePolicy(json);
  if (!parsed.ok) throw new Error(`${where}: ${parsed.reason}`);
  return parsed.document;
}
