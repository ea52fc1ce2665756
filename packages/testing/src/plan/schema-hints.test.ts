import { readFileSync } from "node:fs";
import path from "node:path";
import { COMPUTED_ATTRIBUTES, MAP_ATTRIBUTES, OBJECT_BLOCKS, computedAttributes } from "./schema-hints";

/**
 * The hint tables are hand-written; these tests hold them against the generated @cdktf/provider-aws
 * bindings (AWS provider 6.25), so a provider upgrade that adds a map attribute, a struct block or a
 * computed attribute to one of this repository's types fails here instead of mis-predicting plans.
 * The bindings are read as text: loading them all through the barrel would be slow.
 */
const MODULES = [
  "kms-key",
  "kms-external-key",
  "kms-alias",
  "s3-bucket",
  "s3-bucket-server-side-encryption-configuration",
  "s3-bucket-versioning",
  "s3-bucket-public-access-block",
  "s3-bucket-ownership-controls",
  "s3-bucket-policy",
  "s3-bucket-logging",
  "s3-bucket-lifecycle-configuration",
  "s3-bucket-object-lock-configuration",
  "s3-bucket-replication-configuration",
  "iam-role",
  "iam-role-policy",
  "iam-role-policy-attachment",
];

function bindingFiles(mod: string): { js: string; dts: string } {
  const js = require.resolve(`@cdktf/provider-aws/lib/${mod}`);
  return { js: readFileSync(js, "utf8"), dts: readFileSync(path.join(path.dirname(js), "index.d.ts"), "utf8") };
}

/** Attribute name -> "map" | "struct-block" | ... from the generated synthesizeHclAttributes code. */
function attributeKinds(js: string): Map<string, string> {
  const kinds = new Map<string, string>();
  // Anchored at line starts: an unanchored pattern backtracks for minutes on the 500 kB s3-bucket file.
  const re = /^ +(\w+): \{\n +value: .*\n +isBlock: (true|false),\n +type: "(\w+)"/gm;
  for (let m = re.exec(js); m; m = re.exec(js)) kinds.set(m[1]!, `${m[3]}${m[2] === "true" ? "-block" : ""}`);
  return kinds;
}

const snake = (camel: string): string => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

describe.each(MODULES)("schema hints for @cdktf/provider-aws/lib/%s", (mod) => {
  const { js, dts } = bindingFiles(mod);
  const type = /static readonly tfResourceType = "(\w+)";/.exec(dts)![1]!;
  const kinds = attributeKinds(js);

  it("reads the bindings (guards the regular expressions against a code generator change)", () => {
    expect(type).toMatch(/^aws_/);
    expect(kinds.size).toBeGreaterThan(1);
  });

  it("knows every map attribute as a map and every struct block as an object", () => {
    for (const [name, kind] of kinds) {
      if (kind === "map") expect([type, name, MAP_ATTRIBUTES.has(name)]).toEqual([type, name, true]);
      if (kind === "struct-block") expect([type, name, OBJECT_BLOCKS.has(name)]).toEqual([type, name, true]);
    }
  });

  it("lists the type in COMPUTED_ATTRIBUTES, including every computed-only scalar attribute", () => {
    expect(COMPUTED_ATTRIBUTES[type]).toBeDefined();
    // Any binding namespace (cdktf today, cdktn after the move): a failed search must fail the test.
    const at = dts.search(/class \w+ extends \w+\.TerraformResource/);
    expect(at).toBeGreaterThanOrEqual(0);
    const body = dts.slice(at);
    const setters = new Set([...body.matchAll(/ set (\w+)\(/g)].map((m) => m[1]));
    const computedOnly = [...body.matchAll(/ get (\w+)\(\): ([^;{]+)/g)]
      .filter(([, name, ret]) => !setters.has(name) && !name!.endsWith("Input") && !/(OutputReference|List)\b/.test(ret!))
      .map(([, name]) => snake(name!))
      .filter((name) => !["fqn", "terraform_resource_type", "terraform_generator_metadata"].includes(name));
    for (const attr of computedOnly) expect([type, attr, computedAttributes("managed", type).includes(attr)]).toEqual([type, attr, true]);
    expect(computedAttributes("managed", type)).toContain("id");
  });
});

it("defaults to id for types outside the table", () => {
  expect(computedAttributes("managed", "aws_sns_topic")).toEqual(["id"]);
  expect(computedAttributes("data", "aws_iam_policy_document")).toEqual(["id", "json", "minified_json"]);
});
