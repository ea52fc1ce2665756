import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3BucketReplicationConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-replication-configuration";
import {
  bucketEnforcementStatements,
  policyDocument,
  renderPolicy,
  replicationDestinationBucketStatements,
  replicationDestinationKeyStatement,
  replicationRolePolicy,
  replicationSourceKeyStatement,
  replicationTrustPolicy,
} from "@sse-kms/policy";
import { ACCOUNT, findings, goodKeyStatements, keyPolicy, newStack, rawBucket, rawKey, statusOf, violations } from "../test-support";
import { evaluateStack } from "../pack";
import { iamNoWildcardPermissions, providerAllowedAccountIds, stateNoForceDestroy, statePreventDestroy } from ".";
import { suppress } from "../suppressions";

describe("SKB-STATE-1 state-prevent-destroy", () => {
  test("compliant: production keys and buckets carry prevent_destroy; not applicable outside production", () => {
    const { stack } = newStack();
    const key = rawKey(stack, { lifecycle: { preventDestroy: true } });
    const { bucket } = rawBucket(stack, { key });
    bucket.lifecycle = { preventDestroy: true };
    expect(statusOf(stack, statePreventDestroy, "aws_kms_key.data", true)).toBe("compliant");
    expect(statusOf(stack, statePreventDestroy, "aws_s3_bucket.acme_test_data", true)).toBe("compliant");
    const dev = newStack();
    rawBucket(dev.stack);
    expect(statusOf(dev.stack, statePreventDestroy, "aws_kms_key.data", false)).toBe("not-applicable");
  });
  test("non-compliant: a production key or bucket without it", () => {
    const { stack } = newStack();
    rawBucket(stack);
    expect(
      findings(stack, statePreventDestroy, true)
        .map((f) => [f.address, f.detail])
        .sort(),
    ).toEqual([
      ["aws_kms_key.data", "lifecycle.prevent_destroy is (absent)"],
      ["aws_s3_bucket.acme_test_data", "lifecycle.prevent_destroy is (absent)"],
    ]);
  });
});

describe("SKB-STATE-2 state-no-force-destroy", () => {
  const BUCKET = "aws_s3_bucket.acme_test_data";
  test("compliant: a production bucket without force_destroy or with false; not applicable outside production", () => {
    const absent = newStack();
    rawBucket(absent.stack);
    expect(statusOf(absent.stack, stateNoForceDestroy, BUCKET, true)).toBe("compliant");
    const off = newStack();
    rawBucket(off.stack).bucket.forceDestroy = false;
    expect(statusOf(off.stack, stateNoForceDestroy, BUCKET, true)).toBe("compliant");
    const dev = newStack();
    rawBucket(dev.stack).bucket.forceDestroy = true;
    expect(statusOf(dev.stack, stateNoForceDestroy, BUCKET, false)).toBe("not-applicable");
  });
  test("non-compliant: force_destroy true in production", () => {
    const { stack } = newStack();
    rawBucket(stack).bucket.forceDestroy = true;
    expect(findings(stack, stateNoForceDestroy, true).map((f) => [f.address, f.status, f.detail])).toEqual([
      [BUCKET, "non-compliant", "force_destroy is true"],
    ]);
  });
  test("a reasoned waiver on the bucket silences it, and is recorded", () => {
    const { stack } = newStack();
    const { bucket } = rawBucket(stack);
    bucket.forceDestroy = true;
    suppress(bucket, "SKB-STATE-2", "scratch bucket of derived data, rebuilt nightly from the source");
    const result = evaluateStack(stack, { production: true, rules: [stateNoForceDestroy] });
    expect(result.violations).toEqual([]);
  });
});

describe("SKB-PROV-1 provider-allowed-account-ids", () => {
  test("compliant: default and aliased providers pinned", () => {
    const { stack } = newStack();
    new AwsProvider(stack, "dst", { alias: "destination", region: "eu-central-1", allowedAccountIds: ["222222222222"] });
    expect(findings(stack, providerAllowedAccountIds).map((f) => [f.address, f.status])).toEqual([
      ["provider.aws", "compliant"],
      ["provider.aws.destination", "compliant"],
    ]);
  });
  test("non-compliant: an aliased provider without allowed_account_ids, reported at its construct path", () => {
    const { stack } = newStack();
    new AwsProvider(stack, "dst", { alias: "destination", region: "eu-central-1" });
    expect(findings(stack, providerAllowedAccountIds).filter((f) => f.status === "non-compliant")).toEqual([
      expect.objectContaining({ address: "provider.aws.destination", path: "test-stack/dst", detail: "provider.aws.destination has no allowed_account_ids" }),
    ]);
  });
});

