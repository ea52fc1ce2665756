/** Cross-field checks walk keys generically: any block with administrators/users, at any depth. */
import type { z } from "zod";
import { checkKeyPrincipalAccounts, keyBlocks, principalAccount } from "./cross-checks";

interface Issue {
  readonly path: (string | number)[];
  readonly message: string;
}

function issuesOf(env: { account: string }): Issue[] {
  const issues: Issue[] = [];
  const ctx = { addIssue: (i: Issue) => issues.push(i) } as unknown as z.RefinementCtx;
  checkKeyPrincipalAccounts(env, ctx);
  return issues;
}

const role = (account: string, name = "r") => `arn:aws:iam::${account}:role/${name}`;

test("principalAccount reads the account field of an IAM ARN", () => {
  expect(principalAccount(role("012345678901"))).toBe("012345678901");
  expect(principalAccount("arn:aws-cn:iam::123456789012:root")).toBe("123456789012");
  expect(principalAccount("not an arn")).toBeUndefined();
  expect(principalAccount(7)).toBeUndefined();
});

test("finds key blocks at any depth, in the account of the nearest block that names one", () => {
  const env = {
    account: "111111111111",
    blueprints: {
      future: { deep: { list: [{ key: { administrators: [], users: [] } }] } },
      rep: { destination: { account: "222222222222", key: { administrators: [] } } },
    },
  };
  expect(keyBlocks(env).map((b) => [b.path.join("."), b.account, b.foreign])).toEqual([
    ["blueprints.future.deep.list.0.key", "111111111111", false],
    ["blueprints.rep.destination.key", "222222222222", true],
  ]);
});

test("own-account administrators and users pass", () => {
  expect(issuesOf({ account: "111111111111", k: { administrators: [role("111111111111")], users: ["arn:aws:iam::111111111111:root"] } } as never)).toEqual([]);
});

test("an administrator of another account is refused at its index", () => {
  const issues = issuesOf({ account: "111111111111", a: { key: { administrators: [role("111111111111"), role("111111111112")] } } } as never);
  expect(issues.map((i) => i.path)).toEqual([["a", "key", "administrators", 1]]);
  expect(issues[0].message).toMatch(/not of account 111111111112: an administrator holds kms:PutKeyPolicy/);
});

test("a user of another account is refused: kms:CallerAccount makes the grant dead", () => {
  const issues = issuesOf({ account: "111111111111", key: { users: [role("333333333333")] } } as never);
  expect(issues.map((i) => i.path)).toEqual([["key", "users", 0]]);
  expect(issues[0].message).toMatch(/kms:CallerAccount/);
});

test("a source-account administrator of a destination key is refused with the isolation reason", () => {
  const env = {
    account: "111111111111",
    destination: { account: "444444444444", key: { administrators: [role("111111111111")], users: [role("444444444444")] } },
  };
  const issues = issuesOf(env as never);
  expect(issues.map((i) => i.path)).toEqual([["destination", "key", "administrators", 0]]);
  expect(issues[0].message).toMatch(/destination account 444444444444.*isolation of the replica/);
});

test("an environment account that is not 12 digits is left to its own rule", () => {
  expect(issuesOf({ account: "123", key: { administrators: [role("111111111111")] } } as never)).toEqual([]);
});
