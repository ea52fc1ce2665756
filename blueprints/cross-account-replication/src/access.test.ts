/**
 * Access proofs: the synthesized key policies, bucket policies, trust policy and role policy are fed
 * to the IAM policy simulator (`simulateAccess` from @sse-kms/testing) and we assert who may do what,
 * per environment and per destination mode.
 *
 * The destination of `existing` mode is owned by another team and is not in our stacks: it is
 * modelled as a stack of that account (a key and an encrypted bucket built with our own constructs)
 * WITHOUT and then WITH the hand-over statements, which proves the hand-over is both necessary and
 * sufficient.
 */
import { EncryptedBucket } from "@sse-kms/bucket-encryption";
import { EncryptionKey } from "@sse-kms/key";
import { type IamPolicyDocument, allowAll, inventoryOf, registerAccessMatchers } from "@sse-kms/testing";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import type { ReplicationHandover } from "./handover";
import { BLUEPRINT, type ReplicationEnvironment, build, environment, handoverIn } from "./test-support";

registerAccessMatchers();

const KEY_ID_PLACEHOLDER = "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0";

/**
 * A stack of an account we do not manage: a key and an encrypted bucket (our constructs, so they carry
 * the usual deny statements), optionally with extra bucket statements (a permissive owner policy) and
 * the hand-over statements added to the key and bucket policies.
 */
function foreignStack(o: {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly bucket: string;
  readonly handover?: ReplicationHandover;
  readonly extraBucketStatements?: IamPolicyDocument["Statement"];
}): string {
  const stack = new TerraformStack(Testing.app({ stackTraces: false }), o.name);
  new AwsProvider(stack, "aws", { region: o.region, allowedAccountIds: [o.account] });
  const key = new EncryptionKey(stack, "Key", {
    name: "backup",
    account: o.account,
    region: o.region,
    administrators: [`arn:aws:iam::${o.account}:role/platform-key-admin`],
  });
  const bucket = new EncryptedBucket(stack, "Bucket", { bucketName: o.bucket, region: o.region, encryptionKey: key });
  if (o.handover) {
    key.addToResourcePolicy(o.handover.keyPolicyStatement);
    for (const s of o.handover.bucketPolicyStatements) bucket.addToResourcePolicy(s);
  }
  for (const s of o.extraBucketStatements ?? []) bucket.addToResourcePolicy(s as Parameters<EncryptedBucket["addToResourcePolicy"]>[0]);
  // Name the stack in its metadata, as `cdktf synth` does: placeholder key ARNs derive from it, so
  // the key keeps one ARN whichever other stacks it is loaded with.
  const json = JSON.parse(Testing.synth(stack)) as Record<string, Record<string, unknown>>;
  json["//"] = { ...json["//"], metadata: { ...(json["//"]?.metadata as object), stackName: o.name } };
  return JSON.stringify(json);
}

/** The ARN the simulator gives the only key of a stack (a placeholder derived from stack name and address). */
const keyArnOf = (stack: string): string => inventoryOf(stack).keys[0]!.arn;

interface Setup {
  readonly label: string;
  readonly env: ReplicationEnvironment;
  /** Our stack and, for `existing`, the destination account's stack with the hand-over applied. */
  readonly stacks: string[];
  /** `existing` only: the same destination without the hand-over statements. */
  readonly withoutHandover?: string[];
  readonly role: string;
  readonly source: { readonly account: string; readonly region: string; readonly bucket: string; readonly key: string };
  readonly destination: { readonly account: string; readonly region: string; readonly bucket: string; readonly key: string };
}

/** prod: the shipped `create` destination, all in our stack. */
function createSetup(): Setup {
  const env = environment("prod");
  const { text, blueprint } = build(env);
  const m = blueprint.model;
  return {
    label: "prod (create: backup account 444444444444, us-west-2)",
    env,
    stacks: [text],
    role: m.roleArn,
    source: { account: env.account, region: env.region, bucket: m.source.bucketName, key: "aws_kms_key.source_replicated" },
    destination: { account: m.destination.account, region: m.destination.region, bucket: m.destination.bucketName, key: "aws_kms_key.destination_backup" },
  };
}

