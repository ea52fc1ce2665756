import { type EnvironmentConfig, parseEnvironment } from "@sse-kms/config";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type EnvironmentStack } from "@sse-kms/stack";
import { Testing } from "cdktf";
import {
  ACCESS_MATRIX_COLUMNS,
  type AccessCell,
  type AccessMatrix,
  type AccessMatrixTable,
  computeAccessMatrix,
  formatAccessMatrix,
  renderAccessMatrix,
} from "./access-matrix";
import { EnvironmentSchema, buildEnvironment, findRepoRoot, loadEnvironments } from "@sse-kms/blueprint-catalog";

const ENVIRONMENTS = loadEnvironments(findRepoRoot(__dirname));
const build = (env: EnvironmentConfig): EnvironmentStack[] => buildEnvironment(Testing.app({ stackTraces: false }), env);
// What each blueprint grants its own principals is proven by its own access tests (blueprints/<name>/src/access.test.ts);
// here: what holds for every stack of every environment, whatever its blueprint.
const CRYPTO = ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"];

const cell = (t: AccessMatrixTable, principal: string, column: string): AccessCell => {
  const row = t.rows.find((r) => r.principal === principal);
  if (!row) throw new Error(`no row ${principal} in ${t.title}`);
  return row.cells[ACCESS_MATRIX_COLUMNS.indexOf(column as (typeof ACCESS_MATRIX_COLUMNS)[number])] as AccessCell;
};

/** key.administrators / key.users of the blueprint a stack holds. */
function configured(env: EnvironmentConfig, stack: string): { administrators: string[]; users: string[] } {
  const blueprint = stack.slice(env.name.length + 1);
  const key = (env.blueprints[blueprint] as { key?: { administrators?: string[]; users?: string[] } } | undefined)?.key;
  return { administrators: key?.administrators ?? [], users: key?.users ?? [] };
}

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))("access matrix of %s", (_name, env) => {
  let matrix: AccessMatrix;
  // Synth and the IAM simulator over every stack: seconds, more on a loaded machine than jest's 5 s default.
  beforeAll(async () => {
    matrix = await computeAccessMatrix(build(env));
  }, 120_000);

  test("has a table for every bucket of every stack, under the stack's name", () => {
    const cm = env.blueprints["customer-managed"];
    for (const bucket of cm?.buckets ?? []) {
      expect(
        matrix.tables.filter(
          (t) =>
            t.stack === `${env.name}-customer-managed` &&
            (t.title.startsWith(`Bucket \`${bucket.name}\`: key \`aws_kms_key.`) ||
              ("existingKeyArn" in cm!.key &&
                t.title.startsWith(`Bucket \`${bucket.name}\`: existing key \`${cm!.key.existingKeyArn}\` (not managed by this stack`))),
        ),
      ).toHaveLength(1);
    }
    expect(new Set(matrix.tables.map((t) => t.stack))).toEqual(new Set(build(env).map((s) => s.node.id)));
  });

  test("lists every configured principal, the account root, and the probes", () => {
    for (const t of matrix.tables) {
      const { administrators, users } = configured(env, t.stack);
      const principals = t.rows.map((r) => r.principal);
      expect(principals).toEqual(
        expect.arrayContaining([
          ...administrators,
          ...users,
          `arn:aws:iam::${env.account}:root`,
          `arn:aws:iam::${env.account}:role/sse-kms-unlisted-role`,
          "*",
        ]),
      );
      expect(t.rows.filter((r) => r.listedAs.startsWith("probe: a role of another account"))).toHaveLength(1);
    }
  });

  test("anonymous requests and another account's principal are never allowed anything", () => {
    for (const t of matrix.tables) {
      for (const r of t.rows.filter((r) => r.principal === "*" || r.listedAs.startsWith("probe: a role of another account"))) {
        expect(r.cells).not.toContain("Allowed");
      }
    }
  });

  test("separation of duties: administrators and unlisted roles (allow-all IAM) never use a key, even via S3", () => {
    for (const t of matrix.tables) {
      const { administrators } = configured(env, t.stack);
      // A bucket on an existing key: the key policy is not in the stack, so no KMS cell can be computed (the
      // blueprint's existing-key proofs cover it on a model of the owner's policy).
      const existingKey = t.title.includes(": existing key `");
      for (const p of [...administrators, `arn:aws:iam::${env.account}:role/sse-kms-unlisted-role`, `arn:aws:iam::${env.account}:root`]) {
        for (const c of CRYPTO) expect(cell(t, p, c)).toBe(existingKey ? "n/a" : "implicit deny");
      }
      for (const admin of administrators) {
        expect(cell(t, admin, "kms:PutKeyPolicy")).toBe("Allowed");
        expect(cell(t, admin, "kms:ScheduleKeyDeletion")).toBe("Allowed");
      }
    }
  });

  test("renders deterministically, without dates", async () => {
    const again = formatAccessMatrix(env.name, await computeAccessMatrix(build(env)));
    const text = formatAccessMatrix(env.name, matrix);
    expect(again).toBe(text);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text.startsWith(`# Access matrix: ${env.name}\n`)).toBe(true);
  });
});

