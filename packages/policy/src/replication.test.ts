import { cryptographicActionsIn } from "./actions";
import { actionsOf, awsPrincipalsOf, canonicalPolicy, renderPolicy } from "./document";
import {
  type ReplicationPolicyOptions,
  isCrossAccount,
  replicatedObjectsArn,
  replicationDestinationBucketStatements,
  replicationDestinationObjectActions,
  replicationDestinationKeyStatement,
  replicationRolePolicy,
  replicationSourceKeyStatement,
  replicationTrustPolicy,
} from "./replication";

const ROLE = "arn:aws:iam::333333333333:role/prod-s3-replication";
const SRC_BUCKET = "arn:aws:s3:::acme-prod-replicated-333333333333";
const DST_BUCKET = "arn:aws:s3:::acme-prod-backup-444444444444";
const SRC_KEY = "${aws_kms_key.source_replicated.arn}";
const DST_KEY = "arn:aws:kms:us-west-2:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const options: ReplicationPolicyOptions = {
  roleArn: ROLE,
  partition: "aws",
  source: { account: "333333333333", region: "us-east-1", bucketArn: SRC_BUCKET, keyArn: SRC_KEY },
  destination: { account: "444444444444", region: "us-west-2", bucketArn: DST_BUCKET, keyArn: DST_KEY },
};

const byBucketContext = (bucket: string) => ({ "kms:EncryptionContext:aws:s3:arn": [bucket, `${bucket}/*`] });

