/**
 * The one reader of Terraform references in synthesized values (`${aws_kms_key.data.arn}` inside a
 * policy string, `${var.key_material_base64}`, `${data.aws_region.current.name}`): template parts,
 * whole-value references, and the addresses a value refers to. A lexical scan of Terraform's
 * template syntax, not an HCL parser. Used by the guardrails, the access simulator, the plan
 * predictor and the blueprint docs.
 */

/** A piece of a Terraform string template: literal text, or the code of a `${...}` / `%{...}` sequence. */
export type TemplatePart = { readonly literal: string } | { readonly expression: string; readonly directive: boolean };

/**
 * Splits a Terraform string template into literal text and `${...}` / `%{...}` parts, unescaping
 * `$${` and `%%{`. Braces inside quoted strings of an expression are skipped. An unterminated
 * sequence (Terraform would reject it) makes the rest of the string one expression.
 */
export function templateParts(s: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = "";
  let i = 0;
  while (i < s.length) {
    if (s.startsWith("$${", i) || s.startsWith("%%{", i)) {
      text += s.slice(i + 1, i + 3);
      i += 3;
    } else if (s.startsWith("${", i) || s.startsWith("%{", i)) {
      const end = closingBrace(s, i + 2);
      if (end < 0) {
        if (text) parts.push({ literal: text });
        parts.push({ expression: s.slice(i), directive: false });
        return parts;
      }
      if (text) parts.push({ literal: text });
      text = "";
      parts.push({ expression: s.slice(i + 2, end).trim(), directive: s[i] === "%" });
      i = end + 1;
    } else {
      text += s[i];
      i += 1;
    }
  }
  if (text || parts.length === 0) parts.push({ literal: text });
  return parts;
}

function closingBrace(s: string, from: number): number {
  let depth = 0;
  let quote = false;
  for (let j = from; j < s.length; j += 1) {
    const c = s[j];
    if (quote) {
      if (c === "\\") j += 1;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "{") depth += 1;
    else if (c === "}") {
      if (depth === 0) return j;
      depth -= 1;
    }
  }
  return -1;
}

/** True when the string contains a `${...}` or `%{...}` template sequence (escapes excluded). */
export function hasExpression(s: string): boolean {
  return templateParts(s).some((p) => "expression" in p);
}

/** A plain reference: `<type>.<name>[.<attribute path>]`, `data.<type>.<name>...`, `var.<name>`. */
export interface Reference {
  /** `aws_kms_key`, `data.aws_kms_key`, `var`, `local`, `module`. */
  readonly type: string;
  readonly name: string;
  /** The attribute path after the name, e.g. `arn` or `rule[0].id`; "" for `var.x`. */
  readonly attribute: string;
  /** `type.name` (a resource or data source address, or `var.x`). */
  readonly address: string;
}

const PLAIN_REFERENCE = /^((?:data\.)?[A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)((?:\.[\w-]+|\[[^\]]*\])*)$/;

/** The reference an expression is (`aws_kms_key.data.arn`), or undefined for any other expression (functions, operators, ...). */
export function parseReference(expression: string): Reference | undefined {
  const m = PLAIN_REFERENCE.exec(expression.trim());
  if (!m) return undefined;
  const type = m[1] as string;
  const name = m[2] as string;
  return { type, name, attribute: (m[3] ?? "").replace(/^\./, ""), address: `${type}.${name}` };
}

/** The code of the one `${...}` interpolation a value consists of (surrounding blanks allowed), or undefined. */
export function wholeExpression(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const parts = templateParts(value.trim());
  const only = parts.length === 1 ? parts[0] : undefined;
  return only && "expression" in only && !only.directive ? only.expression : undefined;
}

/** The reference a value consists of, when the whole value is one `${...}` reference. */
export function wholeReference(value: unknown): Reference | undefined {
  const expression = wholeExpression(value);
  return expression === undefined ? undefined : parseReference(expression);
}

const NOT_RESOURCES = new Set(["var", "local", "each", "count", "self", "path", "terraform"]);

/**
 * Resource addresses referenced by the expressions anywhere inside a value (strings, lists and
 * objects; `//` comment keys skipped): `aws_kms_key.key` from `${aws_kms_key.key.arn}` or
 * `${aws_s3_bucket.b.arn}/*`, `data.x.y`, `module.m`. Not `var.*`, `local.*`, `each.*`, ....
 * Quoted strings inside expressions are ignored. In order of first occurrence.
 */
export function referencesIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") {
    for (const part of templateParts(value)) {
      if (!("expression" in part)) continue;
      const code = part.expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      const re = /(?<![\w.$-])([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g;
      for (let m = re.exec(code); m; m = re.exec(code)) {
        const [, first, second, third] = m;
        if (first === "data" && third) out.add(`data.${second}.${third}`);
        else if (first === "module") out.add(`module.${second}`);
        else if (!NOT_RESOURCES.has(first as string) && /^[a-z0-9]+_[a-z0-9_]+$/.test(first as string)) out.add(`${first}.${second}`);
      }
    }
  } else if (Array.isArray(value)) {
    for (const item of value as readonly unknown[]) referencesIn(item, out);
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) if (k !== "//") referencesIn(v, out);
  }
  return out;
}
