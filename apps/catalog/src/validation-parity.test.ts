/**
 * One row per rule that every environment has, whatever its blueprints: a config that breaks the rule
 * must fail with the rule's message at the exact field path, and a config that keeps it must pass.
 * The rows run against stub blueprints (test-support/stubs.ts), so they hold for any registry; each
 * shipped blueprint's own rules are rows of its own tests (blueprints/<name>/src/validation-rows.test.ts).
 */
import { type RawConfig as Config, problemsOf, validationRows } from "@sse-kms/testing";
import { BLUEPRINT_NAMES, EnvironmentSchema } from "./catalog";
import { StubEnvironmentSchema } from "./test-support/stubs";

/** A valid base: the dev environment's fields, with one stub blueprint. */
function devConfig(): Config {
  return {
    $schema: "../catalog/schema/environment.schema.json",
    name: "dev",
    account: "111111111111",
    region: "eu-west-1",
    production: false,
    tags: { environment: "dev", owner: "platform-team" },
    backend: { type: "local" },
    blueprints: { "stub-a": { key: { alias: "alias/dev-a" }, buckets: [{ name: "acme-dev-a-111111111111" }] } },
  };
}

const tags = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`tag${i}`, "v"]));

// The messages, spelled out: a changed message must be a deliberate change of this table.
const M = {
  accountFormat: "must be an AWS account id: exactly 12 digits, as a string (quote it; leading zeros count)",
  accountType: "must be a string of 12 digits",
  region: "must be a known AWS region name such as eu-west-1 or us-east-1 (availability zones like eu-west-1a are not regions)",
  unknown: "unknown field (check its spelling against the schema; unknown fields are errors)",
  tagReserved: "tag keys must not start with aws: (reserved)",
  tagCount: "at most 50 tags per resource",
  tagKeyLength: "tag keys must be 1 to 128 characters",
  tagValueLength: "tag values must be at most 256 characters",
  tagValueChars: "tag values may contain letters, digits, spaces and _ . : / = + - @",
} as const;

