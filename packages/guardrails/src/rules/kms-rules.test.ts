import { KmsExternalKey } from "@cdktf/provider-aws/lib/kms-external-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { KEY_ADMIN_ACTIONS, rootFullAccessStatement } from "@sse-kms/policy";
import { TerraformVariable } from "cdktf";
import { ACCOUNT, ADMIN, SCOPE, USER, findings, goodKeyStatements, keyPolicy, newStack, rawKey, statusOf } from "../test-support";
import {
  kmsAdminNoCrypto,
  kmsDeletionWindow,
  kmsKeyPolicyDefined,
  kmsNoFullAccess,
  kmsNoKeyMaterialInConfig,
  kmsNoWildcardPrincipal,
  kmsRotationEnabled,
  kmsSymmetricKeySpec,
  kmsUseViaS3Only,
} from ".";

const KEY = "aws_kms_key.data";

describe("SKB-KMS-1 kms-rotation-enabled", () => {
  test("compliant: rotation on", () => {
    const { stack } = newStack();
    rawKey(stack, { rotationPeriodInDays: 90 });
    expect(statusOf(stack, kmsRotationEnabled, KEY)).toBe("compliant");
  });
  test("non-compliant: rotation off, or absent (the provider default is off)", () => {
    const off = newStack();
    rawKey(off.stack, { enableKeyRotation: false });
    expect(findings(off.stack, kmsRotationEnabled)).toEqual([expect.objectContaining({ status: "non-compliant", detail: "enable_key_rotation is false" })]);
    const absent = newStack();
    rawKey(absent.stack, { enableKeyRotation: undefined });
    expect(statusOf(absent.stack, kmsRotationEnabled, KEY)).toBe("non-compliant");
  });
  test("not applicable to EXTERNAL keys: KMS cannot rotate imported material", () => {
    const { stack } = newStack();
    new KmsExternalKey(stack, "ext", { policy: keyPolicy(goodKeyStatements()) }).overrideLogicalId("byok");
    expect(statusOf(stack, kmsRotationEnabled, "aws_kms_external_key.byok")).toBe("not-applicable");
  });
});

describe("SKB-KMS-2 kms-deletion-window", () => {
  test("compliant: 7 days outside production, 30 in production; absent means AWS's 30", () => {
    const dev = newStack();
    rawKey(dev.stack, { deletionWindowInDays: 7 });
    expect(statusOf(dev.stack, kmsDeletionWindow, KEY)).toBe("compliant");
    const prod = newStack();
    rawKey(prod.stack, { deletionWindowInDays: 30 });
    expect(statusOf(prod.stack, kmsDeletionWindow, KEY, true)).toBe("compliant");
    const absent = newStack();
    rawKey(absent.stack, { deletionWindowInDays: undefined });
    expect(statusOf(absent.stack, kmsDeletionWindow, KEY, true)).toBe("compliant");
  });
  test("non-compliant: below 7 anywhere, below 30 in production", () => {
    const dev = newStack();
    rawKey(dev.stack, { deletionWindowInDays: 5 });
    expect(statusOf(dev.stack, kmsDeletionWindow, KEY)).toBe("non-compliant");
    const prod = newStack();
    rawKey(prod.stack, { deletionWindowInDays: 7 });
    expect(findings(prod.stack, kmsDeletionWindow, true)[0]?.detail).toBe("deletion_window_in_days is 7; production stack needs at least 30");
  });
});

