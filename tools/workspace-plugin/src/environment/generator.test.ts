/**
 * The environment generator on an in-memory Nx tree: the files it writes, that their
 * environment.json passes the environment schema, and that bad options are refused with the very
 * lines `npm run validate` prints (formatProblem of parseEnvironment's problems).
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Tree, logger } from "@nx/devkit";
import { BLUEPRINTS, BLUEPRINT_NAMES, type Environment, EnvironmentSchema } from "@sse-kms/blueprint-catalog";
import { BucketName, ConfigError, formatProblem, parseEnvironment } from "@sse-kms/config";
import { type EnvironmentGeneratorOptions, buildEnvironmentConfig, environmentGenerator, normalizeOptions } from "./generator";
import { recordWarnings, workspaceTree } from "../test-tree";

const repoRoot = resolve(__dirname, "../../../..");
const ACCOUNT_LINE = 'apps/qa/environment.json: account: must be an AWS account id: exactly 12 digits, as a string (quote it; leading zeros count) (got "123")';

let tree: Tree;
let warnings: string[];
beforeEach(() => {
  tree = workspaceTree();
  warnings = recordWarnings();
  jest.spyOn(logger, "info").mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  // The generators stay quiet: no formatter complaint (e.g. "Could not format files with oxfmt"), no warning.
  expect(warnings).toEqual([]);
});

const base: EnvironmentGeneratorOptions = { name: "qa", account: "123456789012", region: "eu-central-1" };

/**
 * The registered blueprints (of `among`, in the catalog's order) whose starters can share one
 * environment with these options. A fork's starter repeats its source's names (alias, bucket): the
 * generator refuses that pair, as validate would, so these tests keep the first of them. Every
 * registered starter must still be valid alone: a starter left out for any other reason fails here.
 */
function coexisting(options: EnvironmentGeneratorOptions, among: readonly string[] = BLUEPRINT_NAMES): string[] {
  const valid = (names: string[]) => {
    const starterOptions = Object.entries(options).filter(([k]) => BLUEPRINTS.some((b) => names.includes(b.name) && b.starter.options?.includes(k)));
    const own = { name: options.name, account: options.account, region: options.region };
    return EnvironmentSchema.safeParse(buildEnvironmentConfig(normalizeOptions({ ...own, ...Object.fromEntries(starterOptions), blueprints: names }))).success;
  };
  const chosen: string[] = [];
  for (const name of among) {
    expect({ blueprint: name, validAlone: valid([name]) }).toEqual({ blueprint: name, validAlone: true });
    if (valid([...chosen, name])) chosen.push(name);
  }
  return chosen;
}

