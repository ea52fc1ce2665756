import {
  SSE_HEADER,
  SSE_KMS_KEY_HEADER,
  bucketEnforcementStatements,
  denyInsecureTransportStatement,
  denyOtherKmsKeyStatement,
  denyWrongEncryptionHeaderStatement,
  requireEncryptionHeaderStatement,
} from "./bucket-policy";
import { policyDocument, renderPolicy } from "./document";

const BUCKET = "arn:aws:s3:::my-data";
const OBJECTS = "arn:aws:s3:::my-data/*";
const KEY = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("bucket statements", () => {
  it("denies plain HTTP on the bucket and its objects", () => {
    expect(denyInsecureTransportStatement(BUCKET)).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [BUCKET, OBJECTS],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("denies an explicit encryption header other than aws:kms, only when the header is present", () => {
    expect(SSE_HEADER).toBe("s3:x-amz-server-side-encryption");
    expect(denyWrongEncryptionHeaderStatement(BUCKET)).toEqual({
      Sid: "DenyEncryptionOtherThanKms",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: OBJECTS,
      Condition: {
        StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
        Null: { "s3:x-amz-server-side-encryption": "false" },
      },
    });
  });

  it("denies an explicit KMS key other than the bucket's, only when a key is named", () => {
    expect(SSE_KMS_KEY_HEADER).toBe("s3:x-amz-server-side-encryption-aws-kms-key-id");
    expect(denyOtherKmsKeyStatement(BUCKET, KEY)).toEqual({
      Sid: "DenyOtherKmsKey",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: OBJECTS,
      Condition: {
        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY },
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
      },
    });
  });

  it("strict mode denies a PutObject without the encryption header (Null true)", () => {
    expect(requireEncryptionHeaderStatement(BUCKET)).toEqual({
      Sid: "DenyMissingEncryptionHeader",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: OBJECTS,
      Condition: { Null: { "s3:x-amz-server-side-encryption": "true" } },
    });
  });
});

describe("bucketEnforcementStatements", () => {
  const sids = (o: Parameters<typeof bucketEnforcementStatements>[0]) => bucketEnforcementStatements(o).map((s) => s.Sid);

  it("is TLS, header, SSE-C and key denies, in that order, with a key", () => {
    expect(sids({ bucketArn: BUCKET, keyArn: KEY })).toEqual(["DenyInsecureTransport", "DenyEncryptionOtherThanKms", "DenySseC", "DenyOtherKmsKey"]);
    expect(bucketEnforcementStatements({ bucketArn: BUCKET, keyArn: KEY })[3]).toEqual(denyOtherKmsKeyStatement(BUCKET, KEY));
  });

  it("leaves out the key deny without a key (aws/s3 buckets)", () => {
    expect(sids({ bucketArn: BUCKET })).toEqual(["DenyInsecureTransport", "DenyEncryptionOtherThanKms", "DenySseC"]);
  });

  it("appends the strict-mode statement last when asked, and only then", () => {
    expect(sids({ bucketArn: BUCKET, keyArn: KEY, requireEncryptionHeader: true })).toEqual([
      "DenyInsecureTransport",
      "DenyEncryptionOtherThanKms",
      "DenySseC",
      "DenyOtherKmsKey",
      "DenyMissingEncryptionHeader",
    ]);
    expect(sids({ bucketArn: BUCKET, requireEncryptionHeader: true })).toEqual([
      "DenyInsecureTransport",
      "DenyEncryptionOtherThanKms",
      "DenySseC",
      "DenyMissingEncryptionHeader",
    ]);
    expect(sids({ bucketArn: BUCKET, keyArn: KEY, requireEncryptionHeader: false })).not.toContain("DenyMissingEncryptionHeader");
  });

  it("renders canonically: sorted condition operators, statement order kept", () => {
    const rendered = JSON.parse(renderPolicy(policyDocument(bucketEnforcementStatements({ bucketArn: BUCKET, keyArn: KEY, requireEncryptionHeader: true }))));
    expect(rendered.Statement.map((s: { Sid: string }) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "DenyEncryptionOtherThanKms",
      "DenySseC",
      "DenyOtherKmsKey",
      "DenyMissingEncryptionHeader",
    ]);
    expect(Object.keys(rendered.Statement[1].Condition)).toEqual(["Null", "StringNotEquals"]);
    expect(rendered.Statement[0].Resource).toEqual([BUCKET, OBJECTS]);
  });
});
