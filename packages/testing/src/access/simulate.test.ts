import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import type { IamPolicyDocument } from "@sse-kms/policy";
import { allowAll, allowActions } from "./policy";
import { simulateAccess } from "./simulate";
import { ACCOUNT, ADMIN, BUCKET, OTHER_ACCOUNT, REGION, USER, keyStack, viaS3 } from "./test-fixtures";

const key = { kmsKey: "aws_kms_key.data" } as const;
const object = { bucket: BUCKET, key: "reports/a.csv" } as const;

describe("simulateAccess on a synthesized stack", () => {
  const stack = JSON.stringify(keyStack());

  it("allows a key user through S3 with the bucket context, naming the decisive statement", async () => {
    const r = await simulateAccess(stack, { principal: USER, action: "kms:GenerateDataKey", resource: key, viaS3 });
    expect(r.decision).toBe("Allowed");
    expect(r.decisiveStatements).toEqual(['key policy aws_kms_key.data "KeyUseViaS3" (Allow)']);
    expect(r.request.context).toMatchObject({
      "kms:ViaService": `s3.${REGION}.amazonaws.com`,
      "kms:CallerAccount": ACCOUNT,
      "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${BUCKET}`,
      "aws:SecureTransport": "true",
      "aws:PrincipalArn": USER,
    });
  });

  it("uses the object ARN as context when asked (no Bucket Key)", async () => {
    const r = await simulateAccess(stack, {
      principal: USER,
      action: "kms:Decrypt",
      resource: key,
      viaS3: { bucket: BUCKET, encryptionContext: "object", objectKey: "x" },
    });
    expect(r.request.context["kms:EncryptionContext:aws:s3:arn"]).toBe(`arn:aws:s3:::${BUCKET}/x`);
    expect(r.decision).toBe("Allowed");
  });

  it("denies the key user outside S3 and names the failed condition", async () => {
    const r = await simulateAccess(stack, {
      principal: USER,
      action: "kms:Decrypt",
      resource: key,
      context: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${BUCKET}` },
    });
    expect(r.decision).toBe("ImplicitlyDenied");
    expect(r.explanation).toContain(
      'key policy aws_kms_key.data "KeyUseViaS3" (Allow): StringEquals kms:ViaService "s3.eu-west-1.amazonaws.com" (request: missing)',
    );
  });

  it("lets callers name the key by ARN or by Terraform reference", async () => {
    const byAddress = await simulateAccess(stack, { principal: ADMIN, action: "kms:ScheduleKeyDeletion", resource: key });
    const byRef = await simulateAccess(stack, { principal: ADMIN, action: "kms:ScheduleKeyDeletion", resource: "${aws_kms_key.data.arn}" });
    const byArn = await simulateAccess(stack, { principal: ADMIN, action: "kms:ScheduleKeyDeletion", resource: byAddress.request.resourceArn });
    expect([byAddress.decision, byRef.decision, byArn.decision]).toEqual(["Allowed", "Allowed", "Allowed"]);
    expect(byRef.request.resourceArn).toBe(byAddress.request.resourceArn);
  });

  it("delegates the account root statement to IAM: an unlisted role needs an identity policy", async () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/ops`;
    const without = await simulateAccess(stack, { principal: role, action: "kms:PutKeyPolicy", resource: key });
    expect(without.decision).toBe("ImplicitlyDenied");
    expect(without.explanation).toContain('"KeyManagementByAccountRoot" (Allow) allows the principal\'s account only');
    expect(
      (await simulateAccess(stack, { principal: role, action: "kms:PutKeyPolicy", resource: key, identityPolicies: [allowActions("kms:PutKeyPolicy")] }))
        .decision,
    ).toBe("Allowed");
  });

  it("models the root user with full access in its own account", async () => {
    const root = `arn:aws:iam::${ACCOUNT}:root`;
    expect((await simulateAccess(stack, { principal: root, action: "kms:PutKeyPolicy", resource: key })).decision).toBe("Allowed");
    expect((await simulateAccess(stack, { principal: root, action: "kms:Decrypt", resource: key, viaS3 })).decision).toBe("ImplicitlyDenied");
  });

  it("denies PutObject over plain HTTP explicitly, naming the statement and its condition", async () => {
    const r = await simulateAccess(stack, {
      principal: USER,
      action: "s3:PutObject",
      resource: object,
      identityPolicies: [allowAll],
      context: { "aws:SecureTransport": "false" },
    });
    expect(r.decision).toBe("ExplicitlyDenied");
    expect(r.explanation).toContain(
      'bucket policy aws_s3_bucket_policy.data "DenyInsecureTransport" (Deny) when Bool aws:SecureTransport "false" (request: "false")',
    );
  });

  it("resolves Terraform references in context values (the bucket's own key in the header)", async () => {
    const r = await simulateAccess(stack, {
      principal: USER,
      action: "s3:PutObject",
      resource: object,
      identityPolicies: [allowAll],
      context: { "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": "${aws_kms_key.data.arn}" },
    });
    expect(r.decision).toBe("Allowed");
  });

  it("resolves Terraform references in identity policies", async () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/ops`;
    const scoped = allowActions("kms:PutKeyPolicy", "${aws_kms_key.data.arn}");
    expect((await simulateAccess(stack, { principal: role, action: "kms:PutKeyPolicy", resource: key, identityPolicies: [scoped] })).decision).toBe("Allowed");
  });

  it('treats "*" as an anonymous request', async () => {
    const r = await simulateAccess(stack, { principal: "*", action: "s3:GetObject", resource: object });
    expect(r.decision).toBe("ImplicitlyDenied");
    expect(r.explanation).toMatch(/^ImplicitlyDenied: anonymous \(\*\) s3:GetObject/);
  });

  it("accepts a TerraformStack", async () => {
    const app = Testing.app();
    const tf = new TerraformStack(app, "cdktf-stack");
    new AwsProvider(tf, "aws", { region: REGION, allowedAccountIds: [ACCOUNT] });
    const policy = { Version: "2012-10-17", Statement: [{ Sid: "Admin", Effect: "Allow", Principal: { AWS: ADMIN }, Action: "kms:*", Resource: "*" }] };
    new KmsKey(tf, "key", { policy: JSON.stringify(policy) }).overrideLogicalId("main");
    const r = await simulateAccess(tf, { principal: ADMIN, action: "kms:Decrypt", resource: { kmsKey: "aws_kms_key.main" } });
    expect(r.decision).toBe("Allowed");
    expect(r.request.resourceArn).toMatch(new RegExp(`^arn:aws:kms:${REGION}:${ACCOUNT}:key/`));
  });
});

describe("simulateAccess across stacks (cross-account)", () => {
  const REPLICATION = `arn:aws:iam::${ACCOUNT}:role/replication`;
  const destinationPolicy: IamPolicyDocument = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: "kms:DescribeKey", Resource: "*" },
      {
        Sid: "ReplicaEncrypt",
        Effect: "Allow",
        Principal: { AWS: REPLICATION },
        Action: "kms:Encrypt",
        Resource: "*",
        Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT } },
      },
    ],
  };
  const destination = keyStack({
    name: "destination",
    account: OTHER_ACCOUNT,
    keyPolicy: destinationPolicy,
    extra: { output: { destination_key_arn: { value: "${aws_kms_key.data.arn}" } } },
  });
  const trust = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "S3", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
  });
  const rolePolicy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "EncryptReplicas", Effect: "Allow", Action: "kms:Encrypt", Resource: "${data.terraform_remote_state.destination.outputs.destination_key_arn}" },
    ],
  });
  const source = {
    "//": { metadata: { stackName: "source" } },
    provider: { aws: [{ region: REGION, allowed_account_ids: [ACCOUNT] }] },
    resource: {
      aws_iam_role: { replication: { name: "replication", assume_role_policy: trust } },
      aws_iam_role_policy: { replication: { role: "${aws_iam_role.replication.name}", policy: rolePolicy } },
    },
  };
  const stacks = [JSON.stringify(source), JSON.stringify(destination)];

  it("allows when both the destination key policy and the role's own policy (from the source stack) allow", async () => {
    const r = await simulateAccess(stacks, { principal: REPLICATION, action: "kms:Encrypt", resource: { kmsKey: "aws_kms_key.data", stack: "destination" } });
    expect(r.decision).toBe("Allowed");
    expect(r.request.identityPolicies).toEqual(["aws_iam_role_policy.replication"]);
    expect(r.request.resourceAccount).toBe(OTHER_ACCOUNT);
  });

  it("denies implicitly when only one side allows", async () => {
    const other = `arn:aws:iam::${ACCOUNT}:role/other`;
    const r = await simulateAccess(stacks, { principal: other, action: "kms:Encrypt", resource: { kmsKey: "aws_kms_key.data" }, identityPolicies: [allowAll] });
    expect(r.decision).toBe("ImplicitlyDenied");
    expect(r.explanation).toContain("cross-account request");
  });

  it("evaluates a role's trust policy for a service principal", async () => {
    expect((await simulateAccess(stacks, { principal: "s3.amazonaws.com", action: "sts:AssumeRole", resource: { role: "replication" } })).decision).toBe(
      "Allowed",
    );
    expect((await simulateAccess(stacks, { principal: "ec2.amazonaws.com", action: "sts:AssumeRole", resource: { role: "replication" } })).decision).toBe(
      "ImplicitlyDenied",
    );
  });

  it("puts no default key into a service principal's request (the table decides what a service sends)", async () => {
    const r = await simulateAccess(stacks, { principal: "s3.amazonaws.com", action: "sts:AssumeRole", resource: { role: "replication" } });
    expect(r.request.context).toEqual({});
  });

  it("accepts a key the table lists for the call (S3's aws:SourceAccount on AssumeRole: possibly sent)", async () => {
    const r = await simulateAccess(stacks, {
      principal: "s3.amazonaws.com",
      action: "sts:AssumeRole",
      resource: { role: "replication" },
      context: { "aws:SourceAccount": ACCOUNT },
    });
    expect(r.request.context).toEqual({ "aws:SourceAccount": ACCOUNT });
  });
});

describe("a service principal's request carries only keys the table of documented service-principal conditions lists", () => {
  const stack = keyStack();
  it.each([
    [
      "a key AWS documents as not sent (EventBridge's aws:SourceAccount to KMS for an encrypted topic)",
      { principal: "events.amazonaws.com", action: "kms:GenerateDataKey", resource: key, context: { "aws:SourceAccount": ACCOUNT } },
      /aws:SourceAccount cannot be put into a request of events.amazonaws.com for kms:GenerateDataKey: AWS documents it as not sent \(https:\/\/docs.aws.amazon.com\/sns\/latest\/dg\/sns-key-management.html/,
    ],
    [
      "a key the table does not list for the call",
      {
        principal: "events.amazonaws.com",
        action: "sqs:SendMessage",
        resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:q`,
        context: { "aws:SourceAccount": ACCOUNT },
      },
      /the table documents only aws:SourceArn for this call/,
    ],
    [
      "a call the table does not know",
      {
        principal: "lambda.amazonaws.com",
        action: "kms:Decrypt",
        resource: key,
        context: { "aws:SourceArn": "arn:aws:lambda:eu-west-1:111111111111:function:f" },
      },
      /has no row for this call/,
    ],
    ["viaS3 for a service principal", { principal: "events.amazonaws.com", action: "kms:Decrypt", resource: key, viaS3 }, /is a service principal/],
  ])("refuses %s", async (_label, request, message) => {
    await expect(simulateAccess(stack, request)).rejects.toThrow(message);
  });
});

