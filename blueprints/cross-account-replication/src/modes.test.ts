/**
 * Replication modes beside cross-account: same account into another region (the `dev` fixture),
 * same account and region (S3 SRR), Replication Time Control, and prefix/tag filters. Targeted
 * assertions on the synthesized stack; the access proofs are in access-modes.test.ts.
 */
import { replicationFilter } from "./construct";
import { BLUEPRINT, type Json, asList, build, environment, handoverIn, policyOf, toExisting } from "./test-support";

const REP = BLUEPRINT.name;
const SRC = "acme_dev_replicated_111111111111";
const DST = "acme_dev_replica_111111111111";

/** The dev fixture as the same-account, same-region variant (S3 SRR). */
const sameRegion = (raw: Json) => (raw.blueprints[REP].destination.region = "eu-west-1");

/** Every principal ARN named by an Allow statement of a policy document. */
function allowedPrincipals(doc: Json): string[] {
  return (doc.Statement as Json[]).filter((s) => s.Effect === "Allow" && s.Principal?.AWS !== undefined).flatMap((s) => asList(s.Principal.AWS));
}

describe("same account, another region (the dev fixture: eu-west-1 -> eu-central-1)", () => {
  const env = environment("dev");
  const { json, blueprint } = build(env);
  const r = json.resource;
  const rule = r.aws_s3_bucket_replication_configuration[SRC].rule[0];

  test("the model says so: same account, another region", () => {
    expect(blueprint.model.mode).toBe("same-account-cross-region");
    expect(blueprint.model.destination).toMatchObject({ account: "111111111111", region: "eu-central-1" });
  });

  test("a second provider for the destination region, pinned to the SAME account; every destination resource uses it", () => {
    expect(json.provider.aws).toHaveLength(2);
    expect(json.provider.aws[1]).toMatchObject({ alias: "destination", region: "eu-central-1", allowed_account_ids: ["111111111111"] });
    expect(r.aws_kms_key.destination_replica.provider).toBe("aws.destination");
    expect(r.aws_kms_alias.destination_replica.provider).toBe("aws.destination");
    for (const type of ["aws_s3_bucket", "aws_s3_bucket_versioning", "aws_s3_bucket_policy", "aws_s3_bucket_server_side_encryption_configuration"]) {
      expect(r[type][DST].provider).toBe("aws.destination");
      expect(r[type][SRC].provider).toBeUndefined();
    }
  });

  test("the destination provider assumes the environment's role when the config names none", () => {
    const withRole = build(environment("dev", (raw) => (raw.assumeRoleArn = "arn:aws:iam::111111111111:role/platform-deploy"))).json;
    expect(withRole.provider.aws[1].assume_role).toEqual([{ role_arn: "arn:aws:iam::111111111111:role/platform-deploy" }]);
    expect(json.provider.aws[1]).not.toHaveProperty("assume_role");
  });

  test("the destination key is a second key in the destination region (not a multi-Region replica)", () => {
    expect(r.aws_kms_key.destination_replica.multi_region ?? false).toBe(false);
    expect(r.aws_kms_replica_key).toBeUndefined();
    expect(rule.destination.encryption_configuration.replica_kms_key_id).toBe("${aws_kms_key.destination_replica.arn}");
  });

  test("no owner override and no destination account in the rule (same owner)", () => {
    expect(rule.destination).not.toHaveProperty("account");
    expect(rule.destination).not.toHaveProperty("access_control_translation");
    expect(rule.id).toBe("sse-kms-to-acme-dev-replica-111111111111");
  });

  test("the destination bucket policy grants nobody anything (only the usual deny statements)", () => {
    const policy = policyOf(r.aws_s3_bucket_policy[DST]);
    expect((policy.Statement as Json[]).map((s) => s.Effect)).toEqual(["Deny", "Deny", "Deny", "Deny"]);
    expect(r.aws_s3_bucket_policy[DST].depends_on).not.toContain("aws_iam_role.replication");
  });

  test("no policy of the stack names a principal of another account", () => {
    const docs = [...Object.values(r.aws_kms_key as Json), ...Object.values(r.aws_s3_bucket_policy as Json)].map((b) => policyOf(b as Json));
    const principals = docs.flatMap(allowedPrincipals);
    expect(principals.length).toBeGreaterThan(0);
    for (const p of principals) expect(p).toMatch(/^arn:aws:iam::111111111111:/);
    for (const d of docs) {
      for (const s of d.Statement as Json[]) {
        const caller = s.Condition?.StringEquals?.["kms:CallerAccount"];
        if (caller !== undefined) expect(caller).toBe("111111111111");
      }
    }
  });

  test("the destination key lets the role encrypt via S3 in eu-central-1, for the replica bucket only", () => {
    const s = (policyOf(r.aws_kms_key.destination_replica).Statement as Json[]).find((x) => x.Sid === "ReplicationRoleEncryptsViaS3")!;
    expect(s.Principal.AWS).toBe("arn:aws:iam::111111111111:role/dev-s3-replication");
    expect(s.Condition.StringEquals).toMatchObject({ "kms:ViaService": "s3.eu-central-1.amazonaws.com", "kms:CallerAccount": "111111111111" });
    expect(asList(s.Condition.StringLike["kms:EncryptionContext:aws:s3:arn"])).toEqual([
      "arn:aws:s3:::acme-dev-replica-111111111111",
      "arn:aws:s3:::acme-dev-replica-111111111111/*",
    ]);
  });

  test("Replication Time Control: replication_time Enabled 15 minutes, metrics Enabled with a 15-minute event threshold", () => {
    expect(rule.destination.replication_time).toEqual({ status: "Enabled", time: { minutes: 15 } });
    expect(rule.destination.metrics).toEqual({ status: "Enabled", event_threshold: { minutes: 15 } });
  });

  test("the prefix filter selects reports/, and the role reads and replicates only keys under it, without owner override", () => {
    expect(rule.filter).toEqual({ prefix: "reports/" });
    expect(rule.delete_marker_replication).toEqual({ status: "Disabled" });
    const role = policyOf(r.aws_iam_role_policy.replication).Statement as Json[];
    const bySid = (sid: string): Json => role.find((s) => s.Sid === sid)!;
    expect(bySid("ReadSourceObjectsForReplication").Resource).toBe("arn:aws:s3:::acme-dev-replicated-111111111111/reports/*");
    expect(bySid("ReplicateIntoDestinationObjects")).toMatchObject({
      Action: ["s3:ReplicateObject", "s3:ReplicateTags"],
      Resource: "arn:aws:s3:::acme-dev-replica-111111111111/reports/*",
    });
    // The bucket-level read (replication configuration, list) stays bucket-wide.
    expect(bySid("ReadSourceBucketForReplication").Resource).toBe("arn:aws:s3:::acme-dev-replicated-111111111111");
  });
});