describe("replicationTrustPolicy", () => {
  it("lets only S3 assume the role, with no condition on keys S3 is not documented to send", () => {
    expect(replicationTrustPolicy().Statement).toEqual([
      { Sid: "S3AssumesReplicationRole", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });
});

describe("replicationRolePolicy", () => {
  const doc = canonicalPolicy(replicationRolePolicy(options));
  const sid = (id: string) => doc.Statement.find((s) => s.Sid === id)!;

  it("reads for replication on the source bucket and its objects only", () => {
    expect(sid("ReadSourceBucketForReplication")).toEqual({
      Sid: "ReadSourceBucketForReplication",
      Effect: "Allow",
      Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
      Resource: SRC_BUCKET,
    });
    expect(sid("ReadSourceObjectsForReplication")).toEqual({
      Sid: "ReadSourceObjectsForReplication",
      Effect: "Allow",
      Action: ["s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"],
      Resource: `${SRC_BUCKET}/*`,
    });
  });

  it("replicates objects, tags and ownership into the destination objects only (deletes only with delete-marker replication)", () => {
    expect(sid("ReplicateIntoDestinationObjects")).toEqual({
      Sid: "ReplicateIntoDestinationObjects",
      Effect: "Allow",
      Action: ["s3:ObjectOwnerOverrideToBucketOwner", "s3:ReplicateObject", "s3:ReplicateTags"],
      Resource: `${DST_BUCKET}/*`,
    });
    const withMarkers = canonicalPolicy(replicationRolePolicy({ ...options, deleteMarkerReplication: true }));
    expect(actionsOf(withMarkers.Statement.find((s) => s.Sid === "ReplicateIntoDestinationObjects")!)).toContain("s3:ReplicateDelete");
  });

  it("decrypts with the source key only via S3 in the source region, for the source bucket (bucket and object ARN)", () => {
    expect(sid("DecryptSourceObjectsViaS3")).toEqual({
      Sid: "DecryptSourceObjectsViaS3",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: SRC_KEY,
      Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" }, StringLike: byBucketContext(SRC_BUCKET) },
    });
  });

  it("encrypts with the destination key only via S3 in the destination region, for the destination bucket", () => {
    expect(sid("EncryptReplicasViaS3")).toEqual({
      Sid: "EncryptReplicasViaS3",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:GenerateDataKey"],
      Resource: DST_KEY,
      Condition: { StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" }, StringLike: byBucketContext(DST_BUCKET) },
    });
  });

  it("holds nothing else: no wildcard action or resource, no decrypt at the destination", () => {
    expect(doc.Statement.map((s) => s.Sid)).toHaveLength(5);
    for (const s of doc.Statement) {
      expect(actionsOf(s).some((a) => a.includes("*"))).toBe(false);
      expect(s.Resource).not.toBe("*");
    }
    expect(doc.Statement.filter((s) => s.Resource === DST_KEY).flatMap(actionsOf)).not.toContain("kms:Decrypt");
  });

  it("uses the partition's DNS suffix for kms:ViaService", () => {
    const cn = replicationRolePolicy({ ...options, partition: "aws-cn", dnsSuffix: "amazonaws.com.cn", source: { ...options.source, region: "cn-north-1" } });
    expect(cn.Statement.find((s) => s.Sid === "DecryptSourceObjectsViaS3")!.Condition!.StringEquals).toEqual({
      "kms:ViaService": "s3.cn-north-1.amazonaws.com.cn",
    });
  });

  it("renders canonically (stable bytes)", () => {
    expect(renderPolicy(replicationRolePolicy(options))).toBe(renderPolicy(replicationRolePolicy(options)));
  });
});

describe("replicationSourceKeyStatement", () => {
  it("lets the role decrypt, as a source-account caller, via S3 in the source region, for the source bucket", () => {
    expect(replicationSourceKeyStatement(options)).toEqual({
      Sid: "ReplicationRoleDecryptsViaS3",
      Effect: "Allow",
      Principal: { AWS: [ROLE] },
      Action: ["kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": "333333333333", "kms:ViaService": "s3.us-east-1.amazonaws.com" },
        StringLike: byBucketContext(SRC_BUCKET),
      },
    });
  });
});

describe("replicationDestinationKeyStatement", () => {
  const s = replicationDestinationKeyStatement(options);

  it("lets exactly the role encrypt via S3 in the destination region, for the destination bucket", () => {
    expect(awsPrincipalsOf(s)).toEqual([ROLE]);
    expect(actionsOf(s)).toEqual(["kms:Encrypt", "kms:GenerateDataKey"]);
    expect(s.Condition).toEqual({
      StringEquals: { "kms:CallerAccount": "333333333333", "kms:ViaService": "s3.us-west-2.amazonaws.com" },
      StringLike: byBucketContext(DST_BUCKET),
    });
  });

  it("names the SOURCE account as kms:CallerAccount (the role lives there), and grants no decryption", () => {
    expect(s.Condition!.StringEquals!["kms:CallerAccount"]).toBe(options.source.account);
    expect(cryptographicActionsIn(actionsOf(s))).toEqual(["kms:Encrypt", "kms:GenerateDataKey"]);
  });
});

describe("replicationDestinationBucketStatements", () => {
  it("lets exactly the role replicate objects and tags into the objects, and nothing on the bucket itself", () => {
    expect(replicationDestinationBucketStatements(options)).toEqual([
      {
        Sid: "ReplicationRoleReplicatesObjects",
        Effect: "Allow",
        Principal: { AWS: ROLE },
        Action: ["s3:ObjectOwnerOverrideToBucketOwner", "s3:ReplicateObject", "s3:ReplicateTags"],
        Resource: `${DST_BUCKET}/*`,
      },
    ]);
  });

  it("grants s3:ReplicateDelete only when delete markers are replicated", () => {
    const withMarkers = replicationDestinationBucketStatements({ ...options, deleteMarkerReplication: true });
    expect(withMarkers.map(actionsOf)).toEqual([["s3:ObjectOwnerOverrideToBucketOwner", "s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"]]);
  });

  it("never grants a bucket-level action (no versioning change on the backup)", () => {
    for (const markers of [false, true]) {
      const actions = replicationDestinationBucketStatements({ ...options, deleteMarkerReplication: markers }).flatMap(actionsOf);
      expect(actions.filter((a) => /Bucket(Versioning|Policy|Lifecycle|Replication)/.test(a))).toEqual([]);
    }
  });
});

describe("replication modes and filters", () => {
  const sameAccount: ReplicationPolicyOptions = {
    ...options,
    destination: { ...options.destination, account: "333333333333", bucketArn: "arn:aws:s3:::acme-prod-replica-333333333333" },
  };

  it("tells a same-account destination from a cross-account one", () => {
    expect(isCrossAccount(options)).toBe(true);
    expect(isCrossAccount(sameAccount)).toBe(false);
  });

  it("grants owner override only across accounts, and ReplicateDelete only with delete markers", () => {
    expect(replicationDestinationObjectActions(false, true)).toEqual(["s3:ObjectOwnerOverrideToBucketOwner", "s3:ReplicateObject", "s3:ReplicateTags"]);
    expect(replicationDestinationObjectActions(true, false)).toEqual(["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"]);
  });

  it("a same-account destination gets no bucket-policy statement (the role's own policy is enough)", () => {
    expect(replicationDestinationBucketStatements(sameAccount)).toEqual([]);
    expect(replicationDestinationBucketStatements(options)).toHaveLength(1);
  });

  it("a prefix scopes the object ARNs on both sides; no prefix means every object", () => {
    expect(replicatedObjectsArn(SRC_BUCKET)).toBe(`${SRC_BUCKET}/*`);
    expect(replicatedObjectsArn(SRC_BUCKET, "reports/")).toBe(`${SRC_BUCKET}/reports/*`);
    const doc = canonicalPolicy(replicationRolePolicy({ ...sameAccount, prefix: "reports/" }));
    const sid = (id: string) => doc.Statement.find((s) => s.Sid === id)!;
    expect(sid("ReadSourceObjectsForReplication").Resource).toBe(`${SRC_BUCKET}/reports/*`);
    expect(sid("ReplicateIntoDestinationObjects")).toMatchObject({
      Action: ["s3:ReplicateObject", "s3:ReplicateTags"],
      Resource: "arn:aws:s3:::acme-prod-replica-333333333333/reports/*",
    });
    expect(replicationDestinationBucketStatements({ ...options, prefix: "reports/" })[0]!.Resource).toBe(`${DST_BUCKET}/reports/*`);
  });
});