function readJson(path: string): Record<string, unknown> {
  const text = tree.read(path, "utf-8");
  if (text === null) throw new Error(`${path} was not written`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The lines `npm run validate` prints for this content at apps/<name>/environment.json. */
function validateLines(content: unknown, name: string): string[] {
  try {
    parseEnvironment(EnvironmentSchema, content, `apps/${name}/environment.json`);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map(formatProblem);
  }
}

/** Runs the generator and returns the lines of the error it throws (the first is the title). */
async function refusal(options: EnvironmentGeneratorOptions): Promise<string[]> {
  const before = tree.listChanges().length;
  try {
    await environmentGenerator(tree, options);
  } catch (e) {
    expect(tree.listChanges()).toHaveLength(before); // nothing written
    return (e as Error).message.split("\n");
  }
  throw new Error("the generator did not refuse");
}

describe("files", () => {
  test("writes apps/<name>: environment.json and the Nx project around it (no npm package: nothing to install)", async () => {
    await environmentGenerator(tree, base);
    const written = tree
      .listChanges()
      .map((c) => c.path)
      .filter((p) => p.startsWith("apps/"))
      .sort();
    expect(written).toEqual([
      "apps/qa/environment.json",
      "apps/qa/environment.test.ts",
      "apps/qa/jest.config.js",
      "apps/qa/project.json",
      "apps/qa/tsconfig.json",
    ]);
  });

  test("the project files: an Nx project named after its folder, the environment suite, the shared presets", async () => {
    await environmentGenerator(tree, base);
    expect(readJson("apps/qa/project.json")).toEqual({
      $schema: "../../node_modules/nx/schemas/project-schema.json",
      tags: ["type:app"],
      targets: { test: { command: "jest", options: { cwd: "{projectRoot}" } } },
    });
    // Every path a generated file names resolves from apps/qa.
    for (const ref of ["../../node_modules/nx/schemas/project-schema.json", "../../tsconfig.base.json", "../../jest.preset.js"]) {
      expect(() => readFileSync(join(repoRoot, "apps/qa", ref))).not.toThrow();
    }
    expect(readJson("apps/qa/tsconfig.json")).toEqual({ extends: "../../tsconfig.base.json", include: ["**/*.ts"], exclude: ["node_modules", "dist"] });
    expect(tree.read("apps/qa/jest.config.js", "utf-8")).toBe('module.exports = { ...require("../../jest.preset.js"), displayName: "app-qa" };\n');
    expect(tree.read("apps/qa/environment.test.ts", "utf-8")).toBe(
      'import * as catalog from "@sse-kms/blueprint-catalog";\nimport { environmentSuite } from "@sse-kms/testing/environment";\n\nenvironmentSuite(__dirname, catalog);\n',
    );
  });

  test("environment.json validates, points at the JSON Schema, and derives its names from name, account and region", async () => {
    await environmentGenerator(tree, base);
    const content = readJson("apps/qa/environment.json");
    expect(validateLines(content, "qa")).toEqual([]);
    // The $schema path resolves from apps/qa to the committed JSON Schema.
    expect(content.$schema).toBe("../catalog/schema/environment.schema.json");
    expect(() => readFileSync(join(repoRoot, "apps/qa", String(content.$schema)))).not.toThrow();
    const env = parseEnvironment(EnvironmentSchema, content, "apps/qa/environment.json") as Environment;
    expect(env).toMatchObject({ name: "qa", account: "123456789012", region: "eu-central-1", production: false });
    expect(Object.keys(env.blueprints)).toEqual(["customer-managed"]);
    expect(env.blueprints["customer-managed"]).toMatchObject({
      key: {
        name: "data",
        alias: "alias/qa-data",
        administrators: ["arn:aws:iam::123456789012:role/platform-key-admin"],
        users: ["arn:aws:iam::123456789012:role/app-data"],
      },
      buckets: [{ name: "qa-data-123456789012" }],
    });
  });

  test("every blueprint: valid, distinct aliases and bucket names, the destination in the destination account", async () => {
    const options = { ...base, destinationAccount: "210987654321", destinationRegion: "eu-west-1" };
    const every = coexisting(options);
    await environmentGenerator(tree, { ...options, blueprints: every.join(",") });
    const content = readJson("apps/qa/environment.json");
    expect(validateLines(content, "qa")).toEqual([]);
    const env = parseEnvironment(EnvironmentSchema, content) as Environment;
    // Every registered blueprint's starter (each blueprint's own tests check what its starter writes).
    expect(Object.keys(env.blueprints)).toEqual(every);
    const rep = env.blueprints["cross-account-replication"];
    expect(rep?.source).toMatchObject({ key: { alias: "alias/qa-replicated" }, bucket: { name: "qa-replicated-123456789012" } });
    expect(rep?.destination).toMatchObject({
      mode: "create",
      account: "210987654321",
      region: "eu-west-1",
      assumeRoleArn: "arn:aws:iam::210987654321:role/platform-deploy",
      key: { alias: "alias/qa-backup", administrators: ["arn:aws:iam::210987654321:role/platform-key-admin"] },
      bucket: { name: "qa-backup-210987654321" },
    });
  });

  test("the destination region defaults to the environment's", async () => {
    await environmentGenerator(tree, { ...base, blueprints: ["cross-account-replication"], destinationAccount: "210987654321" });
    expect(readJson("apps/qa/environment.json")).toMatchObject({
      blueprints: { "cross-account-replication": { destination: { region: "eu-central-1" } } },
    });
  });

  test.each([
    ["us-gov-west-1", "aws-us-gov"],
    ["cn-north-1", "aws-cn"],
    ["us-east-1", "aws"],
  ])("region %s: every ARN is in partition %s", async (region, partition) => {
    const options = { ...base, region };
    await environmentGenerator(tree, { ...options, blueprints: coexisting(options, BLUEPRINTS.filter((b) => !b.starter.options?.length).map((b) => b.name)) });
    const text = tree.read("apps/qa/environment.json", "utf-8") ?? "";
    const arns = text.match(/"arn:[^"]*"/g) ?? [];
    expect(arns.length).toBeGreaterThan(0);
    for (const arn of arns) expect(arn.startsWith(`"arn:${partition}:iam::`)).toBe(true);
    expect(validateLines(JSON.parse(text), "qa")).toEqual([]);
  });

  test("the longest valid name and a leading-zero account still make valid bucket names", async () => {
    const name = "a-twenty-char-name-1";
    const options = { name, account: "012345678901", region: "eu-west-1", destinationAccount: "000000000001" };
    await environmentGenerator(tree, { ...options, blueprints: coexisting(options).join(",") });
    const content = readJson(`apps/${name}/environment.json`);
    expect(validateLines(content, name)).toEqual([]);
    expect(content.account).toBe("012345678901");
    for (const bucket of (tree.read(`apps/${name}/environment.json`, "utf-8") ?? "").match(/[a-z0-9-]+-\d{12}(?=")/g) ?? []) {
      expect(BucketName.safeParse(bucket).success).toBe(true);
    }
  });

  test("numeric CLI values (Nx parses --account 123456789012 as a number) become strings", async () => {
    await environmentGenerator(tree, { ...base, account: 123456789012 });
    expect(readJson("apps/qa/environment.json").account).toBe("123456789012");
  });

  test("--blueprints: comma-separated or a list, blanks and duplicates ignored", async () => {
    await environmentGenerator(tree, {
      ...base,
      blueprints: [" customer-managed", "cross-account-replication", "customer-managed", ""],
      destinationAccount: "210987654321",
    });
    // Written in the catalog's order (by name).
    expect(Object.keys(readJson("apps/qa/environment.json").blueprints as object)).toEqual(["cross-account-replication", "customer-managed"]);
  });
});

describe("next steps", () => {
  test("the callback installs nothing (an environment is no npm package) and says what comes next", async () => {
    const callback = await environmentGenerator(tree, base);
    callback();
    const printed = jest
      .mocked(logger.info)
      .mock.calls.map((c) => String(c[0]))
      .join("\n");
    expect(printed).toContain("npm run synth");
    expect(printed).toContain("npm run refresh");
    expect(printed).not.toContain("npm install");
  });
});

describe("refusals: the lines of npm run validate", () => {
  test("a bad account: exactly validate's line for that field", async () => {
    const lines = await refusal({ ...base, account: "123" });
    expect(lines.slice(1)).toEqual([ACCOUNT_LINE]);
    expect(lines[0]).toMatch(/^cannot generate apps\/qa: .*nothing was written:$/);
  });

  test("each line shown is one validate prints for the same file; the derived fields' consequences are left out", async () => {
    const options = { ...base, account: "123", region: "eu-west-1a" };
    const lines = (await refusal(options)).slice(1);
    expect(lines).toEqual([
      ACCOUNT_LINE,
      'apps/qa/environment.json: region: must be a known AWS region name such as eu-west-1 or us-east-1 (availability zones like eu-west-1a are not regions) (got "eu-west-1a")',
    ]);
    // validate on the file these options would make also reports the ARNs built from the bad account.
    const validate = validateLines(buildEnvironmentConfig(normalizeOptions(options)), "qa");
    for (const line of lines) expect(validate).toContain(line);
    expect(validate.filter((l) => !lines.includes(l))).toEqual([
      expect.stringMatching(
        /^apps\/qa\/environment.json: blueprints.customer-managed.key.administrators\[0\]: .*\(got "arn:aws:iam::123:role\/platform-key-admin"\)$/,
      ),
      expect.stringMatching(/^apps\/qa\/environment.json: blueprints.customer-managed.key.users\[0\]: .*\(got "arn:aws:iam::123:role\/app-data"\)$/),
      expect.stringMatching(
        /^apps\/qa\/environment.json: blueprints.customer-managed.buckets\[0\].readers\[0\]: .*\(got "arn:aws:iam::123:role\/app-data-reader"\)$/,
      ),
      expect.stringMatching(
        /^apps\/qa\/environment.json: blueprints.customer-managed.buckets\[0\].writers\[0\]: .*\(got "arn:aws:iam::123:role\/app-data-writer"\)$/,
      ),
    ]);
  });

  test("a name the schema rejects (and no folder is created for it)", async () => {
    for (const name of ["QA", "../evil", "1qa", "a-name-longer-than-20-chars", ""]) {
      const lines = await refusal({ ...base, name });
      expect(lines.slice(1)).toEqual([
        `apps/${name}/environment.json: name: must be 1-20 characters: a lowercase letter, then lowercase letters, digits or '-' (got ${JSON.stringify(name)})`,
      ]);
    }
    expect(tree.children("apps")).toEqual([]);
  });

  test("the replication destination in the environment's own account: same-account replication, no destination role", async () => {
    await environmentGenerator(tree, { ...base, blueprints: "cross-account-replication", destinationAccount: "123456789012" });
    const content = readJson("apps/qa/environment.json");
    expect(validateLines(content, "qa")).toEqual([]);
    const destination = (content as { blueprints: Record<string, { destination: Record<string, unknown> }> }).blueprints["cross-account-replication"]!
      .destination;
    expect(destination).toMatchObject({ mode: "create", account: "123456789012", region: "eu-central-1" });
    expect(destination).not.toHaveProperty("assumeRoleArn");
  });

  test("the replication destination: a region of another partition, a bad account", async () => {
    const rep = { ...base, blueprints: "cross-account-replication" };
    expect((await refusal({ ...rep, destinationAccount: "210987654321", destinationRegion: "cn-north-1" })).slice(1)).toEqual([
      'apps/qa/environment.json: blueprints.cross-account-replication.destination.region: must be in partition aws, like the source region eu-central-1 (got "cn-north-1")',
    ]);
    expect((await refusal({ ...rep, destinationAccount: "42" })).slice(1)).toEqual([
      'apps/qa/environment.json: blueprints.cross-account-replication.destination.account: must be an AWS account id: exactly 12 digits, as a string (quote it; leading zeros count) (got "42")',
    ]);
  });

  test("an empty --blueprints: validate's 'enable at least one blueprint'", async () => {
    expect((await refusal({ ...base, blueprints: "" })).slice(1)).toEqual([
      `apps/qa/environment.json: blueprints: enable at least one blueprint (${BLUEPRINT_NAMES.join(", ")}) (got {})`,
    ]);
  });
});

describe("refusals: what the schema cannot see", () => {
  test("pins the hashicorp/aws version the other environments pin (one fleet, one provider version)", async () => {
    tree.write("apps/dev/environment.json", JSON.stringify({ name: "dev", awsProviderVersion: "5.100.0" }));
    tree.write("apps/prod/environment.json", JSON.stringify({ name: "prod", awsProviderVersion: "5.100.0" }));
    await environmentGenerator(tree, base);
    expect(readJson("apps/qa/environment.json").awsProviderVersion).toBe("5.100.0");
  });

  test("--aws-provider-version overrides the fleet's; without environments the schema's default applies", async () => {
    await environmentGenerator(tree, { ...base, name: "first" });
    expect(readJson("apps/first/environment.json")).not.toHaveProperty("awsProviderVersion");
    tree.write("apps/dev/environment.json", JSON.stringify({ name: "dev", awsProviderVersion: "5.100.0" }));
    await environmentGenerator(tree, { ...base, awsProviderVersion: "6.25.0" });
    expect(readJson("apps/qa/environment.json").awsProviderVersion).toBe("6.25.0");
  });

  test("environments that disagree: the version must be chosen", async () => {
    tree.write("apps/dev/environment.json", JSON.stringify({ name: "dev", awsProviderVersion: "5.100.0" }));
    tree.write("apps/prod/environment.json", JSON.stringify({ name: "prod" }));
    expect(await refusal(base)).toEqual([
      "the environments pin several hashicorp/aws versions (5.100.0: apps/dev/environment.json; 6.25.0: apps/prod/environment.json): pass --aws-provider-version <version>: nothing was generated",
    ]);
  });

  test("an existing apps/<name>", async () => {
    tree.write("apps/qa/README.md", "someone's folder");
    expect(await refusal(base)).toEqual(["apps/qa already exists: nothing was generated. Choose another --name, or edit apps/qa/environment.json by hand."]);
  });

  test("an environment name already used by another folder", async () => {
    tree.write("apps/quality/environment.json", JSON.stringify({ name: "qa" }));
    expect(await refusal(base)).toEqual([
      'apps/quality/environment.json already uses the environment name "qa": nothing was generated. Choose another --name.',
    ]);
  });

  test("unknown blueprints, listing the known ones", async () => {
    expect(await refusal({ ...base, blueprints: "customer-managed,cmk,byok" })).toEqual([
      `unknown blueprints "cmk", "byok" in --blueprints; the known blueprints are: ${BLUEPRINT_NAMES.join(", ")}`,
    ]);
  });

  test("cross-account-replication without --destination-account: how to add it by hand", async () => {
    const lines = await refusal({ ...base, blueprints: "customer-managed,cross-account-replication" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^the cross-account-replication blueprint needs a destination account: pass --destination-account <12 digits> .* add it by hand: nothing was generated$/,
    );
  });

  test("destination options without the cross-account-replication blueprint", async () => {
    const lines = await refusal({ ...base, destinationAccount: "210987654321" });
    expect(lines[0]).toMatch(/^--destination-account configures the cross-account-replication blueprint only: add it to --blueprints/);
  });

  test("an option no blueprint reads", async () => {
    expect(await refusal({ ...base, destinationAcount: "210987654321" })).toEqual([
      expect.stringMatching(
        /^unknown option --destination-acount: the options are --name, --account, --region, --blueprints, and .*--destination-account \(cross-account-replication\)/,
      ),
    ]);
  });
});