/**
 * staging: the shipped `existing` destination (account 555555555555). The modelled destination key
 * gets a placeholder ARN, so the config's keyArn is pointed at it; the hand-over statements do not
 * depend on the key ARN (checked below), so they are the shipped ones.
 */
function existingSetup(): Setup {
  const shipped = environment("staging");
  const d = shipped.blueprints[BLUEPRINT.name].destination;
  if (d.mode !== "existing") throw new Error("staging ships an existing destination");
  const bucket = d.bucketArn.split(":::")[1]!;
  const region = d.keyArn.split(":")[3]!;
  const name = "backup-account-555555555555";
  const bare = foreignStack({ name, account: d.account, region, bucket });
  const keyArn = keyArnOf(bare);
  const env = environment("staging", (raw) => (raw.blueprints[BLUEPRINT.name].destination.keyArn = keyArn));
  const handover = handoverIn(env)!;
  const { text, blueprint } = build(env);
  const m = blueprint.model;
  const withHandover = foreignStack({ name, account: d.account, region, bucket, handover });
  expect(keyArnOf(withHandover)).toBe(keyArn);
  return {
    label: "staging (existing: bucket and key owned by 555555555555, hand-over applied)",
    env,
    stacks: [text, withHandover],
    withoutHandover: [text, bare],
    role: m.roleArn,
    source: { account: env.account, region: env.region, bucket: m.source.bucketName, key: "aws_kms_key.source_replicated" },
    destination: { account: d.account, region, bucket, key: keyArn },
  };
}

test("the hand-over statements do not depend on the destination key ARN (the proof's substitution is sound)", () => {
  const shipped = handoverIn(environment("staging"))!;
  const other = handoverIn(
    environment(
      "staging",
      (raw) => (raw.blueprints[BLUEPRINT.name].destination.keyArn = `arn:aws:kms:eu-central-1:555555555555:key/${KEY_ID_PLACEHOLDER.replace(/0/g, "a")}`),
    ),
  )!;
  expect(other.keyPolicyStatement).toEqual(shipped.keyPolicyStatement);
  expect(other.bucketPolicyStatements).toEqual(shipped.bucketPolicyStatements);
});

