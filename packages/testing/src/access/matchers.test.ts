import { registerAccessMatchers } from "./matchers";
import { allowAll } from "./policy";
import { ACCOUNT, ADMIN, BUCKET, USER, keyStack, viaS3 } from "./test-fixtures";

registerAccessMatchers();

const stack = JSON.stringify(keyStack());
const key = { kmsKey: "aws_kms_key.data" } as const;
const put = (context: Record<string, string>) => ({
  principal: USER,
  action: "s3:PutObject",
  resource: { bucket: BUCKET, key: "k" },
  identityPolicies: [allowAll],
  context,
});

describe("toAllow / toDeny", () => {
  it("pass on the matching decision", async () => {
    await expect(stack).toAllow({ principal: USER, action: "kms:Decrypt", resource: key, viaS3 });
    await expect(stack).toDeny({ principal: ADMIN, action: "kms:Decrypt", resource: key, viaS3 }, "implicit");
    await expect(stack).toDeny(put({ "aws:SecureTransport": "false" }), "explicit");
    await expect(stack).toDeny(put({ "aws:SecureTransport": "false" }));
  });

  it("work with .not", async () => {
    await expect(stack).not.toAllow({ principal: ADMIN, action: "kms:Decrypt", resource: key, viaS3 });
    await expect(stack).not.toDeny({ principal: USER, action: "kms:Decrypt", resource: key, viaS3 });
  });

  it("distinguish explicit from implicit denial, failing with the simulator's explanation", async () => {
    await expect(expect(stack).toDeny(put({ "aws:SecureTransport": "false" }), "implicit")).rejects.toThrow(
      /to be implicitly denied, but it was explicitly denied[\s\S]*"DenyInsecureTransport" \(Deny\) when Bool aws:SecureTransport "false"/,
    );
    await expect(expect(stack).toDeny({ principal: ADMIN, action: "kms:Decrypt", resource: key, viaS3 }, "explicit")).rejects.toThrow(
      /to be explicitly denied, but it was implicitly denied[\s\S]*no statement of the key policy aws_kms_key\.data allows it/,
    );
  });

  it("fail toAllow with the failed conditions", async () => {
    await expect(expect(stack).toAllow({ principal: USER, action: "kms:Decrypt", resource: key, viaS3: { ...viaS3, region: "us-east-1" } })).rejects.toThrow(
      /to be allowed, but it was implicitly denied[\s\S]*StringEquals kms:ViaService "s3\.eu-west-1\.amazonaws\.com" \(request: "s3\.us-east-1\.amazonaws\.com"\)/,
    );
  });

  it("fail .not.toAllow with the decisive statement", async () => {
    await expect(expect(stack).not.toAllow({ principal: `arn:aws:iam::${ACCOUNT}:root`, action: "kms:ScheduleKeyDeletion", resource: key })).rejects.toThrow(
      /not to be allowed, but it was[\s\S]*"KeyManagementByAccountRoot" \(Allow\)/,
    );
  });

  it("accept a list of stacks and parsed objects", async () => {
    await expect([keyStack()]).toAllow({ principal: USER, action: "kms:GenerateDataKey", resource: key, viaS3 });
  });

  it("reject a bad kind and a missing subject", async () => {
    await expect(expect(stack).toDeny(put({}), "loud" as "explicit")).rejects.toThrow(/kind must be "explicit" or "implicit"/);
    await expect(expect(undefined).toAllow(put({}))).rejects.toThrow(/pass a TerraformStack/);
  });
});