describe("simulateAccess refuses what it cannot evaluate faithfully", () => {
  const stack = keyStack();
  it.each([
    [
      "an unknown bucket",
      { principal: USER, action: "s3:GetObject", resource: { bucket: "no-such-bucket", key: "k" } },
      /bucket no-such-bucket is not in the given stacks \(known: acme-data-111111111111\)/,
    ],
    [
      "an unknown key",
      { principal: USER, action: "kms:Decrypt", resource: { kmsKey: "aws_kms_key.nope" } },
      /KMS key aws_kms_key\.nope is not in the given stacks/,
    ],
    [
      "a misspelt context key",
      { principal: USER, action: "s3:PutObject", resource: object, identityPolicies: [allowAll], context: { "s3:x-amz-server-side-encrytion": "AES256" } },
      /context keys s3:x-amz-server-side-encrytion do not apply to s3:PutObject/,
    ],
    [
      "identity policies for an anonymous request",
      { principal: "*", action: "s3:GetObject", resource: object, identityPolicies: [allowAll] },
      /anonymous request .* has no identity policies/,
    ],
    [
      "identity policies for the root user",
      { principal: `arn:aws:iam::${ACCOUNT}:root`, action: "kms:Decrypt", resource: key, identityPolicies: [allowAll] },
      /is the root user/,
    ],
    ["viaS3 on a bucket", { principal: USER, action: "s3:GetObject", resource: object, viaS3 }, /viaS3 models S3 calling KMS/],
    ["an unknown action", { principal: USER, action: "kms:Decrypte", resource: key }, /iam-simulate rejected the request kms:Decrypte/],
    ["a wildcard resource", { principal: USER, action: "s3:GetObject", resource: `arn:aws:s3:::${BUCKET}/*` }, /not a wildcard pattern/],
  ])("%s", async (_label, request, message) => {
    await expect(simulateAccess(stack, request)).rejects.toThrow(message);
  });
});
