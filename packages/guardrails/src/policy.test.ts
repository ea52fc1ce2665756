/** policyStatementsOf: what the rules read of a policy attribute, parsed once per text and frozen. */
import { policyStatementsOf } from "./policy";

const text = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "Use", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/app" }, Action: ["kms:Decrypt"], Resource: "*" }],
});

test("the same text gives the same statements, frozen all the way down: no rule can change what the next one reads", () => {
  const first = policyStatementsOf(text);
  const again = policyStatementsOf(text);
  if (!first.ok || !again.ok) throw new Error("expected a parsed policy");
  expect(again.statements).toBe(first.statements);
  expect(first.statements[0]).toMatchObject({ Sid: "Use", Action: ["kms:Decrypt"] });
  expect(Object.isFrozen(first.statements)).toBe(true);
  const statement = first.statements[0] as unknown as { Action: string[]; Principal: { AWS: string } };
  expect(() => statement.Action.push("kms:*")).toThrow(TypeError);
  expect(() => {
    statement.Principal.AWS = "*";
  }).toThrow(TypeError);
  expect(policyStatementsOf(text)).toEqual(first);
});

test("what is not a policy is reported, not parsed", () => {
  expect(policyStatementsOf(undefined)).toEqual({ ok: false, reason: "no policy" });
  expect(policyStatementsOf(3)).toEqual({ ok: false, reason: "the policy is not a string" });
  expect(policyStatementsOf('${data.aws_iam_policy_document.x.json}')).toMatchObject({ ok: false });
});
