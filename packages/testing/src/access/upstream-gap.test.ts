/**
 * Watches the upstream gap that encryption-context.ts closes. If this test starts failing,
 * @cloud-copilot/iam-simulate has learnt `kms:EncryptionContext:<key>` context keys: keep our layer
 * (it stays correct, since it removes those conditions before the simulator sees them) or drop it,
 * and update this test and the explanation in encryption-context.ts.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { applyEncryptionContextConditions } from "./encryption-context";
import type { IamPolicyDocument } from "@sse-kms/policy";

const KEY_ARN = "arn:aws:kms:eu-west-1:111111111111:key/0b1f2c3d-0000-4000-8000-000000000001";
const ROLE = "arn:aws:iam::111111111111:role/app";
const BUCKET_ARN = "arn:aws:s3:::acme-data";

const keyPolicy = (conditionKey: string): IamPolicyDocument => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "UseWithContext",
      Effect: "Allow",
      Principal: { AWS: ROLE },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringEquals: { [conditionKey]: BUCKET_ARN } },
    },
  ],
});

async function simulate(policy: object, context: Record<string, string>) {
  const r = await runSimulation(
    {
      request: { principal: ROLE, action: "kms:Decrypt", resource: { resource: KEY_ARN, accountId: "111111111111" }, contextVariables: context },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    },
    {},
  );
  if (r.resultType !== "single") throw new Error(`unexpected result ${r.resultType}`);
  return r;
}

describe("upstream gap: iam-simulate 0.1.173 and kms:EncryptionContext:<key>", () => {
  it("drops kms:EncryptionContext:aws:s3:arn from the request, so a matching condition fails as missing", async () => {
    const r = await simulate(keyPolicy("kms:EncryptionContext:aws:s3:arn"), { "kms:EncryptionContext:aws:s3:arn": BUCKET_ARN });
    expect(r.result.ignoredContextKeys).toEqual(["kms:EncryptionContext:aws:s3:arn"]);
    expect(r.overallResult).toBe("ImplicitlyDenied");
    const statement = r.result.analysis.resourceAnalysis?.unmatchedStatements[0];
    expect(statement?.explain.conditions?.[0]?.failedBecauseMissing).toBe(true);
  });

  it("keeps a /-separated variable key of the same action (the only variable form it knows)", async () => {
    const r = await simulate(keyPolicy("aws:RequestTag/project"), { "aws:RequestTag/project": BUCKET_ARN });
    expect(r.result.ignoredContextKeys).toEqual([]);
  });

  it("decides correctly once our layer has evaluated the encryption-context condition", async () => {
    const prepared = applyEncryptionContextConditions(
      keyPolicy("kms:EncryptionContext:aws:s3:arn"),
      { "kms:EncryptionContext:aws:s3:arn": BUCKET_ARN },
      "key policy",
    );
    const r = await simulate(prepared.document, {});
    expect(r.overallResult).toBe("Allowed");
  });
});
