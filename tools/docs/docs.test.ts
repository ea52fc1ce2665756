import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot, loadEnvironments, synthEnvironment } from "@sse-kms/blueprint-catalog";
import { expectCurrent } from "@sse-kms/testing/environment";
import { GENERATED_DIRS, generateDocs } from "./docs";
import { stackDiagram } from "./blueprint-doc";

const root = findRepoRoot(__dirname);

describe("generated docs are current (regenerate with npm run refresh)", () => {
  let pages: Map<string, string>;
  const envs = loadEnvironments(root);
  const synthesized = envs.map((env) => ({ env, stacks: synthEnvironment(env) }));
  const stacks = synthesized.flatMap((e) => e.stacks);
  // The IAM simulator over every stack: seconds, more on a loaded machine than jest's 5 s default.
  beforeAll(async () => {
    pages = await generateDocs(root, "all", synthesized);
  }, 120_000);

  test("there is a blueprint page per blueprint in use and an access matrix per environment", () => {
    const paths = [...pages.keys()];
    expect(paths.filter((p) => p.startsWith("docs/blueprints/"))).toEqual([...new Set(stacks.map((s) => `docs/blueprints/${s.blueprint}.md`))].sort());
    expect(paths.filter((p) => p.startsWith("docs/access/"))).toEqual(envs.map((e) => `docs/access/${e.name}.md`).sort());
  });

  test("every committed page equals what the code generates", () => {
    for (const [path, content] of pages) expectCurrent(root, path, content, "a generated page");
  });

  test("no leftover page that the code no longer generates", () => {
    const committed = GENERATED_DIRS.flatMap((dir) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((f) => `${dir}/${f}`) : []));
    const leftover = committed.filter((p) => !pages.has(p));
    if (leftover.length > 0) throw new Error(`${leftover.join(", ")}: nothing generates these pages any more; run \`npm run refresh\` (it removes them)`);
  });

  test("access matrices title each stack by its name (auditors read them), never stack<n>", () => {
    for (const env of loadEnvironments(root)) {
      const page = pages.get(`docs/access/${env.name}.md`) ?? "";
      const titles = [...page.matchAll(/^## Stack `([^`]+)`/gm)].map((m) => m[1]);
      expect(titles.length).toBeGreaterThan(0);
      const names = synthEnvironment(env).map((s) => s.name);
      for (const title of titles) expect(names).toContain(title);
    }
  });
});

describe("stackDiagram", () => {
  const fixture = readFileSync(join(__dirname, "fixtures/two-accounts.tf.json"), "utf8");

  test("draws a replication across two accounts, each provider its own subgraph", () => {
    const diagram = stackDiagram(fixture);
    expect(diagram).toMatch(/subgraph aws\["account 333333333333 \(us-east-1\)"\]/);
    expect(diagram).toMatch(/subgraph aws_destination\["account 444444444444 \(us-west-2\)"\]/);
    expect(diagram).toMatch(/aws_s3_bucket__src -- "replicates SSE-KMS objects to" --> aws_s3_bucket__dst/);
    expect(diagram).toMatch(/aws_s3_bucket__src -- "SSE-KMS default encryption" --> aws_kms_key__source/);
  });
});
