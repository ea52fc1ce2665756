/** The strict JSON reader: what JSON.parse lets through silently, refused with line and column. */
import { JsonSyntaxError, MAX_JSON_DEPTH, parseStrictJson } from "./json";

function errorOf(text: string): JsonSyntaxError {
  try {
    parseStrictJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e;
    throw e;
  }
  throw new Error(`parsed: ${text}`);
}

test.each(['{"a": 1, "b": [true, false, null, -1.5e3, "x\\u0041\\n"], "c": {}}', "[]", '"s"', " 0 ", '{"tags": {"constructor": "c", "toString": "t"}}'])(
  "parses what JSON.parse parses, to the same value: %s",
  (text) => {
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  },
);

test("a repeated key is refused at the second occurrence, naming the key and its path", () => {
  const e = errorOf('{\n  "account": "111111111111",\n  "nested": { "x": 1,\n    "x": 2 }\n}');
  expect(e.message).toBe('duplicate key "x" (also at line 3): only one of them would count; remove the other');
  expect([e.line, e.column]).toEqual([4, 5]);
  expect(e.path).toEqual(["nested", "x"]);
});

test("a __proto__ key is refused (JSON.parse would make it a prototype setter target)", () => {
  const e = errorOf('{"tags": {"__proto__": "x"}}');
  expect(e.path).toEqual(["tags", "__proto__"]);
  expect(e.message).toMatch(/__proto__/);
});

test.each<[string, number, number, RegExp]>([
  ['{"a": 1,}', 1, 9, /expected a quoted key, found '}'/],
  ['{\n  "a": tru\n}', 2, 8, /expected a value/],
  ["\uFEFF{}", 1, 1, /U\+FEFF/],
  ['{"a": "line\nbreak"}', 1, 12, /control character U\+000A/],
  ["{} x", 1, 4, /after the end/],
  ['{"a": 01}', 1, 8, /expected ',' or '}'/],
  ["", 1, 1, /end of file/],
])("syntax error in %j: line %i column %i", (text, line, column, message) => {
  const e = errorOf(text);
  expect([e.line, e.column]).toEqual([line, column]);
  expect(e.message).toMatch(message);
});

test("nesting is bounded (no stack overflow on hostile depth)", () => {
  expect(() => parseStrictJson("[".repeat(MAX_JSON_DEPTH + 2))).toThrow(/nested deeper/);
  expect(() => parseStrictJson("[".repeat(100_000))).toThrow(JsonSyntaxError);
});

test("objects it returns are plain objects", () => {
  const v = parseStrictJson('{"a": {"b": 1}}') as Record<string, Record<string, number>>;
  expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  expect(Object.getPrototypeOf(v.a)).toBe(Object.prototype);
});