describe("same account and region (S3 SRR)", () => {
  const { json, blueprint } = build(environment("dev", sameRegion));
  const r = json.resource;

  test("one provider only: the stack's own creates both sides", () => {
    expect(blueprint.model.mode).toBe("same-account-same-region");
    expect(json.provider.aws).toHaveLength(1);
    expect(json.provider.aws[0]).toMatchObject({ region: "eu-west-1", allowed_account_ids: ["111111111111"] });
    expect(JSON.stringify(r)).not.toContain("aws.destination");
  });

  test("two keys, two aliases, two buckets; replicas encrypted with the second key, in the same region", () => {
    expect(Object.keys(r.aws_kms_key).sort()).toEqual(["destination_replica", "source_replicated"]);
    expect(Object.keys(r.aws_kms_alias).sort()).toEqual(["destination_replica", "source_replicated"]);
    expect(Object.keys(r.aws_s3_bucket).sort()).toEqual([DST, SRC]);
    const s = (policyOf(r.aws_kms_key.destination_replica).Statement as Json[]).find((x) => x.Sid === "ReplicationRoleEncryptsViaS3")!;
    expect(s.Condition.StringEquals["kms:ViaService"]).toBe("s3.eu-west-1.amazonaws.com");
    const rule = r.aws_s3_bucket_replication_configuration[SRC].rule[0];
    expect(rule.destination.encryption_configuration.replica_kms_key_id).toBe("${aws_kms_key.destination_replica.arn}");
    expect(rule.destination).not.toHaveProperty("access_control_translation");
  });
});

