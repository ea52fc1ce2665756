/** The error plumbing: paths, values and lines of ConfigError, and loadEnvironmentFile. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConfigError,
  formatPath,
  formatProblem,
  formatValue,
  loadEnvironmentFile,
  parseEnvironment,
  type ConfigProblem,
  BucketListSchema,
  KeySettingsSchema,
  createEnvironmentSchema,
} from "./index";
import { z } from "zod";

/** An environment schema over one test blueprint (packages know no real blueprint). */
const schema = createEnvironmentSchema([{ name: "customer-managed", configSchema: z.strictObject({ key: KeySettingsSchema, buckets: BucketListSchema }) }]);

describe("formatPath", () => {
  test.each<[PropertyKey[], string]>([
    [[], ""],
    [["account"], "account"],
    [["blueprints", "customer-managed", "buckets", 0, "name"], "blueprints.customer-managed.buckets[0].name"],
    [["$schema"], "$schema"],
    [[2, "a"], "[2].a"],
    [["tags", "aws:owner"], 'tags["aws:owner"]'],
    [["tags", "cost center"], 'tags["cost center"]'],
    [["tags", "a.b"], 'tags["a.b"]'],
    [["tags", ""], 'tags[""]'],
    [["bad\nkey"], '["bad\\nkey"]'],
  ])("%j -> %s", (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });

  test("a key with a dot and a nested path stay distinguishable", () => {
    expect(formatPath(["tags", "a.b"])).not.toBe(formatPath(["tags", "a", "b"]));
  });
});

describe("formatValue", () => {
  test.each<[unknown, string]>([
    [undefined, "nothing"],
    [null, "null"],
    ["12345", '"12345"'],
    [111111111111, "111111111111"],
    [["a"], '["a"]'],
    ["line\nbreak", '"line\\nbreak"'],
    [10n, "10"],
  ])("%p -> %s", (value, expected) => {
    expect(formatValue(value)).toBe(expected);
  });

  test("cuts long values to 80 characters", () => {
    const s = formatValue("x".repeat(500));
    expect(s).toHaveLength(80);
    expect(s.endsWith("...")).toBe(true);
  });

  test("never throws, even for values JSON and String both reject", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const noPrototype = Object.assign(Object.create(null), { n: 1n });
    const hostile = {
      toJSON: () => {
        throw new Error("no");
      },
      toString: () => {
        throw new Error("no");
      },
    };
    for (const v of [cyclic, noPrototype, hostile]) expect(typeof formatValue(v)).toBe("string");
  });
});

describe("formatProblem", () => {
  const problem = (p: Partial<ConfigProblem>): ConfigProblem => ({ source: "f.json", path: "a", message: "m", received: 1, ...p });

  test("is `<file>: <field.path>: <message> (got <value>)`", () => {
    expect(formatProblem(problem({}))).toBe("f.json: a: m (got 1)");
    expect(formatProblem(problem({ path: "" }))).toBe("f.json: (root): m (got 1)");
  });

  test("is always one line", () => {
    expect(formatProblem(problem({ message: "first\nsecond\r\nthird" }))).toBe("f.json: a: first second third (got 1)");
  });
});

describe("ConfigError from parseEnvironment", () => {
  const base = () => ({
    name: "dev",
    account: "111111111111",
    region: "eu-west-1",
    blueprints: {
      "customer-managed": { key: { name: "data", alias: "alias/dev-data" }, buckets: [{ name: "acme-dev-data" }] },
    },
  });
  const problemsOf = (input: unknown): readonly ConfigProblem[] => {
    try {
      parseEnvironment(schema, input, "f");
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  };

  test("errors inside a union that no branch accepts carry the union's own path", () => {
    const input = { ...base(), backend: { type: "cloud", organization: "acme", workspaces: {} } };
    const problems = problemsOf(input);
    expect(problems.map((p) => p.path)).toEqual(["backend.workspaces.name"]);
    expect(problems[0]!.received).toBeUndefined();

    const both = { ...base(), backend: { type: "cloud", organization: "acme", workspaces: { name: "x-{stack}", tags: ["t"] } } };
    expect(problemsOf(both).map((p) => p.path)).toEqual(["backend.workspaces.tags"]);

    const badTag = { ...base(), backend: { type: "cloud", organization: "acme", workspaces: { tags: [7] } } };
    expect(problemsOf(badTag)).toEqual([expect.objectContaining({ path: "backend.workspaces.tags[0]", received: 7 })]);
  });

  test("a bad record key reports its own rule and the key", () => {
    const problems = problemsOf({ ...base(), tags: { "aws:team": "x" } });
    expect(problems).toEqual([{ source: "f", path: 'tags["aws:team"]', message: "tag keys must not start with aws: (reserved)", received: "aws:team" }]);
  });

  test("an unknown key with a line break stays on one line, quoted", () => {
    const e = (() => {
      try {
        parseEnvironment(schema, { ...base(), "x\ny": 1 }, "f");
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(e.message).toBe('f: ["x\\ny"]: unknown field (check its spelling against the schema; unknown fields are errors) (got 1)');
  });

  test("the base config is valid", () => {
    expect(problemsOf(base())).toEqual([]);
  });
});

describe("loadEnvironmentFile", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "sse-kms-load-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (name: string, text: string | undefined) => {
    const file = join(dir, name);
    if (text !== undefined) writeFileSync(file, text);
    try {
      return { env: loadEnvironmentFile(file, schema), file };
    } catch (e) {
      return { error: e, file };
    }
  };

  test("reads, parses and validates a file", () => {
    const { env } = load(
      "ok.json",
      JSON.stringify({
        name: "dev",
        account: "111111111111",
        region: "eu-west-1",
        blueprints: { "customer-managed": { key: { name: "data", alias: "alias/dev-data" }, buckets: [{ name: "acme-dev-data" }] } },
      }),
    );
    expect(env?.name).toBe("dev");
    expect(env?.backend).toEqual({ type: "local", directory: "terraform-state" });
  });

  test.each([
    ["missing.json", undefined, /^cannot read the file \(ENOENT\)$/],
    ["yaml.json", "name: dev\nregion: eu-west-1\n", /^not valid JSON at line 1 column 1: /],
    ["empty.json", "", /^not valid JSON at line 1 column 1: /],
  ])("%s: one ConfigError problem at the root, the source is the file", (name, text, message) => {
    const { error, file } = load(name, text);
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ source: file, path: "", received: undefined });
    expect(problems[0]!.message).toMatch(message);
    expect((error as ConfigError).message.split("\n")).toHaveLength(1);
  });
});