describe("SKB-IAM-1 iam-no-wildcard-permissions", () => {
  const trust = renderPolicy(replicationTrustPolicy());

  test("compliant: the replication role policy (listed actions, named resources, KMS via S3)", () => {
    const { stack } = newStack();
    const role = new IamRole(stack, "role", { name: "replication", assumeRolePolicy: trust });
    role.overrideLogicalId("replication");
    const doc = replicationRolePolicy({
      roleArn: `arn:aws:iam::${ACCOUNT}:role/replication`,
      partition: "aws",
      source: { account: ACCOUNT, region: "eu-west-1", bucketArn: "arn:aws:s3:::acme-src", keyArn: "${aws_kms_key.data.arn}" },
      destination: {
        account: "222222222222",
        region: "eu-central-1",
        bucketArn: "arn:aws:s3:::acme-dst",
        keyArn: "arn:aws:kms:eu-central-1:222222222222:key/abc",
      },
    });
    new IamRolePolicy(stack, "rp", { role: role.name, policy: renderPolicy(doc) }).overrideLogicalId("replication");
    expect(statusOf(stack, iamNoWildcardPermissions, "aws_iam_role_policy.replication")).toBe("compliant");
    expect(statusOf(stack, iamNoWildcardPermissions, "aws_iam_role.replication")).toBe("not-applicable");
  });
  test("non-compliant: s3:*, kms:Decrypt on every key, NotAction, inline policies, AdministratorAccess", () => {
    const { stack } = newStack();
    const role = new IamRole(stack, "role", {
      name: "replication",
      assumeRolePolicy: trust,
      inlinePolicy: [{ name: "extra", policy: renderPolicy(policyDocument([{ Sid: "Everything", Effect: "Allow", NotAction: "iam:*", Resource: "*" }])) }],
    });
    role.overrideLogicalId("replication");
    new IamRolePolicy(stack, "rp", {
      role: role.name,
      policy: renderPolicy(
        policyDocument([
          { Sid: "AllS3", Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::acme-src/*" },
          { Sid: "AnyKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt"], Resource: "*" },
        ]),
      ),
    }).overrideLogicalId("replication");
    new IamRolePolicyAttachment(stack, "admin", { role: role.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }).overrideLogicalId("admin");
    const f = findings(stack, iamNoWildcardPermissions);
    expect(f.find((x) => x.address === "aws_iam_role_policy.replication")?.detail).toBe(
      'policy statement "AllS3" allows s3:*; policy statement "AnyKey" allows kms:Decrypt, kms:Encrypt on every key (Resource "*") without kms:ViaService',
    );
    expect(f.find((x) => x.address === "aws_iam_role.replication")?.detail).toContain('inline_policy extra statement "Everything" allows NotAction');
    expect(f.find((x) => x.address === "aws_iam_role_policy_attachment.admin")?.detail).toBe("attaches arn:aws:iam::aws:policy/AdministratorAccess");
  });
});

describe("a cross-account replication stack (two providers, IAM role, replication configuration)", () => {
  function replicationStack(production: boolean) {
    const { stack } = newStack("prod-cross-account-replication");
    const dst = new AwsProvider(stack, "destination", { alias: "destination", region: "eu-central-1", allowedAccountIds: ["222222222222"] });
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/prod-s3-replication`;
    const source = { account: ACCOUNT, region: "eu-west-1", bucketArn: "arn:aws:s3:::acme-src", keyArn: "${aws_kms_key.source.arn}" };
    const destination = { account: "222222222222", region: "eu-central-1", bucketArn: "arn:aws:s3:::acme-dst", keyArn: "${aws_kms_key.replica.arn}" };
    const o = { roleArn, partition: "aws", source, destination };
    const lifecycle = production ? { preventDestroy: true } : undefined;
    const srcKey = rawKey(stack, { lifecycle, policy: keyPolicy([...goodKeyStatements(), replicationSourceKeyStatement(o)]) }, "source");
    const dstKey = rawKey(
      stack,
      {
        provider: dst,
        lifecycle,
        policy: keyPolicy([
          {
            Sid: "KeyManagementByAccountRoot",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::222222222222:root" },
            Action: ["kms:DescribeKey", "kms:PutKeyPolicy"],
            Resource: "*",
          },
          replicationDestinationKeyStatement(o),
        ]),
      },
      "replica",
    );
    const src = rawBucket(stack, { name: "acme-src", key: srcKey });
    const dstBucket = rawBucket(stack, {
      name: "acme-dst",
      key: dstKey,
      policyStatements: [
        ...bucketEnforcementStatements({ bucketArn: destination.bucketArn, keyArn: destination.keyArn }),
        ...replicationDestinationBucketStatements(o),
      ],
    });
    for (const b of [src.bucket, dstBucket.bucket]) b.lifecycle = lifecycle;
    // The destination's companion resources belong to the destination provider.
    for (const c of stack.node.findAll()) if (c.node.id.endsWith("acme_dst")) (c as unknown as { provider: AwsProvider }).provider = dst;
    const role = new IamRole(stack, "role", { name: "prod-s3-replication", assumeRolePolicy: renderPolicy(replicationTrustPolicy()) });
    new IamRolePolicy(stack, "role-policy", { role: role.name, policy: renderPolicy(replicationRolePolicy(o)) });
    new S3BucketReplicationConfigurationA(stack, "replication", {
      bucket: src.bucket.id,
      role: role.arn,
      dependsOn: [src.versioning!],
      rule: [
        {
          id: "all",
          status: "Enabled",
          filter: {},
          deleteMarkerReplication: { status: "Disabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: dstBucket.bucket.arn,
            account: "222222222222",
            encryptionConfiguration: { replicaKmsKeyId: dstKey.arn },
            accessControlTranslation: { owner: "Destination" },
          },
        },
      ],
    });
    return stack;
  }

  test("passes the whole pack, in production too", () => {
    expect(violations(replicationStack(false))).toEqual([]);
    expect(violations(replicationStack(true), true)).toEqual([]);
  });

  test("the cross-resource rules did look at both sides", () => {
    const stack = replicationStack(true);
    const report = evaluateStack(stack, { production: true });
    const compliant = (ruleId: string) =>
      report.findings
        .filter((f) => f.ruleId === ruleId && f.status === "compliant")
        .map((f) => f.address)
        .sort();
    expect(compliant("SKB-S3-5")).toEqual(["aws_s3_bucket.acme_dst", "aws_s3_bucket.acme_src"]);
    expect(compliant("SKB-KMS-7")).toEqual(["aws_kms_key.replica", "aws_kms_key.source"]);
    expect(compliant("SKB-PROV-1")).toEqual(["provider.aws", "provider.aws.destination"]);
    expect(compliant("SKB-IAM-1")).toEqual(["aws_iam_role_policy.role-policy"]);
  });
});