validationRows({
  schema: StubEnvironmentSchema,
  base: devConfig,
  rejects: [
    { rule: "account of 11 digits", mutate: (c) => (c.account = "11111111111"), path: "account", message: M.accountFormat },
    { rule: "account of 13 digits", mutate: (c) => (c.account = "1111111111111"), path: "account", message: M.accountFormat },
    { rule: "account as a number", mutate: (c) => (c.account = 111111111111), path: "account", message: M.accountType },
    { rule: "account with letters", mutate: (c) => (c.account = "11111111111a"), path: "account", message: M.accountFormat },
    { rule: "account with spaces", mutate: (c) => (c.account = " 111111111111"), path: "account", message: M.accountFormat },
    { rule: "region that is an availability zone", mutate: (c) => (c.region = "eu-west-1a"), path: "region", message: M.region },
    { rule: "region in uppercase", mutate: (c) => (c.region = "EU-WEST-1"), path: "region", message: M.region },
    { rule: "unknown region", mutate: (c) => (c.region = "mars-1"), path: "region", message: M.region },
    {
      rule: "aws-cn deploy role in a eu-west-1 environment",
      mutate: (c) => (c.assumeRoleArn = "arn:aws-cn:iam::111111111111:role/deploy"),
      path: "assumeRoleArn",
      message: "ARN is in partition aws-cn but region eu-west-1 is in partition aws; use arn:aws:...",
    },
    { rule: "tag key with aws: prefix", mutate: (c) => (c.tags["aws:owner"] = "me"), path: 'tags["aws:owner"]', message: M.tagReserved },
    { rule: "tag key with AWS: prefix", mutate: (c) => (c.tags["AWS:owner"] = "me"), path: 'tags["AWS:owner"]', message: M.tagReserved },
    { rule: "51 tags", mutate: (c) => (c.tags = tags(51)), path: "tags", message: M.tagCount },
    { rule: "129-character tag key", mutate: (c) => (c.tags[`k${"e".repeat(128)}`] = "v"), path: `tags.k${"e".repeat(128)}`, message: M.tagKeyLength },
    { rule: "empty tag key", mutate: (c) => (c.tags[""] = "v"), path: 'tags[""]', message: M.tagKeyLength },
    { rule: "257-character tag value", mutate: (c) => (c.tags.owner = "v".repeat(257)), path: "tags.owner", message: M.tagValueLength },
    { rule: "tag value with '!'", mutate: (c) => (c.tags.owner = "platform!"), path: "tags.owner", message: M.tagValueChars },
    {
      rule: "environment name with uppercase",
      mutate: (c) => (c.name = "Dev"),
      path: "name",
      message: "must be 1-20 characters: a lowercase letter, then lowercase letters, digits or '-'",
    },
    {
      rule: "cloud workspace name without {stack}",
      mutate: (c) => (c.backend = { type: "cloud", organization: "acme", workspaces: { name: "sse-kms-dev" } }),
      path: "backend.workspaces.name",
      message:
        "must contain {stack} (and otherwise only letters, digits, '-' and '_'): without it every stack of the environment shares one workspace and one state, so applying one stack plans the destruction of the others",
    },
    {
      rule: "local state directory that leaves the repository",
      mutate: (c) => (c.backend.directory = "state/../../elsewhere"),
      path: "backend.directory",
      message: "must stay inside the repository: remove the '..' segments that climb out of it",
    },
    {
      rule: "absolute local state directory",
      mutate: (c) => (c.backend.directory = "/var/state"),
      path: "backend.directory",
      message: "must be a relative path (absolute paths make synth output machine-specific)",
    },
    {
      rule: "Windows-absolute local state directory",
      mutate: (c) => (c.backend.directory = "C:\\state"),
      path: "backend.directory",
      message: "must be a relative path (absolute paths make synth output machine-specific)",
    },
    { rule: "backend type", mutate: (c) => (c.backend = { type: "gcs" }), path: "backend.type", message: "type must be one of local, s3, cloud" },
    {
      rule: "no blueprint enabled",
      mutate: (c) => (c.blueprints = {}),
      path: "blueprints",
      message: "enable at least one blueprint (stub-a, stub-b)",
    },
    { rule: "unknown key at the root", mutate: (c) => (c.acount = "111111111111"), path: "acount", message: M.unknown },
    { rule: "unknown blueprint", mutate: (c) => (c.blueprints["stub-c"] = {}), path: "blueprints.stub-c", message: M.unknown },
    { rule: "unknown key in a local backend", mutate: (c) => (c.backend.dir = "state"), path: "backend.dir", message: M.unknown },
    {
      rule: "unknown key in an s3 backend",
      mutate: (c) => (c.backend = { type: "s3", bucket: "acme-terraform-state", region: "eu-west-1", dynamodbTable: "locks" }),
      path: "backend.dynamodbTable",
      message: M.unknown,
    },
    {
      rule: "unknown key in cloud workspaces (inside a union)",
      mutate: (c) => (c.backend = { type: "cloud", organization: "acme", workspaces: { name: "dev-{stack}", project: "p" } }),
      path: "backend.workspaces.project",
      message: M.unknown,
    },
    // Names two blueprints claim (NameClaim): checked across every enabled blueprint.
    {
      rule: "the same bucket in two blueprints",
      mutate: (c) =>
        (c.blueprints["stub-b"] = { key: { alias: "alias/dev-b" }, buckets: [{ name: "acme-dev-b-111111111111" }, { name: "acme-dev-a-111111111111" }] }),
      path: "blueprints.stub-b.buckets[1].name",
      message: "bucket names are global: the same name is already used by blueprints.stub-a.buckets[0].name",
    },
    {
      rule: "the same bucket in two blueprints, the later blueprint written first",
      // Blueprints are checked in the order they are registered (by name): the later one's field is reported.
      mutate: (c) => (c.blueprints = { "stub-b": { key: { alias: "alias/dev-b" }, buckets: [{ name: "acme-dev-a-111111111111" }] }, ...c.blueprints }),
      path: "blueprints.stub-b.buckets[0].name",
      message: "bucket names are global: the same name is already used by blueprints.stub-a.buckets[0].name",
    },
    {
      rule: "the same alias in two blueprints",
      mutate: (c) => (c.blueprints["stub-b"] = { key: { alias: "alias/dev-a" }, buckets: [{ name: "acme-dev-b-111111111111" }] }),
      path: "blueprints.stub-b.key.alias",
      message: "aliases are unique per account and region: the same alias is already used by blueprints.stub-a.key.alias",
    },
  ],
  accepts: [
    { rule: "region us-east-1", mutate: (c) => (c.region = "us-east-1") },
    {
      rule: "cloud backend with {stack} in the workspace name",
      mutate: (c) => (c.backend = { type: "cloud", organization: "acme", workspaces: { name: "sse-kms-{stack}" } }),
    },
    { rule: "local state directory with a '..' that stays inside", mutate: (c) => (c.backend.directory = "state/../terraform-state") },
    { rule: "50 tags", mutate: (c) => (c.tags = tags(50)) },
    { rule: "128-character tag key", mutate: (c) => (c.tags["k".repeat(128)] = "v") },
    { rule: "tag key that contains aws: later", mutate: (c) => (c.tags["team:aws:owner"] = "me") },
    { rule: "empty tag value and unicode letters", mutate: (c) => ((c.tags.empty = ""), (c.tags["équipe"] = "Zürich 1")) },
    { rule: "s3 backend", mutate: (c) => (c.backend = { type: "s3", bucket: "acme-terraform-state", region: "eu-west-1" }) },
    { rule: "cloud backend with tags", mutate: (c) => (c.backend = { type: "cloud", organization: "acme", workspaces: { tags: ["sse-kms"] } }) },
    { rule: "no $schema", mutate: (c) => delete c.$schema },
    { rule: "account with leading zeros", mutate: (c) => (c.account = "012345678901") },
    {
      rule: "two blueprints with distinct names",
      mutate: (c) => (c.blueprints["stub-b"] = { key: { alias: "alias/dev-b" }, buckets: [{ name: "acme-dev-b-111111111111" }] }),
    },
  ],
});

test("several problems in one config are all reported, each at its own path", () => {
  const c = devConfig();
  c.account = "12345";
  c.blueprints["stub-a"].buckets[0].name = "Bad_Bucket";
  c.colour = "blue";
  const { problems } = problemsOf(StubEnvironmentSchema, c);
  expect(new Set(problems.map((p) => p.path))).toEqual(new Set(["account", "blueprints.stub-a.buckets[0].name", "colour"]));
  expect(problems.find((p) => p.path === "account")?.received).toBe("12345");
  expect(problems.find((p) => p.path === "colour")?.received).toBe("blue");
});

describe("the registered schema (apps/catalog/src/blueprints.ts)", () => {
  test("names every registered blueprint when none is enabled", () => {
    const c = devConfig();
    c.blueprints = {};
    expect(problemsOf(EnvironmentSchema, c).problems).toEqual([
      expect.objectContaining({ path: "blueprints", message: `enable at least one blueprint (${BLUEPRINT_NAMES.join(", ")})` }),
    ]);
  });
  test("rejects a blueprint that is not registered", () => {
    // An unknown field, and then no registered blueprint is enabled.
    expect(problemsOf(EnvironmentSchema, devConfig()).problems.map((p) => p.path)).toEqual(["blueprints.stub-a", "blueprints"]);
  });
});
