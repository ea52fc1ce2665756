import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot, loadEnvironments, synthEnvironment } from "@sse-kms/blueprint-catalog";
import { GENERATED_DIRS, generateDocs } from "./generate";

const root = findRepoRoot(__dirname);

describe("generated docs are current (regenerate with npm run docs)", () => {
  let pages: Map<string, string>;
  beforeAll(async () => {
    pages = await generateDocs(root);
  });

  test("there is a blueprint page per blueprint, an access matrix per environment, a hand-over per existing destination", () => {
    const paths = [...pages.keys()];
    expect(paths.filter((p) => p.startsWith("docs/blueprints/"))).toEqual([
      "docs/blueprints/cross-account-replication.md",
      "docs/blueprints/customer-managed.md",
      "docs/blueprints/imported-material.md",
    ]);
    expect(paths.filter((p) => p.startsWith("docs/access/"))).toEqual(["docs/access/dev.md", "docs/access/prod.md", "docs/access/staging.md"]);
    expect(paths.filter((p) => p.startsWith("docs/handover/")).length).toBeGreaterThanOrEqual(1);
  });

  test("every committed page equals what the code generates", () => {
    const stale = [...pages.entries()].filter(([path, content]) => !existsSync(join(root, path)) || readFileSync(join(root, path), "utf8") !== content).map(([p]) => p);
    expect({ stale, fix: "run npm run docs and commit the result" }).toEqual({ stale: [], fix: "run npm run docs and commit the result" });
  });

  test("no leftover page that the code no longer generates", () => {
    const committed = GENERATED_DIRS.flatMap((dir) => (existsSync(join(root, dir)) ? readdirSync(join(root, dir)).map((f) => `${dir}/${f}`) : []));
    expect(committed.filter((p) => !pages.has(p))).toEqual([]);
  });

  test("the replication diagram is drawn across two accounts", () => {
    const page = pages.get("docs/blueprints/cross-account-replication.md") ?? "";
    expect(page).toMatch(/subgraph aws\["account 333333333333 \(us-east-1\)"\]/);
    expect(page).toMatch(/subgraph aws_destination\["account 444444444444 \(us-west-2\)"\]/);
    expect(page).toMatch(/aws_s3_bucket__acme_prod_replicated_333333333333 -- "replicates SSE-KMS objects to" --> aws_s3_bucket__acme_prod_backup_444444444444/);
    expect(page).toMatch(/aws_s3_bucket__acme_prod_replicated_333333333333 -- "SSE-KMS default encryption" --> aws_kms_key__source_replicated/);
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
