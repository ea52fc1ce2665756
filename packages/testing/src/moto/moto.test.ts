import { findMotoServer, motoOverride, motoServerOptionsFor, stackProviders, startMotoServer } from "./index";

const binary = findMotoServer();
const describeMoto = binary ? describe : describe.skip;
if (!binary) console.log("skipped: moto harness test: no moto_server on PATH (or SSE_KMS_MOTO_SERVER)");

describe("motoOverride", () => {
  const stack = JSON.stringify({
    provider: {
      aws: [
        { region: "eu-west-1", allowed_account_ids: ["111111111111"] },
        { alias: "destination", region: "eu-central-1" },
      ],
    },
  });

  it("points every provider block at the endpoint with fake static keys and path-style S3", () => {
    const doc = JSON.parse(motoOverride(stack, "http://127.0.0.1:5000"));
    expect(doc.provider.aws).toHaveLength(2);
    expect(doc.provider.aws[1].alias).toBe("destination");
    for (const p of doc.provider.aws) {
      expect(p.endpoints[0].kms).toBe("http://127.0.0.1:5000");
      expect(p.endpoints[0].s3).toBe("http://127.0.0.1:5000");
      expect(p.s3_use_path_style).toBe(true);
      expect(p.skip_metadata_api_check).toBe(true);
      expect(p.access_key).toMatch(/EXAMPLE$/);
      // The stack's own account check stays: moto answers as MOTO_ACCOUNT_ID.
      expect(p).not.toHaveProperty("allowed_account_ids");
    }
    expect(doc.terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
  });

  it("lifts prevent_destroy only where the stack sets it, and takes the given keys", () => {
    const withResources = JSON.stringify({
      ...JSON.parse(stack),
      resource: { aws_kms_key: { k: { lifecycle: { prevent_destroy: true } }, other: {} }, aws_s3_bucket: { b: { lifecycle: { prevent_destroy: true } } } },
    });
    const doc = JSON.parse(
      motoOverride(withResources, "http://127.0.0.1:5000", { allowDestroy: true, credentials: { accessKeyId: "AKIAMOTO", secretAccessKey: "s" } }),
    );
    expect(doc.resource).toEqual({
      aws_kms_key: { k: { lifecycle: { prevent_destroy: false } } },
      aws_s3_bucket: { b: { lifecycle: { prevent_destroy: false } } },
    });
    expect(doc.provider.aws.map((p: { access_key: string }) => p.access_key)).toEqual(["AKIAMOTO", "AKIAMOTO"]);
    expect(JSON.parse(motoOverride(withResources, "http://127.0.0.1:5000"))).not.toHaveProperty("resource");
  });

  it("starts moto as the stack's account, multi-account when a provider assumes a role in another account", () => {
    expect(motoServerOptionsFor(stack)).toEqual({ accountId: "111111111111", multiAccount: false });
    const cross = JSON.stringify({
      provider: {
        aws: [
          { region: "us-east-1", allowed_account_ids: ["333333333333"] },
          {
            alias: "destination",
            region: "us-west-2",
            allowed_account_ids: ["444444444444"],
            assume_role: [{ role_arn: "arn:aws:iam::444444444444:role/deploy" }],
          },
        ],
      },
    });
    expect(motoServerOptionsFor(cross)).toEqual({ accountId: "333333333333", multiAccount: true });
    expect(stackProviders(cross)[1]).toEqual({
      alias: "destination",
      region: "us-west-2",
      accountId: "444444444444",
      roleArn: "arn:aws:iam::444444444444:role/deploy",
    });
  });

  it("refuses an endpoint off loopback", () => {
    expect(() => motoOverride(stack, "https://kms.eu-west-1.amazonaws.com")).toThrow(/loopback/);
    expect(() => motoOverride(stack, "http://169.254.169.254")).toThrow(/loopback/);
  });
});

describeMoto("startMotoServer", () => {
  it("answers as the given account on loopback, resets and stops", async () => {
    const moto = await startMotoServer({ accountId: "210987654321" });
    try {
      expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(moto.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0",
        },
        body: "Action=GetCallerIdentity&Version=2011-06-15",
      });
      expect(await res.text()).toContain("<Account>210987654321</Account>");
      await moto.reset();
    } finally {
      await moto.stop();
    }
    await expect(fetch(`${moto.endpoint}/moto-api/`)).rejects.toThrow();
  }, 90_000);

  it("in multi-account mode, keys minted for an account make requests land in that account", async () => {
    const moto = await startMotoServer({ accountId: "333333333333", multiAccount: true });
    try {
      const keys = await moto.accessKeyFor("444444444444");
      const res = await fetch(moto.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `AWS4-HMAC-SHA256 Credential=${keys.accessKeyId}/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: "Action=GetCallerIdentity&Version=2011-06-15",
      });
      expect(await res.text()).toContain("<Account>444444444444</Account>");
    } finally {
      await moto.stop();
    }
  }, 90_000);

  it("refuses a malformed account id in one line", async () => {
    await expect(startMotoServer({ accountId: "12345" })).rejects.toThrow("moto: accountId must be 12 digits");
  });
});
