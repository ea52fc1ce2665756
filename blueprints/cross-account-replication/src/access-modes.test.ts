/**
 * Access proofs of the replication modes beside cross-account (access.test.ts covers that one):
 * same account into another region with a prefix filter (the dev fixture), the same account and
 * region (S3 SRR), and a tag filter. The synthesized policies go through the IAM policy simulator.
 *
 * What the simulator cannot show: which objects S3 selects for replication (the rule's filter is
 * S3's, not IAM's). A prefix also scopes the role's policy, so the proofs show the role denied
 * outside it; a tag filter does not (IAM has no condition on a source object's tags for
 * GetObjectVersionForReplication that this project relies on), so the role's object access stays
 * bucket-wide there and the proof says so.
 */
import { allowAll, registerAccessMatchers } from "@sse-kms/testing";
import { BLUEPRINT, type Json, build, environment } from "./test-support";

registerAccessMatchers();

const REP = BLUEPRINT.name;
const ACCOUNT = "111111111111";
const OTHER_ACCOUNT = "444444444444";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/dev-s3-replication`;
const SRC = "acme-dev-replicated-111111111111";
const DST = "acme-dev-replica-111111111111";
const srcKey = { kmsKey: "aws_kms_key.source_replicated" };
const dstKey = { kmsKey: "aws_kms_key.destination_replica" };

describe.each([
  ["same account, eu-west-1 -> eu-central-1, prefix reports/ (dev fixture)", (_raw: Json): void => undefined, "eu-central-1"],
  ["same account and region (S3 SRR), prefix reports/", (raw: Json): void => void (raw.blueprints[REP].destination.region = "eu-west-1"), "eu-west-1"],
] as const)("access in %s", (_label, change, destinationRegion) => {
  const stacks = [build(environment("dev", change)).text];
  const inPrefix = "reports/2025/a.csv";
  const outside = "private/2025/a.csv";

  test("the role reads source versions under the prefix, and nowhere else", async () => {
    for (const action of ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]) {
      await expect(stacks).toAllow({ principal: ROLE, action, resource: { bucket: SRC, key: inPrefix } });
      await expect(stacks).toDeny({ principal: ROLE, action, resource: { bucket: SRC, key: outside } });
    }
  });

  test("the role replicates objects and tags into the destination under the prefix only; not into the source, no owner override", async () => {
    for (const action of ["s3:ReplicateObject", "s3:ReplicateTags"]) {
      await expect(stacks).toAllow({ principal: ROLE, action, resource: { bucket: DST, key: inPrefix } });
      await expect(stacks).toDeny({ principal: ROLE, action, resource: { bucket: DST, key: outside } });
      await expect(stacks).toDeny({ principal: ROLE, action, resource: { bucket: SRC, key: inPrefix } });
    }
    await expect(stacks).toDeny({ principal: ROLE, action: "s3:ObjectOwnerOverrideToBucketOwner", resource: { bucket: DST, key: inPrefix } });
    await expect(stacks).toDeny({ principal: ROLE, action: "s3:ReplicateDelete", resource: { bucket: DST, key: inPrefix } });
  });

  test("the role decrypts with the source key and encrypts with the destination key, each via S3 in its region, for its bucket only", async () => {
    await expect(stacks).toAllow({ principal: ROLE, action: "kms:Decrypt", resource: srcKey, viaS3: { bucket: SRC } });
    await expect(stacks).toDeny({ principal: ROLE, action: "kms:GenerateDataKey", resource: srcKey, viaS3: { bucket: SRC } });
    for (const action of ["kms:Encrypt", "kms:GenerateDataKey"]) {
      await expect(stacks).toAllow({ principal: ROLE, action, resource: dstKey, viaS3: { bucket: DST, region: destinationRegion } });
      await expect(stacks).toDeny({ principal: ROLE, action, resource: dstKey, viaS3: { bucket: SRC, region: destinationRegion } });
    }
    await expect(stacks).toDeny({ principal: ROLE, action: "kms:Decrypt", resource: dstKey, viaS3: { bucket: DST, region: destinationRegion } });
    await expect(stacks).toDeny({
      principal: ROLE,
      action: "kms:Encrypt",
      resource: dstKey,
      context: { "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${DST}` },
    });
  });

  test("no other account gets anything, even with full IAM rights on its side", async () => {
    for (const principal of [`arn:aws:iam::${OTHER_ACCOUNT}:role/platform-deploy`, `arn:aws:iam::${OTHER_ACCOUNT}:root`]) {
      const identityPolicies = principal.endsWith(":root") ? undefined : [allowAll];
      for (const action of ["s3:ReplicateObject", "s3:PutObject", "s3:GetObject"]) {
        await expect(stacks).toDeny({ principal, action, resource: { bucket: DST, key: inPrefix }, identityPolicies });
      }
      await expect(stacks).toDeny({
        principal,
        action: "kms:GenerateDataKey",
        resource: dstKey,
        viaS3: { bucket: DST, region: destinationRegion },
        identityPolicies,
      });
      await expect(stacks).toDeny({ principal, action: "kms:Decrypt", resource: dstKey, viaS3: { bucket: DST, region: destinationRegion }, identityPolicies });
      await expect(stacks).toDeny({ principal, action: "kms:Decrypt", resource: srcKey, viaS3: { bucket: SRC }, identityPolicies });
    }
  });

  test("another principal of the account cannot use the replica key, even with full IAM rights (the key policy names only the role)", async () => {
    for (const principal of [`arn:aws:iam::${ACCOUNT}:role/app-data`, `arn:aws:iam::${ACCOUNT}:role/platform-key-admin`]) {
      await expect(stacks).toDeny({
        principal,
        action: "kms:GenerateDataKey",
        resource: dstKey,
        viaS3: { bucket: DST, region: destinationRegion },
        identityPolicies: [allowAll],
      });
      await expect(stacks).toDeny({
        principal,
        action: "kms:Decrypt",
        resource: dstKey,
        viaS3: { bucket: DST, region: destinationRegion },
        identityPolicies: [allowAll],
      });
    }
  });

  test("the replica bucket keeps its deny statements: no plain HTTP, not even for the role", async () => {
    await expect(stacks).toDeny(
      { principal: ROLE, action: "s3:ReplicateObject", resource: { bucket: DST, key: inPrefix }, context: { "aws:SecureTransport": "false" } },
      "explicit",
    );
  });
});

describe("access with a tag filter (same account, another region)", () => {
  const stacks = [build(environment("dev", (raw) => (raw.blueprints[REP].filter = { tags: { replicate: "yes" } }))).text];

  test("the role's object access is bucket-wide: the tag filter is S3's rule, not an IAM limit", async () => {
    await expect(stacks).toAllow({ principal: ROLE, action: "s3:GetObjectVersionForReplication", resource: { bucket: SRC, key: "any/key" } });
    await expect(stacks).toAllow({ principal: ROLE, action: "s3:ReplicateObject", resource: { bucket: DST, key: "any/key" } });
  });

  test("still into the destination only, and never delete markers (S3 refuses them for tag-based rules)", async () => {
    await expect(stacks).toDeny({ principal: ROLE, action: "s3:ReplicateObject", resource: { bucket: SRC, key: "any/key" } });
    await expect(stacks).toDeny({ principal: ROLE, action: "s3:ReplicateDelete", resource: { bucket: DST, key: "any/key" } });
  });
});
