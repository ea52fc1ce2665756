/**
 * cdktf 0.21's HCL rendering (`cdktf synth --hcl`) writes a string attribute that holds a
 * Terraform reference without escaping its quotes: a bucket policy that names
 * `${aws_kms_key.data.arn}` comes out as `policy = "{"Version":...}"`, which is not valid HCL.
 * (Strings without references are escaped correctly.) We repair those attributes from the JSON
 * rendering of the same stack, which is exact.
 */

/** An HCL quoted template for a string: quotes, backslashes and control characters escaped,
 * `${...}` kept as interpolation (it is one in the JSON output too), `%{` escaped. */
export function hclString(value: string): string {
  const escaped = value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t").replace(/%\{/g, "%%{");
  return `"${escaped}"`;
}

/** Reads an HCL quoted string literal (the inverse of {@link hclString}). */
export function parseHclString(literal: string): string {
  if (!literal.startsWith('"') || !literal.endsWith('"')) throw new Error(`not an HCL string literal: ${literal.slice(0, 40)}`);
  const body = literal.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") {
      const n = body[++i];
      out += n === "n" ? "\n" : n === "r" ? "\r" : n === "t" ? "\t" : n;
    } else if (c === "%" && body.startsWith("%%{", i)) {
      out += "%{";
      i += 2;
    } else if (c === '"') {
      throw new Error(`unescaped quote at ${i} in HCL string literal: ${literal.slice(0, 60)}...`);
    } else {
      out += c;
    }
  }
  return out;
}

type Blocks = Record<string, Record<string, unknown>>;

/** The synthesized JSON parts whose string attributes are checked: resources, outputs and the terraform block. */
export interface StackJson {
  readonly resource?: Record<string, Blocks>;
  readonly output?: Blocks;
  readonly terraform?: Record<string, unknown>;
  /** Top-level `import` blocks (adopted buckets, `importFrom`). */
  readonly import?: ReadonlyArray<{ readonly to: string; readonly id: string; readonly provider?: string }>;
  /** Top-level `moved` blocks (`moveFrom`). */
  readonly moved?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
}

/** The HCL text with every broken string attribute of the stack's resources and outputs repaired. */
export function repairHcl(hcl: string, stackJson: StackJson): { text: string; repaired: string[] } {
  let text = hcl;
  const repaired: string[] = [];
  const blocks: [string, Record<string, unknown>][] = [
    ...Object.entries(stackJson.resource ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([n, c]) => [`${type}.${n}`, c] as [string, Record<string, unknown>]),
    ),
    ...Object.entries(stackJson.output ?? {}).map(([n, c]) => [`output.${n}`, c] as [string, Record<string, unknown>]),
  ];
  for (const [address, config] of blocks) {
    for (const [attribute, value] of Object.entries(config)) {
      if (typeof value !== "string" || !value.includes('"') || !value.includes("${")) continue;
      const broken = `${attribute} = "${value}"`;
      if (!text.includes(broken)) continue;
      text = text.split(broken).join(`${attribute} = ${hclString(value)}`);
      repaired.push(`${address}.${attribute}`);
    }
  }
  // cdktf renders an output whose string value looks like JSON as an HCL object/tuple literal, so
  // the HCL output's type differs from the JSON stack's (a string) and `terraform output -raw` breaks.
  for (const [name, config] of Object.entries(stackJson.output ?? {})) {
    const value = config.value;
    if (typeof value !== "string" || !/^[[{]/.test(value)) continue;
    const literal = `value = ${value}\n`;
    const header = `output "${name}" {\n`;
    const start = text.indexOf(header);
    if (start < 0 || !text.startsWith(literal, start + header.length)) continue;
    text = `${text.slice(0, start + header.length)}value = ${hclString(value)}\n${text.slice(start + header.length + literal.length)}`;
    repaired.push(`output.${name}.value`);
  }
  // cdktf renders a string added to the terraform block by an override (required_version) as `0 = "<name>"`.
  for (const [attribute, value] of Object.entries(stackJson.terraform ?? {})) {
    if (typeof value !== "string") continue;
    const broken = new RegExp(`^[ \\t]*0 = "${attribute}"$`, "m");
    if (!broken.test(text)) continue;
    text = text.replace(broken, `${attribute} = ${hclString(value)}`);
    repaired.push(`terraform.${attribute}`);
  }
  // cdktf's HCL rendering drops blocks a stack override adds at the top level (`import` from
  // importFrom, `moved` from moveFrom): without them an adopted bucket would be created (and fail)
  // and a renamed key destroyed. Written back from the JSON rendering.
  if (!/^import \{$/m.test(text) && (stackJson.import ?? []).length > 0) {
    for (const i of stackJson.import ?? []) {
      text += `\nimport {\n  to = ${i.to}\n  id = ${hclString(i.id)}\n${i.provider === undefined ? "" : `  provider = ${i.provider}\n`}}\n`;
      repaired.push(`import ${i.to}`);
    }
  }
  if (!/^moved \{$/m.test(text) && (stackJson.moved ?? []).length > 0) {
    for (const m of stackJson.moved ?? []) {
      text += `\nmoved {\n  from = ${m.from}\n  to   = ${m.to}\n}\n`;
      repaired.push(`moved ${m.from}`);
    }
  }
  return { text, repaired };
}
