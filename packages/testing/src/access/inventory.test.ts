import { StackInventory } from "./inventory";
import { ReferenceResolver } from "./resolver";
import { placeholderId } from "./scope";
import { loadStacks } from "./stacks";
import { ACCOUNT, BUCKET, OTHER_ACCOUNT, REGION, keyStack } from "./test-fixtures";

const inventory = (...json: Record<string, unknown>[]) => new StackInventory(loadStacks(json));

describe("placeholders", () => {
  it("derives a stable uuid-shaped key id from stack and address", () => {
    const id = placeholderId("test-stack", "aws_kms_key.data");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(placeholderId("test-stack", "aws_kms_key.data")).toBe(id);
    expect(placeholderId("other-stack", "aws_kms_key.data")).not.toBe(id);
  });

  it("gives keys, buckets and their policies resolved ARNs in the provider's account and region", () => {
    const inv = inventory(keyStack());
    const [key] = inv.keys;
    expect(key?.arn).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${placeholderId("test-stack", "aws_kms_key.data")}`);
    const bucket = inv.buckets[0];
    expect(bucket).toMatchObject({ name: BUCKET, arn: `arn:aws:s3:::${BUCKET}`, scope: { account: ACCOUNT, region: REGION } });
    expect(JSON.stringify(bucket?.policy()?.document)).toContain(`"s3:x-amz-server-side-encryption-aws-kms-key-id":"${key?.arn}"`);
    expect(JSON.stringify(key?.policy().document)).toContain(`"arn:aws:s3:::${BUCKET}/*"`);
    expect(bucket?.encryption()).toEqual({ sseAlgorithm: "aws:kms", kmsKeyArn: key?.arn, bucketKeyEnabled: true });
  });

  it("uses the aliased provider a resource names, and mrk- ids for multi-Region keys", () => {
    const inv = inventory(
      keyStack({
        extra: {
          provider: {
            aws: [
              { region: REGION, allowed_account_ids: [ACCOUNT] },
              { alias: "dr", region: "us-west-2", assume_role: [{ role_arn: `arn:aws:iam::${OTHER_ACCOUNT}:role/deploy` }] },
            ],
          },
        },
        extraResources: { aws_kms_replica_key: { dr: { provider: "aws.dr", primary_key_arn: "${aws_kms_key.data.arn}" } } },
      }),
    );
    const replica = inv.keys.find((k) => k.address === "aws_kms_replica_key.dr");
    expect(replica?.arn).toMatch(new RegExp(`^arn:aws:kms:us-west-2:${OTHER_ACCOUNT}:key/mrk-[0-9a-f]{32}$`));
  });

  it("resolves roles (with path), policies, data sources and the $${ escape", () => {
    const [stack] = loadStacks([
      keyStack({
        extraResources: { aws_iam_role: { app: { name: "app", path: "/service/" } }, aws_iam_policy: { p: { name: "use-key" } } },
        extra: { data: { aws_caller_identity: { me: {} }, aws_partition: { p: {} }, aws_region: { r: {} } } },
      }),
    ]);
    const r = new ReferenceResolver([stack!]);
    expect(r.resolve(stack!, "${aws_iam_role.app.arn}", "t")).toBe(`arn:aws:iam::${ACCOUNT}:role/service/app`);
    expect(r.resolve(stack!, "${aws_iam_policy.p.arn}", "t")).toBe(`arn:aws:iam::${ACCOUNT}:policy/use-key`);
    expect(r.resolve(stack!, "arn:${data.aws_partition.p.partition}:iam::${data.aws_caller_identity.me.account_id}:root", "t")).toBe(
      `arn:aws:iam::${ACCOUNT}:root`,
    );
    expect(r.resolve(stack!, "s3.${data.aws_region.r.name}.amazonaws.com", "t")).toBe(`s3.${REGION}.amazonaws.com`);
    expect(r.resolve(stack!, "arn:aws:s3:::${aws_s3_bucket.data.bucket}/$${aws:username}/*", "t")).toBe(`arn:aws:s3:::${BUCKET}/\${aws:username}/*`);
  });

  it("resolves cross-stack outputs through terraform_remote_state", () => {
    const producer = keyStack({ name: "producer", extra: { output: { key_arn: { value: "${aws_kms_key.data.arn}" } } } });
    const consumer = keyStack({ name: "consumer", account: OTHER_ACCOUNT });
    const stacks = loadStacks([producer, consumer]);
    const r = new ReferenceResolver(stacks);
    expect(r.resolve(stacks[1]!, "${data.terraform_remote_state.producer.outputs.key_arn}", "t")).toBe(new StackInventory(stacks).keys[0]?.arn);
  });

  it.each([
    ["${var.key_arn}", /var\.\* values are only known to Terraform/],
    ["${aws_kms_key.missing.arn}", /has no aws_kms_key\.missing/],
    ["${aws_kms_key.data.rotation_period_in_days}", /computed by the provider/],
    ["${jsonencode(aws_kms_key.data.arn)}", /only plain references/],
    ["${aws_s3_bucket.data[0].arn}", /only plain references/],
  ])("refuses %s", (text, message) => {
    const [stack] = loadStacks([keyStack()]);
    expect(() => new ReferenceResolver([stack!]).resolve(stack!, text, "where")).toThrow(message);
  });
});

describe("policies", () => {
  it("applies KMS's default key policy to a key without one", () => {
    const policy = inventory(keyStack({ keyPolicy: null })).keys[0]?.policy();
    expect(policy?.source).toBe("aws_kms_key.data (KMS default key policy)");
    expect(policy?.document.Statement).toEqual([
      expect.objectContaining({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*" }),
    ]);
  });

  it("reads a separate aws_kms_key_policy", () => {
    const inv = inventory(
      keyStack({
        keyPolicy: null,
        extraResources: {
          aws_kms_key_policy: {
            data: {
              key_id: "${aws_kms_key.data.id}",
              policy: '{"Statement":[{"Sid":"Only","Effect":"Allow","Principal":"*","Action":"kms:DescribeKey","Resource":"*"}]}',
            },
          },
        },
      }),
    );
    expect(inv.keys[0]?.policy().source).toBe("aws_kms_key_policy.data");
  });

  it("refuses two owners of one key policy", () => {
    const inv = inventory(keyStack({ extraResources: { aws_kms_key_policy: { data: { key_id: "${aws_kms_key.data.arn}", policy: '{"Statement":[]}' } } } }));
    expect(() => inv.keys[0]?.policy()).toThrow(/more than one key policy owner/);
  });

  it("refuses a policy that is a Terraform expression", () => {
    const json = keyStack();
    (json.resource as Record<string, Record<string, Record<string, unknown>>>).aws_kms_key!.data!.policy = "${data.aws_iam_policy_document.key.json}";
    expect(() => inventory(json).keys[0]?.policy()).toThrow(/is a Terraform expression.*not literal JSON/);
  });

  it("collects a role's inline, role-policy and attached policies, and lists unknown attachments", () => {
    const p = (sid: string) => JSON.stringify({ Statement: [{ Sid: sid, Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });
    const inv = inventory(
      keyStack({
        extraResources: {
          aws_iam_role: { app: { name: "app", assume_role_policy: p("Trust"), inline_policy: [{ name: "inline", policy: p("Inline") }] } },
          aws_iam_role_policy: { extra: { role: "${aws_iam_role.app.name}", policy: p("RolePolicy") } },
          aws_iam_policy: { shared: { name: "shared", policy: p("Attached") } },
          aws_iam_role_policy_attachment: {
            shared: { role: "${aws_iam_role.app.id}", policy_arn: "${aws_iam_policy.shared.arn}" },
            managed: { role: "app", policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
          },
        },
      }),
    );
    const role = inv.roles[0]!;
    expect(role.identityPolicies().map((f) => f.source)).toEqual(["aws_iam_role.app.inline_policy[0]", "aws_iam_role_policy.extra", "aws_iam_policy.shared"]);
    expect(role.unmodelledPolicies()).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    expect(role.trustPolicy()?.source).toBe("aws_iam_role.app.assume_role_policy");
  });

  it("refuses a provider without a known account", () => {
    expect(() => inventory(keyStack({ extra: { provider: { aws: [{ region: REGION }] } } }))).toThrow(/cannot tell the account of provider aws/);
  });
});
