import { applyEncryptionContextConditions, isEncryptionContextKey } from "./encryption-context";
import type { IamPolicyDocument, IamStatement } from "@sse-kms/policy";
import { simulateAccess } from "./simulate";
import { ACCOUNT, BUCKET, USER, keyStack } from "./test-fixtures";

const KEY = "kms:EncryptionContext:aws:s3:arn";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const OBJECT_ARN = `${BUCKET_ARN}/a/b.txt`;
const doc = (...Statement: IamStatement[]): IamPolicyDocument => ({ Version: "2012-10-17", Statement });
const allowUse = (Condition: IamStatement["Condition"], Sid = "Use"): IamStatement => ({
  Sid,
  Effect: "Allow",
  Principal: { AWS: USER },
  Action: "kms:Decrypt",
  Resource: "*",
  Condition,
});

describe("isEncryptionContextKey", () => {
  it.each([
    [KEY, true],
    ["KMS:ENCRYPTIONCONTEXT:Department", true],
    ["kms:EncryptionContext:", false],
    ["kms:EncryptionContextKeys", false],
    ["kms:ViaService", false],
  ])("%s -> %s", (key, expected) => expect(isEncryptionContextKey(key)).toBe(expected));
});

describe("applyEncryptionContextConditions", () => {
  const scoped = allowUse({ StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" }, StringLike: { [KEY]: [BUCKET_ARN, `${BUCKET_ARN}/*`] } });

  it.each([
    ["bucket-ARN context (Bucket Key on)", BUCKET_ARN],
    ["object-ARN context (Bucket Key off)", OBJECT_ARN],
  ])("removes conditions that hold and keeps the rest: %s", (_label, value) => {
    const out = applyEncryptionContextConditions(doc(scoped), { [KEY]: value }, "key policy");
    expect(out.document.Statement).toEqual([{ ...scoped, Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } } }]);
    expect(out.notes).toEqual([
      { policy: "key policy", statement: '"Use"', effect: "Allow", outcome: "held", conditions: [expect.stringContaining(`held (request value "${value}")`)] },
    ]);
  });

  it("drops the Condition element when only encryption-context conditions were in it", () => {
    const s = allowUse({ StringEquals: { [KEY]: BUCKET_ARN } });
    const out = applyEncryptionContextConditions(doc(s), { [KEY]: BUCKET_ARN }, "p");
    expect(out.document.Statement[0]).not.toHaveProperty("Condition");
  });

  it("removes a statement whose encryption-context condition fails, and maps the remaining indexes", () => {
    const other: IamStatement = { Effect: "Allow", Principal: { AWS: USER }, Action: "kms:DescribeKey", Resource: "*" };
    const out = applyEncryptionContextConditions(doc(scoped, other), { [KEY]: "arn:aws:s3:::other" }, "p");
    expect(out.document.Statement).toEqual([other]);
    expect(out.originalIndex).toEqual([1]);
    expect(out.notes[0]).toMatchObject({ statement: '"Use"', outcome: "failed" });
  });

  it("removes the statement when the key is missing from the request (positive operator)", () => {
    expect(applyEncryptionContextConditions(doc(scoped), {}, "p").document.Statement).toEqual([]);
  });

  it("ANDs several encryption-context conditions of one statement", () => {
    const s = allowUse({ StringEquals: { [KEY]: BUCKET_ARN, "kms:EncryptionContext:team": "data" } });
    expect(applyEncryptionContextConditions(doc(s), { [KEY]: BUCKET_ARN, "kms:EncryptionContext:team": "data" }, "p").document.Statement).toHaveLength(1);
    expect(applyEncryptionContextConditions(doc(s), { [KEY]: BUCKET_ARN, "kms:EncryptionContext:team": "web" }, "p").document.Statement).toHaveLength(0);
  });

  it("keeps a Deny with a negated operator when the key is missing: the Deny applies, as in IAM", () => {
    const deny: IamStatement = {
      Sid: "DenyOtherBuckets",
      Effect: "Deny",
      Principal: "*",
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringNotLike: { [KEY]: [BUCKET_ARN, `${BUCKET_ARN}/*`] } },
    };
    const out = applyEncryptionContextConditions(doc(deny), {}, "p");
    expect(out.document.Statement).toEqual([{ Sid: "DenyOtherBuckets", Effect: "Deny", Principal: "*", Action: "kms:Decrypt", Resource: "*" }]);
    expect(out.notes[0]).toMatchObject({ effect: "Deny", outcome: "held" });
  });

  it("removes a Deny whose encryption-context condition is false: it denies nothing", () => {
    const deny: IamStatement = {
      Sid: "DenyOtherBuckets",
      Effect: "Deny",
      Principal: "*",
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringNotLike: { [KEY]: `${BUCKET_ARN}*` } },
    };
    expect(applyEncryptionContextConditions(doc(deny), { [KEY]: OBJECT_ARN }, "p").document.Statement).toEqual([]);
  });

  it("leaves statements without encryption-context conditions untouched (same objects)", () => {
    const plain = allowUse({ StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } });
    const out = applyEncryptionContextConditions(doc(plain), {}, "p");
    expect(out.document.Statement[0]).toBe(plain);
    expect(out.notes).toEqual([]);
  });

  it("labels statements without Sid by position", () => {
    const { Sid: _sid, ...noSid } = scoped;
    expect(applyEncryptionContextConditions(doc(noSid), {}, "p").notes[0]?.statement).toBe("#1");
  });
});

