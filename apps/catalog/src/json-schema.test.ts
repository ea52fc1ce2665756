/**
 * The committed JSON Schema (packages/config/schema/environment.schema.json): generated from the
 * zod schema, referenced by every shipped environment file, and strict about unknown keys.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { environmentJsonSchema as jsonSchemaOf } from "@sse-kms/config";
import { ENVIRONMENT_JSON_SCHEMA_PATH, EnvironmentSchema, renderJsonSchema } from "./catalog";
import { expectCurrent } from "./derived";

const environmentJsonSchema = () => jsonSchemaOf(EnvironmentSchema);

const repoRoot = resolve(__dirname, "../../..");
const schemaFile = join(repoRoot, ENVIRONMENT_JSON_SCHEMA_PATH);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** Every apps/<env>/environment.json in the repository. */
function shippedEnvironmentFiles(): string[] {
  const apps = join(repoRoot, "apps");
  return readdirSync(apps, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(apps, d.name, "environment.json")))
    .map((d) => join(apps, d.name, "environment.json"))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// A minimal JSON Schema evaluator for the keywords the generated schema uses. It throws on any
// other keyword, so a schema change it does not understand fails loudly instead of passing.
// ---------------------------------------------------------------------------------------------

const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "default", "format"]);

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** The errors of `value` against `schema`, as `<json pointer>: <keyword>` strings. */
function jsonSchemaErrors(schema: Json, value: unknown, at = ""): string[] {
  const errors: string[] = [];
  const fail = (keyword: string, where = at) => errors.push(`${where || "/"}: ${keyword}`);
  for (const [keyword, arg] of Object.entries(schema as Record<string, Json>)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case "type": {
        const t = typeOf(value);
        if (!(t === arg || (arg === "number" && t === "integer"))) fail("type");
        break;
      }
      case "enum":
        if (!(arg as unknown[]).some((e) => e === value)) fail("enum");
        break;
      case "const":
        if (value !== arg) fail("const");
        break;
      case "pattern":
        if (typeof value === "string" && !new RegExp(arg, "u").test(value)) fail("pattern");
        break;
      case "minLength":
        if (typeof value === "string" && [...value].length < arg) fail("minLength");
        break;
      case "maxLength":
        if (typeof value === "string" && [...value].length > arg) fail("maxLength");
        break;
      case "minimum":
        if (typeof value === "number" && value < arg) fail("minimum");
        break;
      case "maximum":
        if (typeof value === "number" && value > arg) fail("maximum");
        break;
      case "minItems":
        if (Array.isArray(value) && value.length < arg) fail("minItems");
        break;
      case "items":
        if (Array.isArray(value)) value.forEach((v, i) => errors.push(...jsonSchemaErrors(arg, v, `${at}/${i}`)));
        break;
      case "required":
        if (typeOf(value) === "object") for (const k of arg as string[]) if (!(k in (value as object))) fail("required", `${at}/${k}`);
        break;
      case "properties":
        if (typeOf(value) === "object") {
          for (const [k, sub] of Object.entries(arg as Record<string, Json>)) {
            if (k in (value as object)) errors.push(...jsonSchemaErrors(sub, (value as any)[k], `${at}/${k}`));
          }
        }
        break;
      case "additionalProperties":
        if (typeOf(value) === "object") {
          const known = Object.keys(schema.properties ?? {});
          for (const [k, v] of Object.entries(value as object)) {
            if (known.includes(k)) continue;
            if (arg === false) fail("additionalProperties", `${at}/${k}`);
            else errors.push(...jsonSchemaErrors(arg, v, `${at}/${k}`));
          }
        }
        break;
      case "propertyNames":
        if (typeOf(value) === "object") for (const k of Object.keys(value as object)) errors.push(...jsonSchemaErrors(arg, k, `${at}/${k}`).map((e) => `${e} (name)`));
        break;
      case "allOf":
        for (const sub of arg as Json[]) errors.push(...jsonSchemaErrors(sub, value, at));
        break;
      case "anyOf":
      case "oneOf": {
        const results = (arg as Json[]).map((sub) => jsonSchemaErrors(sub, value, at));
        const passing = results.filter((r) => r.length === 0).length;
        if (keyword === "anyOf" ? passing === 0 : passing !== 1) {
          // Report the branch with the fewest errors, like a validator's "closest match".
          const closest = [...results].sort((a, b) => a.length - b.length)[0] ?? [];
          errors.push(...(passing === 0 ? closest : [`${at || "/"}: ${keyword}`]));
        }
        break;
      }
      default:
        throw new Error(`the test's JSON Schema evaluator does not know the keyword "${keyword}" (at ${at || "/"})`);
    }
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------

test("the committed JSON Schema is the one the zod schema renders, byte for byte", () => {
  expectCurrent(repoRoot, ENVIRONMENT_JSON_SCHEMA_PATH, renderJsonSchema(), "the JSON Schema of environment.json, assembled from the registered blueprints");
  expect(readFileSync(schemaFile, "utf8").endsWith("}\n")).toBe(true);
});

test("the JSON Schema is draft 2020-12 and identifies itself", () => {
  const schema = environmentJsonSchema();
  expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  expect(schema.$id).toBe("environment.schema.json");
  expect(schema.title).toBe("sse-kms-blueprints environment");
});

test("there are shipped environments, at least dev, staging and prod", () => {
  const names = shippedEnvironmentFiles().map((f) => f.split(/[\\/]/).slice(-2)[0]);
  expect(names).toEqual(expect.arrayContaining(["dev", "staging", "prod"]));
});

describe.each(shippedEnvironmentFiles().map((f) => [relative(repoRoot, f), f]))("%s", (_name, file) => {
  const config = JSON.parse(readFileSync(file, "utf8"));

  test("its $schema points at the committed JSON Schema, relative to its folder", () => {
    expect(typeof config.$schema).toBe("string");
    expect(config.$schema).not.toMatch(/^(\/|[A-Za-z]:|https?:)/); // relative: works in every checkout
    const target = resolve(dirname(file), config.$schema);
    expect(target).toBe(schemaFile);
    expect(existsSync(target)).toBe(true);
  });

  test("it is valid against the JSON Schema", () => {
    expect(jsonSchemaErrors(JSON.parse(readFileSync(schemaFile, "utf8")), config)).toEqual([]);
  });
});

describe("the JSON Schema rejects unknown keys (additionalProperties: false)", () => {
  const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
  const dev = () => JSON.parse(readFileSync(join(__dirname, "../fixtures/environment.json"), "utf8"));

  test.each([
    ["the root", (c: Json) => (c.colour = "blue"), "/colour"],
    ["blueprints", (c: Json) => (c.blueprints["customer-manged"] = {}), "/blueprints/customer-manged"],
    ["a blueprint", (c: Json) => (c.blueprints["customer-managed"].keys = []), "/blueprints/customer-managed/keys"],
    ["a key", (c: Json) => (c.blueprints["customer-managed"].key.rotate = true), "/blueprints/customer-managed/key/rotate"],
    ["a bucket", (c: Json) => (c.blueprints["customer-managed"].buckets[0].acl = "private"), "/blueprints/customer-managed/buckets/0/acl"],
    ["the local backend", (c: Json) => (c.backend.path = "x"), "/backend/path"],
  ])("an unknown key in %s is an additionalProperties error at its path", (_where, mutate, pointer) => {
    const config = dev();
    expect(jsonSchemaErrors(schema, config)).toEqual([]);
    mutate(config);
    expect(jsonSchemaErrors(schema, config)).toEqual([`${pointer}: additionalProperties`]);
  });

  test("every object in the schema either lists its properties strictly or is the tags map", () => {
    const loose: string[] = [];
    const walk = (node: Json, pointer: string) => {
      if (!node || typeof node !== "object") return;
      if (node.type === "object") {
        const strict = node.additionalProperties === false;
        const isTags = pointer === "#/properties/tags";
        if (!strict && !isTags) loose.push(pointer);
        if (isTags) expect(node.additionalProperties).toMatchObject({ type: "string" });
      }
      for (const [k, v] of Object.entries(node)) if (k !== "enum" && k !== "default" && k !== "const") walk(v, `${pointer}/${k}`);
    };
    walk(schema, "#");
    expect(loose).toEqual([]);
    // Spot checks on nested objects that must stay strict.
    const bp = schema.properties.blueprints.properties;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.blueprints.additionalProperties).toBe(false);
    expect(bp["customer-managed"].properties.key.additionalProperties).toBe(false);
    expect(bp["customer-managed"].properties.buckets.items.additionalProperties).toBe(false);
    expect(bp["cross-account-replication"].properties.destination.oneOf.map((o: Json) => o.additionalProperties)).toEqual([false, false]);
    expect(schema.properties.backend.oneOf.map((o: Json) => o.additionalProperties)).toEqual([false, false, false]);
  });
});

