import { providerKnows } from "@sse-kms/config";
import { KEY_CRYPTOGRAPHIC_ACTIONS, actionMatches } from "@sse-kms/policy";
import { EnvironmentStack } from "@sse-kms/stack";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing } from "cdktf";
import { CrossAccountReplicationBlueprint } from "./construct";
import { type CrossAccountReplicationConfig, defaultReplicationRoleName } from "./config";
import { HANDOVER_OUTPUTS } from "./handover";
import {
  BLUEPRINT,
  type ReplicationEnvironment,
  handoverIn,
  FIXTURES,
  asList,
  build,
  environment,
  policyOf,
  tfName,
  toCreate,
  toExisting,
  type Json,
} from "./test-support";

/** Every fixture environment in its own mode and in the other mode, so both modes are covered everywhere. */
const CASES: [string, ReplicationEnvironment][] = FIXTURES.flatMap((name) => {
  const shipped = environment(name);
  const flipped = environment(name, shipped.blueprints[BLUEPRINT.name].destination.mode === "create" ? toExisting : toCreate);
  return [
    [`${name} (fixture, ${shipped.blueprints[BLUEPRINT.name].destination.mode})`, shipped],
    [`${name} (variant, ${flipped.blueprints[BLUEPRINT.name].destination.mode})`, flipped],
  ] as [string, ReplicationEnvironment][];
});

describe("the fixture environments use both destination modes", () => {
  test("staging replicates into an existing bucket of 555555555555 in its own region", () => {
    const d = environment("staging").blueprints[BLUEPRINT.name].destination;
    expect(d).toMatchObject({ mode: "existing", account: "555555555555", bucketArn: "arn:aws:s3:::acme-staging-backup-555555555555" });
  });
  test("prod creates its destination in the distinct backup account 444444444444, in another region", () => {
    const env = environment("prod");
    const d = env.blueprints[BLUEPRINT.name].destination;
    expect(d).toMatchObject({ mode: "create", account: "444444444444", region: "us-west-2" });
    expect(d.account).not.toBe(env.account);
    expect(d.mode === "create" && d.region).not.toBe(env.region);
  });
});