describe("the layer inside simulateAccess", () => {
  const stackWith = (...Statement: IamStatement[]) => keyStack({ keyPolicy: doc(...Statement) });
  const allowRoot: IamStatement = { Sid: "Root", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" };
  const denyOthers: IamStatement = {
    Sid: "DenyOtherContexts",
    Effect: "Deny",
    Principal: "*",
    Action: "kms:Decrypt",
    Resource: "*",
    Condition: { StringNotLike: { [KEY]: [BUCKET_ARN, `${BUCKET_ARN}/*`] } },
  };
  const request = (context?: Record<string, string>) => ({
    principal: USER,
    action: "kms:Decrypt",
    resource: { kmsKey: "aws_kms_key.data" },
    identityPolicies: [{ Statement: [{ Effect: "Allow" as const, Action: "kms:*", Resource: "*" }] }],
    ...(context ? { context } : {}),
  });

  it("a negated Deny fires when the context is missing", async () => {
    const r = await simulateAccess(stackWith(allowRoot, denyOthers), request());
    expect(r.decision).toBe("ExplicitlyDenied");
    expect(r.decisiveStatements).toEqual(['key policy aws_kms_key.data "DenyOtherContexts" (Deny)']);
  });

  it("a negated Deny fires for another bucket's context", async () => {
    expect((await simulateAccess(stackWith(allowRoot, denyOthers), request({ [KEY]: "arn:aws:s3:::other" }))).decision).toBe("ExplicitlyDenied");
  });

  it("a negated Deny stays out of the way for the bucket's own context", async () => {
    expect((await simulateAccess(stackWith(allowRoot, denyOthers), request({ [KEY]: OBJECT_ARN }))).decision).toBe("Allowed");
  });

  it("an Allow scoped by IfExists applies without context", async () => {
    const s = allowUse({ StringLikeIfExists: { [KEY]: `${BUCKET_ARN}*` } });
    expect((await simulateAccess(stackWith(s), { principal: USER, action: "kms:Decrypt", resource: { kmsKey: "aws_kms_key.data" } })).decision).toBe("Allowed");
  });

  it("explains what it decided", async () => {
    const r = await simulateAccess(stackWith(allowRoot, denyOthers), request({ [KEY]: "arn:aws:s3:::other" }));
    expect(r.explanation).toContain(`key policy aws_kms_key.data "DenyOtherContexts" (Deny) held, left the rest to the simulator: StringNotLike ${KEY}`);
  });
});
