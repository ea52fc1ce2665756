/**
 * A strict JSON reader for configuration files. `JSON.parse` accepts things a configuration
 * must not: a repeated key (the last one silently wins, e.g. two `account` values) and a
 * `__proto__` key (which later object spreads and zod records drop silently). It also reports
 * syntax errors as a byte position. This parser follows RFC 8259 and reports every problem
 * with a line and column (1-based) and, for keys, the field path.
 */

/** A JSON problem: where (line, column, field path) and what. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** 1-based line of the offending character. */
    readonly line: number,
    /** 1-based column of the offending character. */
    readonly column: number,
    /** The field path of the offending key, when the problem is a key (e.g. a duplicate). */
    readonly path: readonly (string | number)[] = [],
  ) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

/** Deepest nesting accepted; deeper input is refused rather than overflowing the stack. */
export const MAX_JSON_DEPTH = 64;

/** How a character is shown in a message: printable as itself, anything else as a code point. */
function describeChar(c: string | undefined): string {
  if (c === undefined) return "end of file";
  const code = c.codePointAt(0) ?? 0;
  if (code >= 0x21 && code <= 0x7e) return `'${c}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Parses `text` as strict JSON. Throws {@link JsonSyntaxError} on invalid JSON, a repeated key
 * within one object, a `__proto__` key, or nesting deeper than {@link MAX_JSON_DEPTH}.
 * A leading byte-order mark is an error too (callers that accept one strip it first).
 */
export function parseStrictJson(text: string): unknown {
  let i = 0;

  const fail = (message: string, at = i, path: readonly (string | number)[] = []): never => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < at && k < text.length; k++) {
      if (text[k] === "\n") {
        line++;
        lineStart = k + 1;
      }
    }
    throw new JsonSyntaxError(message, line, at - lineStart + 1, path);
  };

  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };

  const expectChar = (c: string, what: string) => {
    if (text[i] !== c) fail(`expected ${what}, found ${describeChar(text[i])}`);
    i++;
  };

  const str = (): string => {
    expectChar('"', "'\"'");
    let out = "";
    for (;;) {
      const c = text[i];
      if (c === undefined) fail("unterminated string");
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\\") {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail(`invalid escape sequence in a string`);
        }
      } else if (c.charCodeAt(0) < 0x20) {
        fail(`control character ${describeChar(c)} in a string (escape it)`);
      } else {
        out += c;
        i++;
      }
    }
  };

  const num = (): number => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "-") return fail(`expected a value, found ${describeChar(text[i])}`);
    i += m[0].length;
    return Number(m[0]);
  };

  const value = (path: (string | number)[], depth: number): unknown => {
    if (depth > MAX_JSON_DEPTH) fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      // A null-prototype object: no key can reach Object.prototype.
      const obj: Record<string, unknown> = Object.create(null);
      const seenAt = new Map<string, number>();
      ws();
      if (text[i] === "}") {
        i++;
        return { ...obj };
      }
      for (;;) {
        ws();
        const keyAt = i;
        if (text[i] !== '"') fail(`expected a quoted key, found ${describeChar(text[i])}`);
        const key = str();
        const keyPath = [...path, key];
        if (key === "__proto__") fail(`key "__proto__" is not allowed (JavaScript would drop it silently)`, keyAt, keyPath);
        const first = seenAt.get(key);
        if (first !== undefined) {
          fail(`duplicate key "${key}" (also at line ${lineOf(first)}): only one of them would count; remove the other`, keyAt, keyPath);
        }
        seenAt.set(key, keyAt);
        ws();
        expectChar(":", "':' after a key");
        obj[key] = value(keyPath, depth + 1);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          break;
        }
        fail(`expected ',' or '}' in an object, found ${describeChar(text[i])}`);
      }
      // A plain object again, so callers see ordinary JSON data (no key is __proto__).
      return Object.assign({}, obj);
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value([...path, arr.length], depth + 1));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return arr;
        }
        fail(`expected ',' or ']' in an array, found ${describeChar(text[i])}`);
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return num();
  };

  const lineOf = (at: number) => {
    let line = 1;
    for (let k = 0; k < at; k++) if (text[k] === "\n") line++;
    return line;
  };

  const result = value([], 0);
  ws();
  if (i < text.length) fail(`unexpected ${describeChar(text[i])} after the end of the JSON value`);
  return result;
}