describe.each(CASES)("cross-account-replication in %s", (_label, env) => {
  const { json, blueprint } = build(env);
  const config: CrossAccountReplicationConfig = env.blueprints[BLUEPRINT.name];
  // s3:ReplicateDelete is granted exactly when delete markers are replicated.
  const replicaActions = [
    "s3:ObjectOwnerOverrideToBucketOwner",
    ...(config.deleteMarkerReplication ? ["s3:ReplicateDelete"] : []),
    "s3:ReplicateObject",
    "s3:ReplicateTags",
  ];
  const d = config.destination;
  const create = d.mode === "create";
  const m = blueprint.model;
  const r = json.resource as Json;
  const srcName = tfName(config.source.bucket.name);
  const srcKeyAddress = `aws_kms_key.source_${config.source.key.name.replace(/-/g, "_")}`;
  const srcKeyRef = `\${${srcKeyAddress}.arn}`;
  const dstKeyAddress = create ? `aws_kms_key.destination_${d.key.name.replace(/-/g, "_")}` : undefined;
  const dstKeyArn = create ? `\${${dstKeyAddress}.arn}` : d.keyArn;
  const roleArn = `arn:aws:iam::${env.account}:role/${env.name}-s3-replication`;
  const srcBucketArn = `arn:aws:s3:::${config.source.bucket.name}`;
  const dstBucketArn = m.destination.bucketArn;
  const dstRegion = create ? d.region : d.keyArn.split(":")[3];

  test("the role ARN is literal (arn:aws:iam::<source account>:role/<env>-s3-replication)", () => {
    expect(m.roleName).toBe(defaultReplicationRoleName(env.name));
    expect(m.roleArn).toBe(roleArn);
    expect(r.aws_iam_role.replication.name).toBe(`${env.name}-s3-replication`);
    expect(r.aws_iam_role.replication).not.toHaveProperty("path"); // default "/": the literal ARN holds
  });

  test(
    create
      ? "two AWS providers, pinned to the source and the destination account and region"
      : "one AWS provider, pinned to the source account: nothing is created in the destination account",
    () => {
      const providers = json.provider.aws as Json[];
      expect(providers[0]).toMatchObject({ region: env.region, allowed_account_ids: [env.account] });
      expect(providers[0]).not.toHaveProperty("alias");
      if (create) {
        expect(providers).toHaveLength(2);
        expect(providers[1]).toMatchObject({ alias: "destination", region: d.region, allowed_account_ids: [d.account] });
        expect(providers[1].assume_role).toEqual(d.assumeRoleArn ? [{ role_arn: d.assumeRoleArn }] : undefined);
        expect(providers[1].default_tags[0].tags).toMatchObject({ ...env.tags, "sse-kms-blueprints:stack": `${env.name}-cross-account-replication` });
        expect(providers[0].allowed_account_ids).not.toEqual(providers[1].allowed_account_ids);
      } else {
        expect(providers).toHaveLength(1);
      }
    },
  );

  test("every resource is created by the provider of its account", () => {
    const destinationNames = new Set(create ? [tfName(d.bucket.name), dstKeyAddress!.split(".")[1]] : []);
    for (const [type, blocks] of Object.entries(r)) {
      for (const [name, block] of Object.entries(blocks as Json)) {
        const expected = destinationNames.has(name) ? "aws.destination" : undefined;
        expect({ address: `${type}.${name}`, provider: (block as Json).provider }).toEqual({ address: `${type}.${name}`, provider: expected });
      }
    }
  });

  test("source key: symmetric, rotating, at a pinned address; the role may only decrypt, via S3 in the source region, for the source bucket", () => {
    const key = r.aws_kms_key[srcKeyAddress.split(".")[1]!];
    expect(key).toMatchObject({ enable_key_rotation: true });
    expect(key).not.toHaveProperty("customer_master_key_spec");
    const policy = policyOf(key);
    const forRole = policy.Statement.filter((s: Json) => asList(s.Principal?.AWS).includes(roleArn));
    expect(forRole).toEqual([
      {
        Sid: "ReplicationRoleDecryptsViaS3",
        Effect: "Allow",
        Principal: { AWS: roleArn },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": env.account, "kms:ViaService": `s3.${env.region}.amazonaws.com` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [srcBucketArn, `${srcBucketArn}/*`] },
        },
      },
    ]);
    expect(key.depends_on).toEqual(["aws_iam_role.replication"]);
  });

  test("source alias points at the source key", () => {
    expect(r.aws_kms_alias[srcKeyAddress.split(".")[1]!]).toMatchObject({ name: config.source.key.alias, target_key_id: `\${${srcKeyAddress}.id}` });
  });

  test("source bucket: versioned, SSE-KMS with the source key and a Bucket Key, SSE-C blocked", () => {
    expect(r.aws_s3_bucket[srcName].bucket).toBe(config.source.bucket.name);
    expect(r.aws_s3_bucket_versioning[srcName].versioning_configuration).toEqual({ status: "Enabled" });
    const rule = r.aws_s3_bucket_server_side_encryption_configuration[srcName].rule[0];
    expect(rule).toEqual({
      apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: srcKeyRef },
      bucket_key_enabled: true,
      blocked_encryption_types: providerKnows(env.awsProviderVersion, "aws_s3_bucket_server_side_encryption_configuration.rule.blocked_encryption_types")
        ? ["SSE-C"]
        : undefined,
    });
  });

  test("the role is trusted by s3.amazonaws.com only (AWS's documented replication trust policy, docs/security.md)", () => {
    expect(policyOf(r.aws_iam_role.replication, "assume_role_policy").Statement).toEqual([
      { Sid: "S3AssumesReplicationRole", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  test("the role policy: read the source, replicate into destination objects only, decrypt/encrypt each key only via S3 for its bucket", () => {
    const policy = r.aws_iam_role_policy.replication;
    expect(policy.role).toBe("${aws_iam_role.replication.name}");
    const doc = policyOf(policy);
    const by = (sid: string) => doc.Statement.find((s: Json) => s.Sid === sid);
    expect(doc.Statement.map((s: Json) => s.Sid)).toEqual([
      "ReadSourceBucketForReplication",
      "ReadSourceObjectsForReplication",
      "ReplicateIntoDestinationObjects",
      "DecryptSourceObjectsViaS3",
      "EncryptReplicasViaS3",
    ]);
    expect(by("ReadSourceBucketForReplication").Resource).toBe(srcBucketArn);
    expect(by("ReadSourceObjectsForReplication").Resource).toBe(`${srcBucketArn}/*`);
    expect(by("ReplicateIntoDestinationObjects")).toEqual({
      Sid: "ReplicateIntoDestinationObjects",
      Effect: "Allow",
      Action: replicaActions,
      Resource: `${dstBucketArn}/*`,
    });
    expect(by("DecryptSourceObjectsViaS3")).toEqual({
      Sid: "DecryptSourceObjectsViaS3",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: srcKeyRef,
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${env.region}.amazonaws.com` },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [srcBucketArn, `${srcBucketArn}/*`] },
      },
    });
    expect(by("EncryptReplicasViaS3")).toEqual({
      Sid: "EncryptReplicasViaS3",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:GenerateDataKey"],
      Resource: dstKeyArn,
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${dstRegion}.amazonaws.com` },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [dstBucketArn, `${dstBucketArn}/*`] },
      },
    });
  });

  test("the replication configuration: enabled, every object, SSE-KMS objects selected, replicas re-encrypted and owned by the destination", () => {
    const rep = r.aws_s3_bucket_replication_configuration[srcName];
    expect(rep.bucket).toBe(`\${aws_s3_bucket.${srcName}.id}`);
    expect(rep.role).toBe("${aws_iam_role.replication.arn}");
    expect(rep.rule).toEqual([
      {
        id: `sse-kms-to-${d.account}`,
        priority: 1,
        status: "Enabled",
        filter: {},
        delete_marker_replication: { status: config.deleteMarkerReplication ? "Enabled" : "Disabled" },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: "Enabled" } },
        destination: {
          bucket: dstBucketArn,
          account: d.account,
          encryption_configuration: { replica_kms_key_id: dstKeyArn },
          access_control_translation: { owner: "Destination" },
          ...(config.metrics ? { metrics: { status: "Enabled" } } : {}),
        },
      },
    ]);
  });

  test("metrics carry no event_threshold and no replication_time (S3 rejects a threshold without RTC)", () => {
    const destination = r.aws_s3_bucket_replication_configuration[srcName].rule[0].destination;
    expect(destination.metrics?.event_threshold).toBeUndefined();
    expect(destination.replication_time).toBeUndefined();
  });

  test("first apply: the replication configuration waits for versioning, the role policy and the destination; keys and policies naming the role wait for it", () => {
    const dependsOn = r.aws_s3_bucket_replication_configuration[srcName].depends_on as string[];
    expect(dependsOn).toContain(`aws_s3_bucket_versioning.${srcName}`);
    expect(dependsOn).toContain("aws_iam_role_policy.replication");
    if (create) {
      const dst = tfName(d.bucket.name);
      expect(dependsOn).toEqual(expect.arrayContaining([`aws_s3_bucket_versioning.${dst}`, `aws_s3_bucket_policy.${dst}`, dstKeyAddress]));
      expect(r.aws_s3_bucket_policy[dst].depends_on).toContain("aws_iam_role.replication");
      expect(r.aws_kms_key[dstKeyAddress!.split(".")[1]!].depends_on).toEqual(["aws_iam_role.replication"]);
    } else {
      expect(dependsOn).toHaveLength(2);
    }
  });

  test("policies are literal JSON: no data source, no jsonencode, references only to keys and the role", () => {
    expect(json.data).toBeUndefined();
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/jsonencode|aws_iam_policy_document/);
    const policies = [
      r.aws_iam_role.replication.assume_role_policy,
      r.aws_iam_role_policy.replication.policy,
      ...Object.values(r.aws_kms_key as Json).map((k: Json) => k.policy),
      ...Object.values(r.aws_s3_bucket_policy as Json).map((p: Json) => p.policy),
    ] as string[];
    for (const p of policies) {
      expect(() => JSON.parse(p)).not.toThrow();
      for (const ref of p.match(/\$\{[^}]*\}/g) ?? []) expect(ref).toMatch(/^\$\{aws_kms_key\.(source|destination)_[a-z0-9_]+\.arn\}$/);
    }
  });

  test(`keys and buckets ${env.production ? "carry" : "do not carry"} prevent_destroy, on both sides`, () => {
    for (const type of ["aws_kms_key", "aws_s3_bucket"]) {
      for (const block of Object.values(r[type] as Json)) expect((block as Json).lifecycle?.prevent_destroy ?? false).toBe(env.production);
    }
  });

  if (create) {
    const dst = tfName(d.bucket.name);
    const dstKeyName = dstKeyAddress!.split(".")[1]!;

    test("create: the destination key lets exactly the role encrypt, via S3 in the destination region, for the destination bucket, as a SOURCE-account caller", () => {
      const key = r.aws_kms_key[dstKeyName];
      expect(key).toMatchObject({ enable_key_rotation: true, provider: "aws.destination" });
      const policy = policyOf(key);
      const forRole = policy.Statement.filter((s: Json) => asList(s.Principal?.AWS).includes(roleArn));
      expect(forRole).toEqual([
        {
          Sid: "ReplicationRoleEncryptsViaS3",
          Effect: "Allow",
          Principal: { AWS: roleArn },
          Action: ["kms:Encrypt", "kms:GenerateDataKey"],
          Resource: "*",
          Condition: {
            StringEquals: { "kms:CallerAccount": env.account, "kms:ViaService": `s3.${d.region}.amazonaws.com` },
            StringLike: { "kms:EncryptionContext:aws:s3:arn": [dstBucketArn, `${dstBucketArn}/*`] },
          },
        },
      ]);
      // The destination account's root manages but never uses the key.
      const root = policy.Statement.find((s: Json) => s.Sid === "KeyManagementByAccountRoot");
      expect(root.Principal.AWS).toBe(`arn:aws:iam::${d.account}:root`);
      for (const crypto of KEY_CRYPTOGRAPHIC_ACTIONS) expect(asList(root.Action).filter((a) => actionMatches(a, crypto))).toEqual([]);
    });

    test("create: the destination alias points at the destination key", () => {
      expect(r.aws_kms_alias[dstKeyName]).toMatchObject({ name: d.key.alias, target_key_id: `\${${dstKeyAddress}.id}`, provider: "aws.destination" });
    });

    test("create: the destination bucket is versioned, encrypted with the destination key, and denies what every encrypted bucket denies", () => {
      expect(r.aws_s3_bucket[dst].bucket).toBe(d.bucket.name);
      expect(r.aws_s3_bucket_versioning[dst].versioning_configuration).toEqual({ status: "Enabled" });
      const rule = r.aws_s3_bucket_server_side_encryption_configuration[dst].rule[0];
      expect(rule).toEqual({
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: dstKeyArn },
        bucket_key_enabled: true,
        blocked_encryption_types: providerKnows(env.awsProviderVersion, "aws_s3_bucket_server_side_encryption_configuration.rule.blocked_encryption_types")
          ? ["SSE-C"]
          : undefined,
      });
      expect(r.aws_s3_bucket_ownership_controls[dst].rule.object_ownership).toBe("BucketOwnerEnforced");
      expect(r.aws_s3_bucket_public_access_block[dst]).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      const sids = policyOf(r.aws_s3_bucket_policy[dst]).Statement.map((s: Json) => s.Sid);
      const sourceSids = policyOf(r.aws_s3_bucket_policy[srcName]).Statement.map((s: Json) => s.Sid);
      expect(sids).toEqual([...sourceSids.filter((s: string) => s !== "DenyMissingEncryptionHeader"), "ReplicationRoleReplicatesObjects"]);
    });

    test("create: the destination bucket policy lets exactly the role replicate into the objects, and grants nothing on the bucket", () => {
      const allows = policyOf(r.aws_s3_bucket_policy[dst]).Statement.filter((s: Json) => s.Effect === "Allow");
      expect(allows).toEqual([
        {
          Sid: "ReplicationRoleReplicatesObjects",
          Effect: "Allow",
          Principal: { AWS: roleArn },
          Action: replicaActions,
          Resource: `${dstBucketArn}/*`,
        },
      ]);
    });

    test("create: no hand-over outputs (there is nothing to hand over)", () => {
      expect(Object.keys(json.output)).not.toContain(HANDOVER_OUTPUTS.keyPolicyStatement);
      expect(blueprint.handover).toBeUndefined();
    });
  } else {
    test("existing: outputs the exact key-policy statement and bucket-policy statements, literal JSON, equal to the hand-over", () => {
      const handover = handoverIn(env)!;
      const keyStatement = JSON.parse(json.output[HANDOVER_OUTPUTS.keyPolicyStatement].value as string) as Json;
      const bucketStatements = JSON.parse(json.output[HANDOVER_OUTPUTS.bucketPolicyStatements].value as string) as Json[];
      expect(keyStatement).toEqual(handover.keyPolicyStatement);
      expect(bucketStatements).toEqual(handover.bucketPolicyStatements);
      expect(blueprint.handover).toEqual(handover);
      for (const name of Object.values(HANDOVER_OUTPUTS)) expect(json.output[name].value).not.toContain("${");
      expect(keyStatement).toEqual({
        Sid: "ReplicationRoleEncryptsViaS3",
        Effect: "Allow",
        Principal: { AWS: roleArn },
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": env.account, "kms:ViaService": `s3.${dstRegion}.amazonaws.com` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [dstBucketArn, `${dstBucketArn}/*`] },
        },
      });
      expect(bucketStatements.map((s) => [s.Sid, s.Principal, s.Resource])).toEqual([
        ["ReplicationRoleReplicatesObjects", { AWS: roleArn }, `${dstBucketArn}/*`],
      ]);
      expect(bucketStatements[0].Action).toEqual(replicaActions);
    });

    test("existing: the destination region is the key ARN's region", () => {
      expect(m.destination.region).toBe(d.keyArn.split(":")[3]);
    });
  }

  test("outputs name the role, both buckets and both keys", () => {
    expect(json.output.replication_role_arn.value).toBe(roleArn);
    expect(json.output.source_key_arn.value).toBe(srcKeyRef);
    expect(json.output.source_bucket_name.value).toBe(config.source.bucket.name);
    expect(json.output.destination_bucket_arn.value).toBe(dstBucketArn);
    expect(json.output.destination_key_arn.value).toBe(dstKeyArn);
  });
});

describe("configuration switches", () => {
  test("a configured role name replaces <env>-s3-replication in the role and every policy that names it", () => {
    const env = environment("prod", (raw) => (raw.blueprints[BLUEPRINT.name].replicationRoleName = "backup-replicator"));
    const { json } = build(env);
    expect(json.resource.aws_iam_role.replication.name).toBe("backup-replicator");
    const text = JSON.stringify(json);
    expect(text).toContain("arn:aws:iam::333333333333:role/backup-replicator");
    expect(text).not.toContain("prod-s3-replication");
  });

  test.each([
    [true, "Enabled"],
    [false, "Disabled"],
  ])("deleteMarkerReplication %s -> delete_marker_replication %s", (flag, status) => {
    const { json } = build(environment("prod", (raw) => (raw.blueprints[BLUEPRINT.name].deleteMarkerReplication = flag)));
    expect(json.resource.aws_s3_bucket_replication_configuration.acme_prod_replicated_333333333333.rule[0].delete_marker_replication).toEqual({ status });
  });

  test("metrics false -> no metrics block", () => {
    const { json } = build(environment("staging", (raw) => (raw.blueprints[BLUEPRINT.name].metrics = false)));
    expect(json.resource.aws_s3_bucket_replication_configuration.acme_staging_replicated_222222222222.rule[0].destination).not.toHaveProperty("metrics");
  });

  test("no assumeRoleArn -> the destination provider uses the ambient credentials, still pinned to the destination account", () => {
    const { json } = build(environment("prod", (raw) => delete raw.blueprints[BLUEPRINT.name].destination.assumeRoleArn));
    expect(json.provider.aws[1]).toMatchObject({ alias: "destination", allowed_account_ids: ["444444444444"], region: "us-west-2" });
    expect(json.provider.aws[1]).not.toHaveProperty("assume_role");
  });

  test("a destination provider passed in is used instead of a new one", () => {
    const env = environment("prod");
    const stack = new EnvironmentStack(Testing.app({ stackTraces: false }), { env, blueprint: BLUEPRINT.name });
    const mine = new AwsProvider(stack, "backup", { alias: "backup", region: "us-west-2", allowedAccountIds: ["444444444444"] });
    new CrossAccountReplicationBlueprint(stack, "r", {
      environmentName: "prod",
      account: env.account,
      region: env.region,
      config: env.blueprints[BLUEPRINT.name],
      destinationProvider: mine,
      preventDestroy: stack.preventDestroy,
    });
    const json = JSON.parse(Testing.synth(stack)) as Json;
    expect(json.provider.aws.map((p: Json) => p.alias)).toEqual([undefined, "backup"]);
    expect(json.resource.aws_s3_bucket.acme_prod_backup_444444444444.provider).toBe("aws.backup");
  });
});

describe("a renamed key (key.previousNames) moves the key and its alias, on both sides", () => {
  test("moved blocks from the old source and destination addresses", () => {
    const env = environment("prod", (raw) => {
      const rep = raw.blueprints[BLUEPRINT.name];
      rep.source.key = { ...rep.source.key, name: "replicated-v2", previousNames: [rep.source.key.name] };
      rep.destination.key = { ...rep.destination.key, name: "backup-v2", previousNames: [rep.destination.key.name] };
    });
    const before = environment("prod").blueprints[BLUEPRINT.name];
    const { json } = build(env);
    const src = tfName(before.source.key.name);
    const dst = before.destination.mode === "create" ? tfName(before.destination.key.name) : "";
    expect(json.moved).toEqual([
      { from: `aws_kms_key.source_${src}`, to: "aws_kms_key.source_replicated_v2" },
      { from: `aws_kms_alias.source_${src}`, to: "aws_kms_alias.source_replicated_v2" },
      { from: `aws_kms_key.destination_${dst}`, to: "aws_kms_key.destination_backup_v2" },
      { from: `aws_kms_alias.destination_${dst}`, to: "aws_kms_alias.destination_backup_v2" },
    ]);
  });
});
