import { join } from "node:path";
import { HANDOVER_OUTPUTS, handoverPath, renderHandover } from "./handover";
import { build, environment, handoverIn, toExisting, type Json } from "./test-support";

/** The fenced code blocks of a Markdown text, by language. */
function codeBlocks(markdown: string, language: string): string[] {
  const out: string[] = [];
  const re = new RegExp("```" + language + "\\n([\\s\\S]*?)\\n```", "g");
  for (const m of markdown.matchAll(re)) out.push(m[1] ?? "");
  return out;
}

describe("replicationHandover", () => {
  const staging = environment("staging");
  const handover = handoverIn(staging)!;

  test("is defined for an existing destination, from configuration alone", () => {
    expect(handover).toMatchObject({
      stackName: "staging-cross-account-replication",
      roleArn: "arn:aws:iam::222222222222:role/staging-s3-replication",
      source: { account: "222222222222", region: "eu-central-1", bucketArn: "arn:aws:s3:::acme-staging-replicated-222222222222" },
      destination: {
        account: "555555555555",
        region: "eu-central-1",
        bucketArn: "arn:aws:s3:::acme-staging-backup-555555555555",
        keyArn: "arn:aws:kms:eu-central-1:555555555555:key/0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0",
      },
    });
  });

  test("with a prefix filter: the bucket statement and the page name the prefix; without one, neither does", () => {
    const filtered = handoverIn(environment("staging", (raw) => (raw.blueprints["cross-account-replication"].filter = { prefix: "reports/" })))!;
    expect(filtered.prefix).toBe("reports/");
    expect(filtered.bucketPolicyStatements.map((s) => s.Resource)).toEqual(["arn:aws:s3:::acme-staging-backup-555555555555/reports/*"]);
    expect(renderHandover(filtered)).toContain("only for keys under `reports/`");
    expect(handover.prefix).toBeUndefined();
    expect(renderHandover(handover)).not.toContain("only for keys under");
  });

  test("is undefined when the stack creates the destination", () => {
    expect(handoverIn(environment("prod"))).toBeUndefined();
  });

  test("its statements are the stack's outputs, byte for byte", () => {
    const { json } = build(staging);
    expect(json.output[HANDOVER_OUTPUTS.keyPolicyStatement].value).toBe(JSON.stringify(handover.keyPolicyStatement));
    expect(json.output[HANDOVER_OUTPUTS.bucketPolicyStatements].value).toBe(JSON.stringify(handover.bucketPolicyStatements));
  });

  test("for prod switched to an existing destination, it names that account and the key's region", () => {
    const h = handoverIn(environment("prod", toExisting))!;
    expect(h.destination).toMatchObject({ account: "444444444444", region: "us-west-2" });
    expect(h.keyPolicyStatement.Condition).toEqual({
      StringEquals: { "kms:CallerAccount": "333333333333", "kms:ViaService": "s3.us-west-2.amazonaws.com" },
      StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::acme-prod-vault-444444444444", "arn:aws:s3:::acme-prod-vault-444444444444/*"] },
    });
  });
});

describe("renderHandover", () => {
  const handover = handoverIn(environment("staging"))!;
  const markdown = renderHandover(handover);

  test("holds the exact key-policy statement and bucket-policy statements, as parseable JSON", () => {
    const blocks = codeBlocks(markdown, "json").map((b) => JSON.parse(b) as Json);
    expect(blocks).toEqual([handover.keyPolicyStatement, handover.bucketPolicyStatements]);
  });

  test("names the role, both buckets, the key, both accounts and the region", () => {
    for (const text of [
      handover.roleArn,
      handover.source.bucketArn,
      handover.destination.bucketArn,
      handover.destination.keyArn,
      handover.source.account,
      handover.destination.account,
      handover.destination.region,
      handover.stackName,
    ]) {
      expect(markdown).toContain(text);
    }
  });

  test("tells the order of operations and what to check on the destination side", () => {
    expect(markdown).toContain("**after** the source stack has been applied");
    expect(markdown).toMatch(/Versioning is enabled on the bucket/);
    expect(markdown).toMatch(/no `kms:Decrypt`/);
  });

  test("is deterministic, with no dates or machine paths, and ends with a newline", () => {
    expect(renderHandover(handoverIn(environment("staging"))!)).toBe(markdown);
    expect(markdown).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(markdown).not.toContain(join(__dirname, "../../.."));
    expect(markdown.endsWith("\n")).toBe(true);
    expect(markdown.startsWith("# Hand-over: replication from staging-cross-account-replication into acme-staging-backup-555555555555\n")).toBe(true);
  });

  test("is written to docs/handover/<stack>.md", () => {
    expect(handoverPath(handover.stackName)).toBe("docs/handover/staging-cross-account-replication.md");
  });
});
