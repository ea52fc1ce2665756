/**
 * The committed JSON Schema (packages/config/schema/environment.schema.json): generated from the
 * zod schema, referenced by every shipped environment file, and strict about unknown keys.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { environmentJsonSchema as jsonSchemaOf } from "@sse-kms/config";
import { ENVIRONMENT_JSON_SCHEMA_PATH, EnvironmentSchema, renderJsonSchema } from "./catalog";
import { expectCurrent } from "@sse-kms/testing/environment";

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

/**
 * The errors of `value` against `schema`, validated by Ajv (draft 2020-12, strict mode: a keyword
 * Ajv does not know fails compilation), as `<json pointer>: <keyword>` strings. For unknown keys
 * the pointer names the key itself.
 */
const ajv = new Ajv2020({ allErrors: true, strict: true, addUsedSchema: false });
addFormats(ajv); // date-time (keyMaterial.validTo) is checked, as editors with format support do
const compiled = new Map<string, ValidateFunction>();
function jsonSchemaErrors(schema: Json, value: unknown): string[] {
  const text = JSON.stringify(schema);
  let validate = compiled.get(text);
  if (!validate) {
    validate = ajv.compile(JSON.parse(text) as object);
    compiled.set(text, validate);
  }
  if (validate(value)) return [];
  // An `if` error only says "must match the then/else schema": the branch's own errors follow it.
  return (validate.errors ?? [])
    .filter((e: ErrorObject) => e.keyword !== "if")
    .map((e: ErrorObject) => {
      if (e.keyword === "additionalProperties")
        return `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}: additionalProperties`;
      if (e.keyword === "required") return `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}: required`;
      return `${e.instancePath || "/"}: ${e.keyword}`;
    });
}

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
    // Inside a oneOf (the backend) Ajv reports every branch; the unknown key is an error in each.
    const errors = jsonSchemaErrors(schema, config);
    expect(errors).toContain(`${pointer}: additionalProperties`);
    expect(errors.filter((e) => e.endsWith(": additionalProperties")).every((e) => e === `${pointer}: additionalProperties`)).toBe(true);
  });

  test("every object in the schema either lists its properties strictly or is a tags map (resource tags, a replication filter's object tags)", () => {
    const loose: string[] = [];
    const walk = (node: Json, pointer: string) => {
      if (!node || typeof node !== "object") return;
      // An `if` only chooses the branch (then/else), which is checked here like any object.
      if (node.type === "object" && !pointer.endsWith("/if")) {
        const strict = node.additionalProperties === false;
        const isTags =
          pointer === "#/properties/tags" ||
          pointer === "#/properties/blueprints/properties/cross-account-replication/properties/filter/properties/tags" ||
          /\/adopt\/anyOf\/1\/properties\/tags$/.test(pointer);
        // A kept bucket-policy statement's Principal and Condition are IAM's own open maps (condition operators, keys).
        const isPolicyMap = /\/keepPolicyStatements\/items\/properties\/(Principal|NotPrincipal|Condition)\//.test(`${pointer}/`);
        if (!strict && !isTags && !isPolicyMap) loose.push(pointer);
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
    // customer-managed `key`: a key definition, or `{ existingKeyArn }` (if/then/else on that property).
    expect(bp["customer-managed"].properties.key.if).toEqual({ type: "object", properties: { existingKeyArn: true }, required: ["existingKeyArn"] });
    expect(bp["customer-managed"].properties.key.then.additionalProperties).toBe(false);
    expect(bp["customer-managed"].properties.key.else.additionalProperties).toBe(false);
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
  expect(errorsWith((c) => (c.blueprints["customer-managed"].key.deletionWindowInDays = 6))).toEqual([
    "/blueprints/customer-managed/key/deletionWindowInDays: minimum",
  ]);
  expect(errorsWith((c) => (c.blueprints["customer-managed"].key.users = ["arn:aws:iam::111111111111:role/team*/app"]))).toEqual([
    "/blueprints/customer-managed/key/users/0: pattern",
  ]);
  expect(errorsWith((c) => delete c.name)).toEqual(["/name: required"]);
  // An existing key: its own branch's rules only.
  const existing = (key: Json) => errorsWith((c) => (c.blueprints["customer-managed"].key = key));
  expect(existing({ existingKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" })).toEqual([]);
  expect(existing({ existingKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/x", alias: "alias/x" })).toEqual([
    "/blueprints/customer-managed/key/alias: additionalProperties",
  ]);
  expect(errorsWith((c) => (c.blueprints["customer-managed"].buckets[0].readers = ["arn:aws:iam::111111111111:root"]))).toEqual([
    "/blueprints/customer-managed/buckets/0/readers/0: pattern",
  ]);
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
