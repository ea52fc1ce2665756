import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot, loadEnvironments, synthEnvironment } from "@sse-kms/blueprint-catalog";
import { hclString, parseHclString, repairHcl } from "./fix-hcl";
import { synthHcl } from "./synth-hcl";

const root = findRepoRoot(__dirname);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The string literal assigned to `attribute` inside `<kind> "<type>" "<name>" {` ... `}` of an HCL file. */
function hclAttribute(hcl: string, header: string, attribute: string): string {
  const start = hcl.indexOf(`${header} {\n`);
  if (start < 0) throw new Error(`no block ${header}`);
  const end = hcl.indexOf("\n}\n", start);
  const line = hcl.slice(start, end).split("\n").find((l) => l.trimStart().startsWith(`${attribute} = "`));
  if (!line) throw new Error(`no ${attribute} in ${header}`);
  return line.trimStart().slice(`${attribute} = `.length);
}

describe("HCL strings", () => {
  test.each([
    ['{"a":"${aws_kms_key.k.arn}"}'],
    ["back\\slash and \"quotes\"\nnew line\t%{ directive"],
    [""],
  ])("round-trip %j", (value) => {
    expect(parseHclString(hclString(value))).toBe(value);
  });

  test("an unescaped quote is not a valid literal", () => {
    expect(() => parseHclString('"{"a":1}"')).toThrow(/unescaped quote/);
  });

  test("repair touches only broken attributes with references", () => {
    const json = { resource: { t: { n: { policy: '{"k":"${x.y}"}', plain: "a\"b" } } } };
    const broken = 'resource "t" "n" {\npolicy = "{"k":"${x.y}"}"\nplain = "a\\"b"\n}\n';
    const { text, repaired } = repairHcl(broken, json);
    expect(repaired).toEqual(["t.n.policy"]);
    expect(text).toBe('resource "t" "n" {\npolicy = "{\\"k\\":\\"${x.y}\\"}"\nplain = "a\\"b"\n}\n');
  });
});

describe("npm run synth:hcl", () => {
  const outdir = mkdtempSync(join(tmpdir(), "sse-kms-hcl-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  let results: Awaited<ReturnType<typeof synthHcl>> = [];
  beforeAll(async () => {
    results = await synthHcl(root, outdir);
  }, 120_000);
  const jsonStacks = loadEnvironments(root).flatMap((env) => synthEnvironment(env));

  test("writes a .tf file for every stack", () => {
    expect(results.map((r) => r.stack).sort()).toEqual(jsonStacks.map((s) => s.name).sort());
    for (const r of results) expect(readFileSync(r.file, "utf8")).toMatch(/^resource "aws_/m);
  });

  test("cdktf 0.21 still leaves policies with references unescaped (we repair them): remove the repair when this fails", () => {
    expect(results.flatMap((r) => r.repaired).length).toBeGreaterThan(0);
  });

  test("every key, bucket, role and role policy in the HCL carries the same statements as the JSON output", () => {
    let compared = 0;
    for (const stack of jsonStacks) {
      const hcl = readFileSync(results.find((r) => r.stack === stack.name)!.file, "utf8");
      const json = JSON.parse(stack.json) as Json;
      for (const [type, byName] of Object.entries((json.resource ?? {}) as Json)) {
        for (const [name, config] of Object.entries(byName as Json)) {
          for (const attribute of ["policy", "assume_role_policy"]) {
            const value = (config as Json)[attribute];
            if (typeof value !== "string") continue;
            const fromHcl = parseHclString(hclAttribute(hcl, `resource "${type}" "${name}"`, attribute));
            expect({ address: `${stack.name}:${type}.${name}.${attribute}`, policy: JSON.parse(fromHcl) }).toEqual({
              address: `${stack.name}:${type}.${name}.${attribute}`,
              policy: JSON.parse(value),
            });
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThanOrEqual(10);
  });
});