describe("per-bucket readers and writers in the matrix (a fixture: two buckets under one key)", () => {
  // The catalog fixture with a second bucket and a reader and a writer per bucket (not a shipped
  // environment: a fork may change those).
  const raw = JSON.parse(readFileSync(join(findRepoRoot(__dirname), "apps/catalog/fixtures/environment.json"), "utf8")) as {
    account: string;
    blueprints: { "customer-managed": { buckets: Array<{ name: string; readers?: string[]; writers?: string[] }> } };
  };
  const role = (name: string) => `arn:aws:iam::${raw.account}:role/${name}`;
  const [first] = raw.blueprints["customer-managed"].buckets;
  raw.blueprints["customer-managed"].buckets = [
    { name: first!.name, readers: [role("data-reader")], writers: [role("data-writer")] },
    { name: `acme-fixture-reports-${raw.account}`, readers: [role("reports-reader")], writers: [role("reports-writer")] },
  ];
  const dev = parseEnvironment(EnvironmentSchema, raw, "apps/catalog/fixtures/environment.json (two buckets)");
  let matrix: AccessMatrix;
  beforeAll(async () => {
    matrix = await computeAccessMatrix(build(dev));
  }, 120_000);
  const buckets = () => (dev.blueprints["customer-managed"]?.buckets ?? []).map((b) => ({ name: b.name, readers: b.readers, writers: b.writers }));
  const table = (bucket: string) => matrix.tables.find((t) => t.title.startsWith(`Bucket \`${bucket}\``))!;

  test("the fixture has two buckets, each with a reader and a writer", () => {
    expect(buckets().length).toBeGreaterThanOrEqual(2);
    for (const b of buckets()) expect(b.readers.length * b.writers.length).toBeGreaterThan(0);
  });

  test("a reader decrypts in its bucket's table only; a writer generates data keys and decrypts in its bucket's table only", () => {
    for (const own of buckets()) {
      for (const other of buckets()) {
        const t = table(other.name);
        const mine = own.name === other.name;
        for (const r of own.readers) {
          expect(cell(t, r, "kms:Decrypt")).toBe(mine ? "Allowed" : "implicit deny");
          expect(cell(t, r, "kms:GenerateDataKey")).toBe("implicit deny");
        }
        for (const w of own.writers) {
          expect(cell(t, w, "kms:GenerateDataKey")).toBe(mine ? "Allowed" : "implicit deny");
          expect(cell(t, w, "kms:Decrypt")).toBe(mine ? "Allowed" : "implicit deny");
        }
      }
    }
  });

  test("key-level users still reach every bucket of the key", () => {
    const users = (dev.blueprints["customer-managed"]!.key as { users: string[] }).users;
    expect(users.length).toBeGreaterThan(0);
    for (const b of buckets()) for (const u of users) for (const c of ["kms:Decrypt", "kms:GenerateDataKey"]) expect(cell(table(b.name), u, c)).toBe("Allowed");
  });
});

describe("renderAccessMatrix", () => {
  const dev = ENVIRONMENTS[0]!;

  it("documents the request model in its header and renders one Markdown table per bucket", async () => {
    const md = await renderAccessMatrix(dev.name, build(dev));
    expect(md).toContain("`kms:ViaService = s3.<bucket region>.amazonaws.com`");
    expect(md).toContain("`kms:EncryptionContext:aws:s3:arn = <bucket ARN>`");
    expect(md).toContain(`| Principal | Listed as | IAM | ${ACCESS_MATRIX_COLUMNS.join(" | ")} |`);
    expect(md).toMatch(/\| `\*` \(anonymous\) \| probe: an unsigned request \| none \| implicit deny \|/);
    expect(md.endsWith("\n")).toBe(true);
  });

  it("gives the same cells for synthesized JSON as for the stacks (only the config notes differ)", async () => {
    const stacks = build(dev);
    const fromStacks = await computeAccessMatrix(stacks);
    const fromJson = await computeAccessMatrix(stacks.map((s) => Testing.synth(s)));
    const cells = (m: AccessMatrix) => m.tables.map((t) => t.rows.map((r) => [r.principal, r.identity, ...r.cells]));
    expect(cells(fromJson)).toEqual(cells(fromStacks));
  });
});

describe("formatAccessMatrix", () => {
  it("renders a hand-made matrix", () => {
    const md = formatAccessMatrix("test", {
      columns: ["kms:Decrypt", "s3:GetObject"],
      tables: [
        {
          stack: "test-a",
          title: "Bucket `b1`",
          rows: [{ principal: "arn:aws:iam::111111111111:role/r", listedAs: "x", identity: "allow-all", cells: ["Allowed", "explicit deny"] }],
        },
        { stack: "test-a", title: "Bucket `b2`", rows: [{ principal: "*", listedAs: "probe", identity: "none", cells: ["n/a", "implicit deny"] }] },
      ],
    });
    expect(md.slice(md.indexOf("## Stack"))).toBe(
      [
        "## Stack `test-a`\n",
        "### Bucket `b1`\n",
        "| Principal | Listed as | IAM | kms:Decrypt | s3:GetObject |",
        "|---|---|---|---|---|",
        "| `arn:aws:iam::111111111111:role/r` | x | allow-all | Allowed | explicit deny |",
        "",
        "### Bucket `b2`\n",
        "| Principal | Listed as | IAM | kms:Decrypt | s3:GetObject |",
        "|---|---|---|---|---|",
        "| `*` (anonymous) | probe | none | n/a | implicit deny |",
        "",
      ].join("\n"),
    );
  });
});