describe("Replication Time Control off", () => {
  test("metrics without event_threshold and no replication_time", () => {
    const { json } = build(environment("dev", (raw) => (raw.blueprints[REP].replicationTimeControl = false)));
    const destination = json.resource.aws_s3_bucket_replication_configuration[SRC].rule[0].destination;
    expect(destination.metrics).toEqual({ status: "Enabled" });
    expect(destination).not.toHaveProperty("replication_time");
  });

  test("RTC on a cross-account rule too (prod variant)", () => {
    const { json } = build(environment("prod", (raw) => (raw.blueprints[REP].replicationTimeControl = true)));
    const destination = json.resource.aws_s3_bucket_replication_configuration.acme_prod_replicated_333333333333.rule[0].destination;
    expect(destination.replication_time).toEqual({ status: "Enabled", time: { minutes: 15 } });
    expect(destination.metrics).toEqual({ status: "Enabled", event_threshold: { minutes: 15 } });
    expect(destination.access_control_translation).toEqual({ owner: "Destination" });
  });
});

describe("filters", () => {
  test.each([
    ["no filter: every object", undefined, {}],
    ["prefix only", { prefix: "a/" }, { prefix: "a/" }],
    ["one tag", { tags: { replicate: "yes" } }, { tag: { key: "replicate", value: "yes" } }],
    ["two tags", { tags: { replicate: "yes", tier: "gold" } }, { and: { prefix: undefined, tags: { replicate: "yes", tier: "gold" } } }],
    ["prefix and a tag", { prefix: "a/", tags: { replicate: "yes" } }, { and: { prefix: "a/", tags: { replicate: "yes" } } }],
  ])("%s", (_label, filter, expected) => {
    expect(replicationFilter(filter)).toEqual(expected);
  });

  test("a tag filter renders filter.tag, delete markers Disabled, and leaves the role's object ARNs bucket-wide", () => {
    const { json } = build(
      environment("dev", (raw) => {
        raw.blueprints[REP].filter = { tags: { replicate: "yes" } };
      }),
    );
    const rule = json.resource.aws_s3_bucket_replication_configuration[SRC].rule[0];
    expect(rule.filter).toEqual({ tag: { key: "replicate", value: "yes" } });
    expect(rule.delete_marker_replication).toEqual({ status: "Disabled" });
    const role = policyOf(json.resource.aws_iam_role_policy.replication).Statement as Json[];
    expect(role.find((s) => s.Sid === "ReadSourceObjectsForReplication")!.Resource).toBe("arn:aws:s3:::acme-dev-replicated-111111111111/*");
  });

  test("prefix and tags render filter.and in Terraform JSON", () => {
    const { json } = build(environment("dev", (raw) => (raw.blueprints[REP].filter = { prefix: "reports/", tags: { replicate: "yes", tier: "gold" } })));
    expect(json.resource.aws_s3_bucket_replication_configuration[SRC].rule[0].filter).toEqual({
      and: { prefix: "reports/", tags: { replicate: "yes", tier: "gold" } },
    });
  });

  test("cross-account with a prefix: the destination bucket grant and the hand-over are scoped to it too", () => {
    const { json } = build(environment("prod", (raw) => (raw.blueprints[REP].filter = { prefix: "backup/" })));
    const grant = (policyOf(json.resource.aws_s3_bucket_policy.acme_prod_backup_444444444444).Statement as Json[]).find(
      (s) => s.Sid === "ReplicationRoleReplicatesObjects",
    )!;
    expect(grant.Resource).toBe("arn:aws:s3:::acme-prod-backup-444444444444/backup/*");
    const handover = handoverIn(environment("prod", (raw) => (toExisting(raw), (raw.blueprints[REP].filter = { prefix: "backup/" }))))!;
    expect(handover.bucketPolicyStatements.map((s) => s.Resource)).toEqual(["arn:aws:s3:::acme-prod-vault-444444444444/backup/*"]);
  });
});
