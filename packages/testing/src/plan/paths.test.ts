import { type Change } from "./model";
import { formatPath, isSensitive, isUnknown, lookupPath, parsePath, valueAt } from "./paths";

describe("parsePath / formatPath", () => {
  it.each([
    ["server_side_encryption_configuration[0].rule[0].bucket_key_enabled", ["server_side_encryption_configuration", 0, "rule", 0, "bucket_key_enabled"]],
    ['tags["cost-center"]', ["tags", "cost-center"]],
    ['tags["a.b[0]"].x', ["tags", "a.b[0]", "x"]],
    ['m["say \\"hi\\""]', ["m", 'say "hi"']],
    ["statement[0].principals[0].identifiers[12]", ["statement", 0, "principals", 0, "identifiers", 12]],
    ["[3]", [3]],
  ])("parses %s", (text, segments) => {
    expect(parsePath(text)).toEqual(segments);
  });

  it("takes an array of keys as is", () => {
    expect(parsePath(["rule", 0, "x.y"])).toEqual(["rule", 0, "x.y"]);
  });

  it.each([
    ["", /empty path/],
    ["a..b", /empty segment at 2/],
    [".a", /empty segment at 0/],
    ["a.", /trailing '\.'/],
    ["a[0", /unclosed "\[" at 1/],
    ["a[x]", /"\[x\]" is neither an index nor a quoted key/],
    ['a["x]', /unclosed/],
    ["a[0]b", /missing '\.' before position 4/],
  ])("rejects %j", (text, message) => {
    expect(() => parsePath(text)).toThrow(message);
  });

  it("formats paths canonically, quoting keys that are not identifiers", () => {
    expect(formatPath(["rule", 0, "apply_server_side_encryption_by_default", 0, "sse_algorithm"])).toBe(
      "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm",
    );
    expect(formatPath(["tags", "cost center", "x"])).toBe('tags["cost center"].x');
    expect(formatPath('tags["plain"]')).toBe("tags.plain");
    expect(parsePath(formatPath(["a", 'we"ird.key', 2]))).toEqual(["a", 'we"ird.key', 2]);
  });
});

describe("lookupPath / valueAt", () => {
  const after = { a: { b: [{ c: 1 }, { c: null }] }, tags: { "x.y": "z" }, list: ["p", "q"] };

  it("finds values, tells a present null from an absent value, and reports how far it got", () => {
    expect(valueAt(after, "a.b[0].c")).toBe(1);
    expect(lookupPath(after, "a.b[1].c")).toEqual({ found: true, value: null });
    expect(lookupPath(after, "a.b[1].d")).toEqual({ found: false, depth: 3 });
    expect(lookupPath(after, "a.b[5].c")).toEqual({ found: false, depth: 2 });
    expect(lookupPath(after, "zzz")).toEqual({ found: false, depth: 0 });
    expect(valueAt(after, 'tags["x.y"]')).toBe("z");
    expect(valueAt(after, ["tags", "x.y"])).toBe("z");
  });

  it("does not index objects by number or lists by non-numeric keys, but accepts digit strings on lists", () => {
    expect(valueAt(after, ["a", 0])).toBeUndefined();
    expect(valueAt(after, ["list", "length"])).toBeUndefined();
    expect(valueAt(after, ["list", "1"])).toBe("q");
    expect(valueAt(null, "a")).toBeUndefined();
    expect(valueAt("text", "length")).toBeUndefined();
  });
});

describe("isUnknown / isSensitive", () => {
  const change: Change = {
    actions: ["create"],
    before: null,
    after: { rule: [{ sse: [{ algo: "aws:kms" }] }], list: [null, "b"] },
    after_unknown: { id: true, rule: [{ sse: [{ key: true }] }], list: [true, false], whole: true },
    before_sensitive: false,
    after_sensitive: { secret: true, nested: [{ pw: true }] },
  };

  it("is true at unknown leaves and below an unknown ancestor, false elsewhere", () => {
    expect(isUnknown(change, "id")).toBe(true);
    expect(isUnknown(change, "rule[0].sse[0].key")).toBe(true);
    expect(isUnknown(change, "rule[0].sse[0].algo")).toBe(false);
    expect(isUnknown(change, "rule[0]")).toBe(false);
    expect(isUnknown(change, "list[0]")).toBe(true);
    expect(isUnknown(change, "list[1]")).toBe(false);
    expect(isUnknown(change, "whole.anything[3].below")).toBe(true);
    expect(isUnknown(change, "nothing")).toBe(false);
  });

  it("accepts a resource change too, and treats a missing after_unknown as all known", () => {
    const rc = { address: "a.b", mode: "managed", type: "a", name: "b", provider_name: "p", change } as const;
    expect(isUnknown(rc, "id")).toBe(true);
    expect(isUnknown({ ...change, after_unknown: undefined }, "id")).toBe(false);
  });

  it("reads after_sensitive and before_sensitive", () => {
    expect(isSensitive(change, "secret")).toBe(true);
    expect(isSensitive(change, "nested[0].pw")).toBe(true);
    expect(isSensitive(change, "nested[0].user")).toBe(false);
    expect(isSensitive(change, "secret", "before")).toBe(false);
    expect(isSensitive({ ...change, after_sensitive: true }, "anything")).toBe(true);
  });
});