test("the JSON Schema carries the primitive rules editors can check", () => {
  const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
  const dev = () => JSON.parse(readFileSync(join(__dirname, "../fixtures/environment.json"), "utf8"));
  const errorsWith = (mutate: (c: Json) => void) => {
    const c = dev();
    mutate(c);
    return jsonSchemaErrors(schema, c);
  };
  expect(errorsWith((c) => (c.account = "12345"))).toEqual(["/account: pattern"]);
  expect(errorsWith((c) => (c.account = 111111111111))).toEqual(["/account: type"]);
  expect(errorsWith((c) => (c.region = "eu-west-1a"))).toEqual(["/region: enum"]);
  expect(errorsWith((c) => (c.blueprints["customer-managed"].key.deletionWindowInDays = 6))).toEqual(["/blueprints/customer-managed/key/deletionWindowInDays: minimum"]);
  expect(errorsWith((c) => (c.blueprints["customer-managed"].key.users = ["arn:aws:iam::111111111111:role/team*/app"]))).toEqual([
    "/blueprints/customer-managed/key/users/0: pattern",
  ]);
  expect(errorsWith((c) => delete c.name)).toEqual(["/name: required"]);
});

test("every pattern in the JSON Schema compiles as a unicode ECMA-262 regular expression", () => {
  const patterns: string[] = [];
  const walk = (node: Json) => {
    if (!node || typeof node !== "object") return;
    if (typeof node.pattern === "string") patterns.push(node.pattern);
    for (const v of Object.values(node)) walk(v);
  };
  walk(environmentJsonSchema());
  expect(patterns.length).toBeGreaterThan(10);
  for (const p of patterns) expect(() => new RegExp(p, "u")).not.toThrow();
});