describe("SKB-KMS-3 kms-symmetric-key-spec", () => {
  test("compliant: SYMMETRIC_DEFAULT / ENCRYPT_DECRYPT", () => {
    const { stack } = newStack();
    rawKey(stack);
    expect(statusOf(stack, kmsSymmetricKeySpec, KEY)).toBe("compliant");
  });
  test("non-compliant: an asymmetric or HMAC key", () => {
    const { stack } = newStack();
    rawKey(stack, { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" });
    expect(findings(stack, kmsSymmetricKeySpec)[0]?.detail).toBe('customer_master_key_spec is "RSA_2048"; key_usage is "SIGN_VERIFY"');
    const ext = newStack();
    new KmsExternalKey(ext.stack, "ext", { keySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC", policy: keyPolicy(goodKeyStatements()) }).overrideLogicalId(
      "byok",
    );
    expect(statusOf(ext.stack, kmsSymmetricKeySpec, "aws_kms_external_key.byok")).toBe("non-compliant");
  });
});

describe("SKB-KMS-4 kms-no-wildcard-principal", () => {
  test("compliant: named principals; a wildcard pinned by kms:CallerAccount", () => {
    const { stack } = newStack();
    rawKey(stack, {
      policy: keyPolicy([
        ...goodKeyStatements(),
        {
          Sid: "AnyoneInTheAccountViaS3",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
        },
      ]),
    });
    expect(statusOf(stack, kmsNoWildcardPrincipal, KEY)).toBe("compliant");
  });
  test('non-compliant: Principal "*" without a restricting condition (IfExists does not restrict)', () => {
    const { stack } = newStack();
    rawKey(stack, {
      policy: keyPolicy([
        ...goodKeyStatements(),
        { Sid: "Open", Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" },
        {
          Sid: "AlmostPinned",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: { StringEqualsIfExists: { "kms:CallerAccount": ACCOUNT } },
        },
      ]),
    });
    expect(findings(stack, kmsNoWildcardPrincipal)[0]?.detail).toBe(
      'statement "Open" allows a wildcard principal without a restricting condition; statement "AlmostPinned" allows a wildcard principal without a restricting condition',
    );
  });
});

describe("SKB-KMS-5 kms-no-full-access", () => {
  test("compliant: kms:* only for the key account's root (the allowRootFullAccess opt-in)", () => {
    const { stack } = newStack();
    rawKey(stack, { policy: keyPolicy([rootFullAccessStatement(SCOPE), ...goodKeyStatements().slice(1)]) });
    expect(statusOf(stack, kmsNoFullAccess, KEY)).toBe("compliant");
  });
  test("non-compliant: kms:* for a role, another account's root, or an Allow with NotAction", () => {
    const { stack } = newStack();
    rawKey(stack, {
      policy: keyPolicy([
        ...goodKeyStatements(),
        { Sid: "AdminAll", Effect: "Allow", Principal: { AWS: ADMIN }, Action: "kms:*", Resource: "*" },
        { Sid: "OtherRoot", Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "*", Resource: "*" },
        { Sid: "AllBut", Effect: "Allow", Principal: { AWS: USER }, NotAction: "kms:ScheduleKeyDeletion", Resource: "*" },
      ]),
    });
    const detail = findings(stack, kmsNoFullAccess)[0]?.detail ?? "";
    expect(detail).toContain(`statement "AdminAll" grants every KMS action to ${ADMIN}`);
    expect(detail).toContain('statement "OtherRoot" grants every KMS action to arn:aws:iam::999999999999:root');
    expect(detail).toContain(`statement "AllBut" grants every KMS action to ${USER}`);
  });
});

describe("SKB-KMS-6 kms-admin-no-crypto", () => {
  test("compliant: administrators and users are different principals", () => {
    const { stack } = newStack();
    rawKey(stack);
    expect(statusOf(stack, kmsAdminNoCrypto, KEY)).toBe("compliant");
  });
  test("non-compliant: an administrator also granted decryption in another statement (or CreateGrant, or kms:*)", () => {
    const { stack } = newStack();
    rawKey(stack, {
      policy: keyPolicy([
        ...goodKeyStatements(),
        {
          Sid: "AdminReads",
          Effect: "Allow",
          Principal: { AWS: ADMIN },
          Action: ["kms:Decrypt", "kms:CreateGrant"],
          Resource: "*",
          Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
        },
      ]),
    });
    expect(findings(stack, kmsAdminNoCrypto)[0]?.detail).toBe(
      `${ADMIN} administers the key (kms:CancelKeyDeletion (statement "KeyAdministration")) and holds kms:CreateGrant, kms:Decrypt (statement "AdminReads")`,
    );
  });
  test("non-compliant: one statement holding both kinds", () => {
    const { stack } = newStack();
    rawKey(stack, {
      policy: keyPolicy([
        goodKeyStatements()[0]!,
        { Sid: "AllInOne", Effect: "Allow", Principal: { AWS: ADMIN }, Action: [...KEY_ADMIN_ACTIONS, "kms:Decrypt"], Resource: "*" },
      ]),
    });
    expect(statusOf(stack, kmsAdminNoCrypto, KEY)).toBe("non-compliant");
  });
});

describe("SKB-KMS-7 kms-use-via-s3-only", () => {
  test("compliant: users restricted to s3.<region>.amazonaws.com; the root's opt-in is exempt", () => {
    const { stack } = newStack();
    rawKey(stack, { policy: keyPolicy([rootFullAccessStatement(SCOPE), ...goodKeyStatements().slice(1)]) });
    expect(statusOf(stack, kmsUseViaS3Only, KEY)).toBe("compliant");
  });
  test("non-compliant: no kms:ViaService, another service, or ...IfExists", () => {
    const { stack } = newStack();
    rawKey(stack, {
      policy: keyPolicy([
        ...goodKeyStatements(),
        { Sid: "Direct", Effect: "Allow", Principal: { AWS: USER }, Action: "kms:Decrypt", Resource: "*" },
        {
          Sid: "ViaEc2",
          Effect: "Allow",
          Principal: { AWS: USER },
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: { StringEquals: { "kms:ViaService": "ec2.eu-west-1.amazonaws.com" } },
        },
        {
          Sid: "IfExists",
          Effect: "Allow",
          Principal: { AWS: USER },
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: { StringEqualsIfExists: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
        },
      ]),
    });
    const detail = findings(stack, kmsUseViaS3Only)[0]?.detail ?? "";
    for (const sid of ["Direct", "ViaEc2", "IfExists"]) expect(detail).toContain(`statement "${sid}" grants kms:Decrypt to ${USER} without kms:ViaService`);
    expect(detail).not.toContain("KeyUseViaS3");
  });
  test("the root of ANOTHER account is not exempt (the key's account comes from its provider)", () => {
    const { stack } = newStack();
    rawKey(stack, {
      policy: keyPolicy([
        ...goodKeyStatements(),
        { Sid: "Partner", Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "kms:Decrypt", Resource: "*" },
      ]),
    });
    expect(statusOf(stack, kmsUseViaS3Only, KEY)).toBe("non-compliant");
  });
});

describe("SKB-KMS-8 kms-no-key-material-in-config", () => {
  const MATERIAL = Buffer.alloc(32, 7).toString("base64");

  test("compliant: no material (imported out of band), or a sensitive variable without default", () => {
    const none = newStack();
    new KmsExternalKey(none.stack, "ext", { policy: keyPolicy(goodKeyStatements()) }).overrideLogicalId("byok");
    expect(statusOf(none.stack, kmsNoKeyMaterialInConfig, "aws_kms_external_key.byok")).toBe("compliant");
    const viaVar = newStack();
    const v = new TerraformVariable(viaVar.stack, "key_material_base64", { type: "string", sensitive: true, nullable: false });
    v.overrideLogicalId("key_material_base64");
    new KmsExternalKey(viaVar.stack, "ext", { keyMaterialBase64: v.stringValue, policy: keyPolicy(goodKeyStatements()) }).overrideLogicalId("byok");
    expect(statusOf(viaVar.stack, kmsNoKeyMaterialInConfig, "aws_kms_external_key.byok")).toBe("compliant");
  });
  test("non-compliant: literal material, a variable that is not sensitive or has a default", () => {
    const literal = newStack();
    new KmsExternalKey(literal.stack, "ext", { keyMaterialBase64: MATERIAL, policy: keyPolicy(goodKeyStatements()) }).overrideLogicalId("byok");
    expect(findings(literal.stack, kmsNoKeyMaterialInConfig)[0]?.detail).toBe(
      "key_material_base64 is set to something other than a reference to a sensitive variable: the material would be part of the configuration",
    );
    const defaulted = newStack();
    const v = new TerraformVariable(defaulted.stack, "m", { type: "string", sensitive: true, default: MATERIAL });
    v.overrideLogicalId("m");
    new KmsExternalKey(defaulted.stack, "ext", { keyMaterialBase64: v.stringValue, policy: keyPolicy(goodKeyStatements()) }).overrideLogicalId("byok");
    expect(findings(defaulted.stack, kmsNoKeyMaterialInConfig)[0]?.detail).toBe(
      "var.m carries key material and has a default: the material is in the configuration",
    );
    const plain = newStack();
    const p = new TerraformVariable(plain.stack, "p", { type: "string" });
    p.overrideLogicalId("p");
    new KmsExternalKey(plain.stack, "ext", { keyMaterialBase64: p.stringValue, policy: keyPolicy(goodKeyStatements()) }).overrideLogicalId("byok");
    expect(findings(plain.stack, kmsNoKeyMaterialInConfig)[0]?.detail).toBe("var.p carries key material but is not sensitive = true");
  });
  test("non-compliant: a literal 32-byte base64 value in any sensitive attribute of any resource", () => {
    const { stack } = newStack();
    const key = rawKey(stack);
    key.addOverride("tags.secret_seed", MATERIAL); // e.g. pasted into a tag called secret_seed
    expect(findings(stack, kmsNoKeyMaterialInConfig)).toEqual([
      expect.objectContaining({ address: KEY, status: "non-compliant", detail: "tags.secret_seed holds a literal 32-byte base64 value" }),
    ]);
  });
});

describe("SKB-KMS-9 kms-key-policy-defined", () => {
  test("compliant: one inline literal policy, or exactly one aws_kms_key_policy", () => {
    const inline = newStack();
    rawKey(inline.stack);
    expect(statusOf(inline.stack, kmsKeyPolicyDefined, KEY)).toBe("compliant");
    const separate = newStack();
    const key = rawKey(separate.stack, { policy: undefined });
    new KmsKeyPolicy(separate.stack, "kp", { keyId: key.id, policy: keyPolicy(goodKeyStatements()) });
    expect(statusOf(separate.stack, kmsKeyPolicyDefined, KEY)).toBe("compliant");
  });
  test("non-compliant: no policy (KMS default), two owners, or an expression", () => {
    const none = newStack();
    rawKey(none.stack, { policy: undefined });
    expect(findings(none.stack, kmsKeyPolicyDefined)[0]?.detail).toBe("no policy: KMS applies its default key policy (kms:* for the account root)");
    const both = newStack();
    const key = rawKey(both.stack);
    new KmsKeyPolicy(both.stack, "kp", { keyId: key.id, policy: keyPolicy(goodKeyStatements()) }).overrideLogicalId("kp");
    expect(findings(both.stack, kmsKeyPolicyDefined).find((f) => f.address === KEY)?.detail).toBe(
      "the key has an inline policy and is also the target of aws_kms_key_policy.kp",
    );
    const expr = newStack();
    rawKey(expr.stack, { policy: "${data.aws_iam_policy_document.key.json}" });
    expect(statusOf(expr.stack, kmsKeyPolicyDefined, KEY)).toBe("non-compliant");
    // ... and the other key-policy rules step aside instead of guessing.
    expect(statusOf(expr.stack, kmsNoWildcardPrincipal, KEY)).toBe("not-applicable");
  });
});

describe("key-policy rules on aliased providers", () => {
  test("the key's account is its own provider's account: the destination root is the root there", () => {
    const { stack } = newStack();
    const dst = new AwsProvider(stack, "dst", { alias: "destination", region: "eu-central-1", allowedAccountIds: ["222222222222"] });
    rawKey(stack, {
      provider: dst,
      policy: keyPolicy([{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "kms:*", Resource: "*" }]),
    });
    expect(statusOf(stack, kmsNoFullAccess, KEY)).toBe("compliant");
    const other = newStack();
    rawKey(other.stack, {
      policy: keyPolicy([{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "kms:*", Resource: "*" }]),
    });
    expect(statusOf(other.stack, kmsNoFullAccess, KEY)).toBe("non-compliant");
  });
});