describe.each([createSetup(), existingSetup()].map((s) => [s.label, s] as const))("access in %s", (_label, s) => {
  const srcKey = { kmsKey: s.source.key };
  const dstKey = { kmsKey: s.destination.key };
  const srcObject = { bucket: s.source.bucket, key: "reports/2025/a.csv" };
  const dstObject = { bucket: s.destination.bucket, key: "reports/2025/a.csv" };
  const viaSource = { bucket: s.source.bucket };
  const viaDestination = { bucket: s.destination.bucket };
  const otherSourcePrincipal = `arn:aws:iam::${s.source.account}:role/app-data-writer`;
  const unnamedDestinationPrincipal = `arn:aws:iam::${s.destination.account}:role/backup-reader`;
  const role = s.role;

  describe("the replication role at the source", () => {
    test("can decrypt source objects through S3 in the source region (bucket-key and object context)", async () => {
      await expect(s.stacks).toAllow({ principal: role, action: "kms:Decrypt", resource: srcKey, viaS3: viaSource });
      await expect(s.stacks).toAllow({
        principal: role,
        action: "kms:Decrypt",
        resource: srcKey,
        viaS3: { ...viaSource, encryptionContext: "object", objectKey: "x/y" },
      });
    });

    test("cannot decrypt outside S3, through S3 in another region, or for another bucket", async () => {
      await expect(s.stacks).toDeny({
        principal: role,
        action: "kms:Decrypt",
        resource: srcKey,
        context: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${s.source.bucket}` },
      });
      await expect(s.stacks).toDeny({ principal: role, action: "kms:Decrypt", resource: srcKey, viaS3: { ...viaSource, region: "ap-south-1" } });
      await expect(s.stacks).toDeny({ principal: role, action: "kms:Decrypt", resource: srcKey, viaS3: { bucket: "some-other-bucket" } });
    });

    test("cannot encrypt with the source key (it only reads there)", async () => {
      await expect(s.stacks).toDeny({ principal: role, action: "kms:GenerateDataKey", resource: srcKey, viaS3: viaSource });
    });

    test("reads object versions for replication, and the bucket's replication configuration; no plain GetObject", async () => {
      for (const action of ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]) {
        await expect(s.stacks).toAllow({ principal: role, action, resource: srcObject });
      }
      await expect(s.stacks).toAllow({ principal: role, action: "s3:GetReplicationConfiguration", resource: { bucket: s.source.bucket } });
      await expect(s.stacks).toDeny({ principal: role, action: "s3:GetObject", resource: srcObject });
      await expect(s.stacks).toDeny({ principal: role, action: "s3:PutObject", resource: srcObject });
    });

    test("is assumable by S3 only, with or without source keys in the request (replication cannot fail closed on them)", async () => {
      const trust = { role };
      await expect(s.stacks).toAllow({ principal: "s3.amazonaws.com", action: "sts:AssumeRole", resource: trust });
      const context = { "aws:SourceAccount": s.source.account, "aws:SourceArn": `arn:aws:s3:::${s.source.bucket}` };
      await expect(s.stacks).toAllow({ principal: "s3.amazonaws.com", action: "sts:AssumeRole", resource: trust, context });
      await expect(s.stacks).toDeny({ principal: otherSourcePrincipal, action: "sts:AssumeRole", resource: trust, identityPolicies: [allowAll] });
    });
  });

  describe("the replication role at the destination", () => {
    test("can encrypt replicas through S3 in the destination region", async () => {
      for (const action of ["kms:Encrypt", "kms:GenerateDataKey"]) {
        await expect(s.stacks).toAllow({ principal: role, action, resource: dstKey, viaS3: viaDestination });
        await expect(s.stacks).toAllow({ principal: role, action, resource: dstKey, viaS3: { ...viaDestination, encryptionContext: "object" } });
      }
    });

    test("cannot decrypt there, and cannot encrypt outside S3 or for another bucket", async () => {
      await expect(s.stacks).toDeny({ principal: role, action: "kms:Decrypt", resource: dstKey, viaS3: viaDestination });
      await expect(s.stacks).toDeny({
        principal: role,
        action: "kms:Encrypt",
        resource: dstKey,
        context: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${s.destination.bucket}` },
      });
      await expect(s.stacks).toDeny({
        principal: role,
        action: "kms:GenerateDataKey",
        resource: dstKey,
        viaS3: { bucket: "some-other-bucket", region: s.destination.region },
      });
    });

    test("can replicate objects and tags into the destination bucket and hand ownership over", async () => {
      for (const action of ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"]) {
        await expect(s.stacks).toAllow({ principal: role, action, resource: dstObject });
      }
    });

    test("can replicate delete markers exactly when the configuration replicates them", async () => {
      const markers = s.env.blueprints[BLUEPRINT.name].deleteMarkerReplication;
      const request = { principal: role, action: "s3:ReplicateDelete", resource: dstObject };
      if (markers) await expect(s.stacks).toAllow(request);
      else await expect(s.stacks).toDeny(request);
    });

    test("cannot replicate over plain HTTP (the destination's deny statements still apply)", async () => {
      await expect(s.stacks).toDeny(
        { principal: role, action: "s3:ReplicateObject", resource: dstObject, context: { "aws:SecureTransport": "false" } },
        "explicit",
      );
    });

    test("cannot read replicas or change the destination's versioning (the bucket grant alone is not enough across accounts)", async () => {
      await expect(s.stacks).toDeny({ principal: role, action: "s3:GetObject", resource: dstObject });
      await expect(s.stacks).toDeny({ principal: role, action: "s3:PutBucketVersioning", resource: { bucket: s.destination.bucket } });
      await expect(s.stacks).toDeny({ principal: role, action: "s3:GetBucketVersioning", resource: { bucket: s.destination.bucket } });
    });
  });

  describe("nobody else", () => {
    test("no other principal of the source account can replicate into the destination, even with full IAM rights", async () => {
      for (const principal of [otherSourcePrincipal, `arn:aws:iam::${s.source.account}:role/platform-key-admin`]) {
        await expect(s.stacks).toDeny({ principal, action: "s3:ReplicateObject", resource: dstObject, identityPolicies: [allowAll] });
        await expect(s.stacks).toDeny({ principal, action: "kms:GenerateDataKey", resource: dstKey, viaS3: viaDestination, identityPolicies: [allowAll] });
      }
      await expect(s.stacks).toDeny({ principal: `arn:aws:iam::${s.source.account}:root`, action: "s3:ReplicateObject", resource: dstObject });
    });

    test("a principal of the destination account that is not named cannot read or decrypt source objects", async () => {
      await expect(s.stacks).toDeny({ principal: unnamedDestinationPrincipal, action: "s3:GetObject", resource: srcObject, identityPolicies: [allowAll] });
      await expect(s.stacks).toDeny({
        principal: unnamedDestinationPrincipal,
        action: "s3:GetObjectVersionForReplication",
        resource: srcObject,
        identityPolicies: [allowAll],
      });
      await expect(s.stacks).toDeny({
        principal: unnamedDestinationPrincipal,
        action: "kms:Decrypt",
        resource: srcKey,
        viaS3: viaSource,
        identityPolicies: [allowAll],
      });
    });

    test("the destination account's root cannot decrypt with the source key", async () => {
      await expect(s.stacks).toDeny({ principal: `arn:aws:iam::${s.destination.account}:root`, action: "kms:Decrypt", resource: srcKey, viaS3: viaSource });
    });
  });

  describe("into no other bucket", () => {
    // Another bucket of the destination account whose owner even allows the WHOLE source account to
    // replicate into it: the role's own policy still confines it to the destination bucket.
    const other = foreignStack({
      name: "other-bucket-of-the-destination-account",
      account: s.destination.account,
      region: s.destination.region,
      bucket: `acme-unrelated-${s.destination.account}`,
      extraBucketStatements: [
        {
          Sid: "LooseOwner",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${s.source.account}:root` },
          Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
          Resource: `arn:aws:s3:::acme-unrelated-${s.destination.account}/*`,
        },
      ],
    });

    test("not another bucket of the destination account, even one that invites the source account", async () => {
      await expect([...s.stacks, other]).toDeny({
        principal: role,
        action: "s3:ReplicateObject",
        resource: { bucket: `acme-unrelated-${s.destination.account}`, key: "a" },
      });
    });

    test("not the source bucket itself", async () => {
      await expect(s.stacks).toDeny({ principal: role, action: "s3:ReplicateObject", resource: srcObject });
    });
  });

  if (s.withoutHandover) {
    const bare = s.withoutHandover;
    test("existing: WITHOUT the hand-over statements the role can neither encrypt nor replicate at the destination", async () => {
      await expect(bare).toDeny({ principal: role, action: "kms:GenerateDataKey", resource: dstKey, viaS3: viaDestination });
      await expect(bare).toDeny({ principal: role, action: "kms:Encrypt", resource: dstKey, viaS3: viaDestination });
      await expect(bare).toDeny({ principal: role, action: "s3:ReplicateObject", resource: dstObject });
    });
  }
});
