import { KEY_ADMIN_ACTIONS, KEY_IMPORT_ACTIONS, cryptographicActionsIn } from "./actions";
import { accountRootArn, bucketArn, bucketObjectsArn, roleArn, s3ViaService } from "./arn";
import { actionsOf, canonicalStatement } from "./document";
import {
  BUCKET_READER_ACTIONS,
  BUCKET_WRITER_ACTIONS,
  S3_ENCRYPTION_CONTEXT_KEY,
  type KeyScope,
  bucketAccessStatements,
  bucketSidPart,
  keyAdminActions,
  keyAdministratorsStatement,
  keyUseViaS3Statement,
  rootFullAccessStatement,
  rootManagementStatement,
  s3EncryptionContextValues,
} from "./key-policy";

const scope: KeyScope = { partition: "aws", account: "111111111111", region: "eu-west-1" };
const APP = "arn:aws:iam::111111111111:role/app";
const ADMIN = "arn:aws:iam::111111111111:role/admin";

describe("arn helpers", () => {
  it("build partition-aware ARNs", () => {
    expect(accountRootArn("aws-cn", "111111111111")).toBe("arn:aws-cn:iam::111111111111:root");
    expect(bucketArn("aws-us-gov", "my-bucket")).toBe("arn:aws-us-gov:s3:::my-bucket");
    expect(bucketObjectsArn("arn:aws:s3:::my-bucket")).toBe("arn:aws:s3:::my-bucket/*");
    expect(roleArn("aws", "111111111111", "app")).toBe("arn:aws:iam::111111111111:role/app");
    expect(roleArn("aws", "111111111111", "app", "/svc/")).toBe("arn:aws:iam::111111111111:role/svc/app");
    expect(s3ViaService("eu-west-1")).toBe("s3.eu-west-1.amazonaws.com");
    expect(s3ViaService("cn-north-1", "amazonaws.com.cn")).toBe("s3.cn-north-1.amazonaws.com.cn");
  });
});

describe("keyAdminActions", () => {
  it("adds the import actions for EXTERNAL keys only", () => {
    expect(keyAdminActions("AWS_KMS")).toEqual([...KEY_ADMIN_ACTIONS]);
    expect(keyAdminActions("EXTERNAL")).toEqual([...KEY_ADMIN_ACTIONS, ...KEY_IMPORT_ACTIONS]);
    expect(keyAdminActions("AWS_KMS")).not.toContain("kms:ImportKeyMaterial");
    // Replication of key material is granted only to multi-Region keys.
    expect(keyAdminActions("AWS_KMS")).not.toContain("kms:ReplicateKey");
    expect(keyAdminActions("AWS_KMS", true)).toEqual([...KEY_ADMIN_ACTIONS, "kms:ReplicateKey", "kms:UpdatePrimaryRegion"]);
    expect(keyAdminActions("EXTERNAL", true)).toEqual([...KEY_ADMIN_ACTIONS, ...KEY_IMPORT_ACTIONS, "kms:ReplicateKey", "kms:UpdatePrimaryRegion"]);
  });
});

describe("rootManagementStatement", () => {
  it.each(["AWS_KMS", "EXTERNAL"] as const)("lets the account root manage a %s key without any cryptographic action", (origin) => {
    const s = rootManagementStatement(scope, origin);
    expect(s.Sid).toBe("KeyManagementByAccountRoot");
    expect(s.Effect).toBe("Allow");
    expect(s.Principal).toEqual({ AWS: "arn:aws:iam::111111111111:root" });
    expect(s.Resource).toBe("*");
    expect(actionsOf(s)).toEqual(keyAdminActions(origin));
    expect(cryptographicActionsIn(actionsOf(s))).toEqual([]);
    expect(actionsOf(s)).toContain("kms:PutKeyPolicy");
  });

  it("uses the scope's partition", () => {
    expect(rootManagementStatement({ ...scope, partition: "aws-cn" }, "AWS_KMS").Principal).toEqual({ AWS: "arn:aws-cn:iam::111111111111:root" });
  });
});

describe("rootFullAccessStatement", () => {
  it("is AWS's default kms:* for the account root", () => {
    expect(rootFullAccessStatement(scope)).toEqual({
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: "kms:*",
      Resource: "*",
    });
  });
});

describe("keyAdministratorsStatement", () => {
  it("names the administrators and grants no cryptographic action", () => {
    const admins = [ADMIN, "arn:aws:iam::111111111111:user/ops"];
    const s = keyAdministratorsStatement(admins, "EXTERNAL");
    expect(s.Sid).toBe("KeyAdministration");
    expect(s.Principal).toEqual({ AWS: admins });
    expect(actionsOf(s)).toEqual(keyAdminActions("EXTERNAL"));
    expect(cryptographicActionsIn(actionsOf(s))).toEqual([]);
  });

  it("copies the list it is given", () => {
    const admins = [ADMIN];
    const s = keyAdministratorsStatement(admins, "AWS_KMS");
    admins.push("arn:aws:iam::111111111111:role/late");
    expect(s.Principal).toEqual({ AWS: [ADMIN] });
  });
});

describe("s3EncryptionContextValues", () => {
  it("gives the bucket ARN and its objects for every bucket", () => {
    expect(s3EncryptionContextValues(["arn:aws:s3:::a", "arn:aws:s3:::b"])).toEqual([
      "arn:aws:s3:::a",
      "arn:aws:s3:::a/*",
      "arn:aws:s3:::b",
      "arn:aws:s3:::b/*",
    ]);
    expect(s3EncryptionContextValues([])).toEqual([]);
  });
});

