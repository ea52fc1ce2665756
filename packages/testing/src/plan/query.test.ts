import { type ChangeActions } from "./model";
import { findMismatch } from "./partial";
import { ACTION_KINDS, actionOf, countActions, findChanges, replaceOrder } from "./query";
import { F, fixture } from "./test-support";

describe("actionOf / replaceOrder", () => {
  it.each<[ChangeActions, string, string | undefined]>([
    [["create"], "create", undefined],
    [["read"], "read", undefined],
    [["update"], "update", undefined],
    [["delete"], "delete", undefined],
    [["no-op"], "no-op", undefined],
    [["forget"], "forget", undefined],
    [["delete", "create"], "replace", "delete-first"],
    [["create", "delete"], "replace", "create-first"],
    [["create", "forget"], "replace", "create-then-forget"],
  ])("%j is %s (%s)", (actions, kind, order) => {
    expect(actionOf(actions)).toBe(kind);
    expect(actionOf({ actions, before: null, after: null })).toBe(kind);
    expect(replaceOrder({ actions, before: null, after: null })).toBe(order);
  });
});

describe("findChanges / countActions", () => {
  const terragoat = fixture(F.terragoat);

  it("combines filters: type list, address pattern, action and mode", () => {
    expect(findChanges(terragoat, { type: ["aws_kms_key", "aws_kms_alias"] }).map((c) => c.address)).toEqual([
      "aws_kms_alias.logs_key_alias",
      "aws_kms_key.logs_key",
    ]);
    expect(findChanges(terragoat, { address: /^aws_s3_bucket\.data/ }).map((c) => c.address)).toEqual(["aws_s3_bucket.data", "aws_s3_bucket.data_science"]);
    expect(findChanges(terragoat, { address: "aws_s3_bucket.data" })).toHaveLength(1);
    expect(findChanges(terragoat, { type: "aws_s3_bucket", action: "update" })).toEqual([]);
    expect(findChanges(terragoat, { mode: "data" })).toEqual([]);
    expect(findChanges(terragoat)).toHaveLength(55);
  });

  it("counts every action kind, zeros included", () => {
    expect(countActions(fixture(F.oidc))).toEqual({ create: 5, read: 4, update: 0, replace: 0, delete: 0, forget: 0, "no-op": 0 });
    expect(Object.keys(countActions(terragoat))).toEqual([...ACTION_KINDS]);
  });
});

describe("findMismatch (partial matching)", () => {
  it("ignores keys not asked for, requires equal list lengths, and compares leaves deeply", () => {
    expect(findMismatch({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] } })).toBeUndefined();
    expect(findMismatch({ a: [] }, { a: [] })).toBeUndefined();
    expect(findMismatch({ a: [1] }, { a: [] })).toMatchObject({ path: ["a"], reason: "length" });
    expect(findMismatch({ a: [{ x: 1, y: 2 }] }, { a: [{ y: 3 }] })).toMatchObject({ path: ["a", 0, "y"], reason: "different", received: 2 });
    expect(findMismatch({ a: "s" }, { a: { b: 1 } })).toMatchObject({ reason: "not-object" });
    expect(findMismatch({ a: "s" }, { a: [1] })).toMatchObject({ reason: "not-list" });
    expect(findMismatch({}, { a: 1 })).toMatchObject({ path: ["a"], reason: "absent" });
    expect(findMismatch({ a: null }, { a: null })).toBeUndefined();
    expect(findMismatch({ a: 1 }, { a: undefined })).toMatchObject({ reason: "different" });
  });

  it("reports unknown values from after_unknown, including null placeholders in lists", () => {
    expect(findMismatch({ l: [null] }, { l: ["x"] }, { l: [true] })).toMatchObject({ path: ["l", 0], reason: "unknown" });
    expect(findMismatch({}, { b: { c: 1 } }, { b: true })).toMatchObject({ path: ["b"], reason: "unknown" });
    expect(findMismatch({ l: [null] }, { l: [null] }, { l: [false] })).toBeUndefined();
  });
});