describe("keyUseViaS3Statement", () => {
  it("grants Decrypt and GenerateDataKey through S3 in the key's region, from the key's account", () => {
    const s = keyUseViaS3Statement({ principals: [APP], scope });
    expect(s).toEqual({
      Sid: "KeyUseViaS3",
      Effect: "Allow",
      Principal: { AWS: [APP] },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": "111111111111", "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
      },
    });
  });

  it("has no encryption-context condition without bucket ARNs (absent or empty)", () => {
    expect(keyUseViaS3Statement({ principals: [APP], scope }).Condition).not.toHaveProperty("StringLike");
    expect(keyUseViaS3Statement({ principals: [APP], scope, bucketArns: [] }).Condition).not.toHaveProperty("StringLike");
    const rendered = JSON.stringify(keyUseViaS3Statement({ principals: [APP], scope, bucketArns: [] }));
    expect(rendered).not.toContain(S3_ENCRYPTION_CONTEXT_KEY);
  });

  it("restricts use to the buckets' encryption context (bucket ARN and bucket ARN/*) with StringLike", () => {
    const s = keyUseViaS3Statement({ principals: [APP], scope, bucketArns: ["arn:aws:s3:::data"] });
    expect(S3_ENCRYPTION_CONTEXT_KEY).toBe("kms:EncryptionContext:aws:s3:arn");
    expect(s.Condition).toEqual({
      StringEquals: { "kms:CallerAccount": "111111111111", "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
      StringLike: { [S3_ENCRYPTION_CONTEXT_KEY]: ["arn:aws:s3:::data", "arn:aws:s3:::data/*"] },
    });
  });

  it("honours sid, callerAccount, viaRegion, dnsSuffix and actions", () => {
    const s = keyUseViaS3Statement({
      sid: "ReplicationEncrypt",
      principals: ["arn:aws-cn:iam::222222222222:role/replication"],
      scope: { partition: "aws-cn", account: "111111111111", region: "cn-north-1", dnsSuffix: "amazonaws.com.cn" },
      callerAccount: "222222222222",
      viaRegion: "cn-northwest-1",
      actions: ["kms:Encrypt"],
    });
    expect(s.Sid).toBe("ReplicationEncrypt");
    expect(s.Action).toEqual(["kms:Encrypt"]);
    expect(s.Condition?.StringEquals).toEqual({
      "kms:CallerAccount": "222222222222",
      "kms:ViaService": "s3.cn-northwest-1.amazonaws.com.cn",
    });
  });

  it("survives canonical rendering with the context values intact and sorted", () => {
    const s = canonicalStatement(keyUseViaS3Statement({ principals: [APP], scope, bucketArns: ["arn:aws:s3:::zeta", "arn:aws:s3:::alpha"] }));
    expect(s.Principal).toEqual({ AWS: APP });
    expect(s.Condition?.StringLike?.[S3_ENCRYPTION_CONTEXT_KEY]).toEqual([
      "arn:aws:s3:::alpha",
      "arn:aws:s3:::alpha/*",
      "arn:aws:s3:::zeta",
      "arn:aws:s3:::zeta/*",
    ]);
  });
});

describe("bucketAccessStatements (per-bucket readers and writers)", () => {
  const A = "arn:aws:s3:::acme-dev-data-111111111111";
  const READER = "arn:aws:iam::111111111111:role/reader";
  const WRITER = "arn:aws:iam::111111111111:user/writer";

  it("derives the Sid from the bucket name", () => {
    expect(bucketSidPart(A)).toBe("AcmeDevData111111111111");
    expect(bucketSidPart("arn:aws:s3:::logs.example-1")).toBe("LogsExample1");
  });

  it("gives readers Decrypt and writers GenerateDataKey + Decrypt, via S3, from the account, for this bucket's context only", () => {
    const [read, write] = bucketAccessStatements(scope, { bucketArn: A, readers: [READER], writers: [WRITER] });
    expect(read).toEqual({
      Sid: "ReadViaS3AcmeDevData111111111111",
      Effect: "Allow",
      Principal: { AWS: [READER] },
      Action: [...BUCKET_READER_ACTIONS],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": "111111111111", "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
        StringLike: { [S3_ENCRYPTION_CONTEXT_KEY]: [A, `${A}/*`] },
      },
    });
    expect(read!.Action).toEqual(["kms:Decrypt"]);
    expect(write!.Sid).toBe("WriteViaS3AcmeDevData111111111111");
    expect(write!.Principal).toEqual({ AWS: [WRITER] });
    expect(write!.Action).toEqual([...BUCKET_WRITER_ACTIONS]);
    expect(actionsOf(write!).sort()).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(write!.Condition).toEqual(read!.Condition);
  });

  it("emits nothing for a bucket without readers or writers, and only the list that is set", () => {
    expect(bucketAccessStatements(scope, { bucketArn: A })).toEqual([]);
    expect(bucketAccessStatements(scope, { bucketArn: A, writers: [WRITER] }).map((s) => s.Sid)).toEqual(["WriteViaS3AcmeDevData111111111111"]);
    expect(bucketAccessStatements(scope, { bucketArn: A, readers: [READER] }, "X").map((s) => s.Sid)).toEqual(["ReadViaS3X"]);
  });

  it("never grants Encrypt, ReEncrypt or CreateGrant", () => {
    const all = bucketAccessStatements(scope, { bucketArn: A, readers: [READER], writers: [WRITER] }).flatMap(actionsOf);
    for (const a of ["kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant"]) expect(all).not.toContain(a);
  });
});
