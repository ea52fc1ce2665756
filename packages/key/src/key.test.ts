import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { type Json, newTestStack as newStack, synthJson } from "@sse-kms/construct-kit/testing";
import { ConstructPropError } from "@sse-kms/construct-kit";
import { KEY_ADMIN_ACTIONS, KEY_IMPORT_ACTIONS, type PolicyStatement, canonicalStatement, cryptographicActionsIn } from "@sse-kms/policy";
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { Construct } from "constructs";
import { ExistingKey } from "./existing-key";
import { EncryptionKey, type EncryptionKeyProps, KEY_POLICY_MAX_BYTES } from "./key";
import { type IKey, KeyBase, bucketAccessStatementsFor } from "./key-base";

const ACCOUNT = "123456789012";
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/key-admin`;
const APP = `arn:aws:iam::${ACCOUNT}:role/app`;
const BASE: EncryptionKeyProps = { name: "prod-data", account: ACCOUNT, region: "eu-west-1" };
/** 32 bytes, base64. */
const MATERIAL_32 = Buffer.alloc(32, 7).toString("base64");

const synth = synthJson;

function keyResource(json: Json, name = "prod_data", type = "aws_kms_key"): Json {
  const r = json.resource?.[type]?.[name];
  if (r === undefined) throw new Error(`no ${type}.${name} in ${JSON.stringify(Object.keys(json.resource ?? {}))}`);
  return r;
}

function keyPolicy(json: Json, name = "prod_data", type = "aws_kms_key"): { Version: string; Statement: PolicyStatement[] } {
  return JSON.parse(keyResource(json, name, type).policy);
}

function statement(policy: { Statement: PolicyStatement[] }, sid: string): PolicyStatement {
  const s = policy.Statement.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid} in ${policy.Statement.map((x) => x.Sid).join(", ")}`);
  return s;
}

const asList = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === "string" ? [v] : [...v]);

/** Synth a key with the given props and return its rendered policy. */
function policyOf(props: Partial<EncryptionKeyProps>, after?: (key: EncryptionKey) => void) {
  const stack = newStack();
  const key = new EncryptionKey(stack, "Key", { ...BASE, ...props });
  after?.(key);
  const type = props.origin === "EXTERNAL" ? "aws_kms_external_key" : "aws_kms_key";
  return keyPolicy(synth(stack), "prod_data", type);
}

describe("EncryptionKey defaults", () => {
  const json = (() => {
    const stack = newStack();
    new EncryptionKey(stack, "Key", BASE);
    return synth(stack);
  })();
  const key = keyResource(json);

  it("creates exactly one aws_kms_key and nothing else", () => {
    expect(Object.keys(json.resource)).toEqual(["aws_kms_key"]);
    expect(Object.keys(json.resource.aws_kms_key)).toEqual(["prod_data"]);
  });

  it("turns rotation on, every 365 days", () => {
    expect(key.enable_key_rotation).toBe(true);
    expect(key.rotation_period_in_days).toBe(365);
  });

  it("uses a 30-day deletion window", () => {
    expect(key.deletion_window_in_days).toBe(30);
  });

  it("is a symmetric ENCRYPT_DECRYPT single-Region key: spec and usage left to their provider defaults", () => {
    // SYMMETRIC_DEFAULT and ENCRYPT_DECRYPT are the defaults on every hashicorp/aws version (the
    // real-Terraform tier checks the planned values); writing them is left out on every version.
    expect(key).not.toHaveProperty("customer_master_key_spec");
    expect(key).not.toHaveProperty("key_usage");
    expect(key.multi_region).toBe(false);
  });

  it("has no lifecycle block, no tags, and a default description", () => {
    expect(key).not.toHaveProperty("lifecycle");
    expect(key).not.toHaveProperty("tags");
    expect(key.description).toBe("prod-data (SSE-KMS, managed by sse-kms-blueprints)");
  });

  it("has an inline policy that lets the account root manage (not use) the key, and nothing more", () => {
    const policy = JSON.parse(key.policy);
    expect(policy.Version).toBe("2012-10-17");
    expect(policy.Statement.map((s: PolicyStatement) => s.Sid)).toEqual(["KeyManagementByAccountRoot"]);
    const root = policy.Statement[0];
    expect(root.Principal).toEqual({ AWS: ROOT });
    expect(root.Effect).toBe("Allow");
    expect(root.Action).toEqual([...KEY_ADMIN_ACTIONS].sort());
    expect(cryptographicActionsIn(root.Action)).toEqual([]);
    expect(root.Action).not.toContain("kms:*");
  });
});

describe("EncryptionKey options", () => {
  it("passes through description, deletion window, rotation period, multi-Region and tags", () => {
    const stack = newStack();
    new EncryptionKey(stack, "Key", {
      ...BASE,
      description: "customer data",
      deletionWindowInDays: 7,
      rotationPeriodInDays: 90,
      multiRegion: true,
      tags: { team: "platform" },
    });
    const key = keyResource(synth(stack));
    expect(key.description).toBe("customer data");
    expect(key.deletion_window_in_days).toBe(7);
    expect(key.rotation_period_in_days).toBe(90);
    expect(key.multi_region).toBe(true);
    expect(key.tags).toEqual({ team: "platform" });
  });

  it("accepts the boundary values 30 days and 2560 days", () => {
    const stack = newStack();
    new EncryptionKey(stack, "Key", { ...BASE, deletionWindowInDays: 30, rotationPeriodInDays: 2560 });
    const key = keyResource(synth(stack));
    expect(key.deletion_window_in_days).toBe(30);
    expect(key.rotation_period_in_days).toBe(2560);
  });

  it("sets prevent_destroy only when asked", () => {
    const on = newStack();
    new EncryptionKey(on, "Key", { ...BASE, preventDestroy: true });
    expect(keyResource(synth(on)).lifecycle).toEqual({ prevent_destroy: true });
    const off = newStack();
    new EncryptionKey(off, "Key", { ...BASE, preventDestroy: false });
    expect(keyResource(synth(off))).not.toHaveProperty("lifecycle");
  });

  it("exposes the ARN and id as references to the pinned resource", () => {
    const stack = newStack();
    const key = new EncryptionKey(stack, "Key", BASE);
    new TerraformOutput(stack, "arn", { value: key.keyArn });
    new TerraformOutput(stack, "id", { value: key.keyId });
    const json = synth(stack);
    expect(json.output.arn.value).toBe("${aws_kms_key.prod_data.arn}");
    expect(json.output.id.value).toBe("${aws_kms_key.prod_data.id}");
    expect(key.partition).toBe("aws");
    expect(key.scope).toEqual({ partition: "aws", account: ACCOUNT, region: "eu-west-1", dnsSuffix: "amazonaws.com" });
  });

  it("is partition-aware (aws-cn root ARN and ViaService DNS suffix)", () => {
    const stack = newStack("cn-north-1");
    new EncryptionKey(stack, "Key", {
      ...BASE,
      region: "cn-north-1",
      administrators: [`arn:aws-cn:iam::${ACCOUNT}:role/admin`],
      users: [`arn:aws-cn:iam::${ACCOUNT}:role/app`],
    });
    const policy = keyPolicy(synth(stack));
    expect(statement(policy, "KeyManagementByAccountRoot").Principal).toEqual({ AWS: `arn:aws-cn:iam::${ACCOUNT}:root` });
    expect(statement(policy, "KeyUseViaS3").Condition?.StringEquals?.["kms:ViaService"]).toBe("s3.cn-north-1.amazonaws.com.cn");
  });
});

describe("pinned address", () => {
  it("is aws_kms_key.<terraformName(name)>", () => {
    const stack = newStack();
    new EncryptionKey(stack, "Key", { ...BASE, name: "Prod.Data-Key" });
    expect(Object.keys(synth(stack).resource.aws_kms_key)).toEqual(["prod_data_key"]);
  });

  it("prefixes a name that starts with a digit", () => {
    const stack = newStack();
    new EncryptionKey(stack, "Key", { ...BASE, name: "2025-data" });
    expect(Object.keys(synth(stack).resource.aws_kms_key)).toEqual(["_2025_data"]);
  });

  it("honours an explicit terraformName", () => {
    const stack = newStack();
    new EncryptionKey(stack, "Key", { ...BASE, terraformName: "legacy_key" });
    expect(Object.keys(synth(stack).resource.aws_kms_key)).toEqual(["legacy_key"]);
  });

  it("does not change when the construct moves deeper into the tree", () => {
    const flat = newStack();
    new EncryptionKey(flat, "Key", BASE);
    const nested = newStack();
    const outer = new Construct(new Construct(nested, "Team"), "Blueprint");
    const key = new EncryptionKey(outer, "DataKey", BASE);
    expect(key.node.path).toBe("test/Team/Blueprint/DataKey");
    const a = synth(flat).resource.aws_kms_key;
    const b = synth(nested).resource.aws_kms_key;
    expect(Object.keys(b)).toEqual(["prod_data"]);
    expect(b).toEqual(a);
  });

  it("refuses two keys that map to the same address instead of silently dropping one", () => {
    const stack = newStack();
    new EncryptionKey(stack, "A", { ...BASE, name: "prod-data" });
    expect(() => new EncryptionKey(stack, "B", { ...BASE, name: "prod_data" })).toThrow(
      /^test\/B: name must give a Terraform address of its own: aws_kms_key\.prod_data is already used by test\/A \(got "prod_data"\)\. Fix: /,
    );
  });

  it("allows the same name in two different stacks, and an AWS_KMS and an EXTERNAL key of one name", () => {
    const app = Testing.app();
    const one = new TerraformStack(app, "one");
    const two = new TerraformStack(app, "two");
    expect(() => {
      new EncryptionKey(one, "Key", BASE);
      new EncryptionKey(two, "Key", BASE);
      new EncryptionKey(one, "Imported", { ...BASE, origin: "EXTERNAL" });
    }).not.toThrow();
  });
});

describe("EXTERNAL origin", () => {
  it("creates an aws_kms_external_key with no material and no rotation fields", () => {
    const stack = newStack();
    new EncryptionKey(stack, "Key", { ...BASE, origin: "EXTERNAL" });
    const json = synth(stack);
    expect(Object.keys(json.resource)).toEqual(["aws_kms_external_key"]);
    const key = keyResource(json, "prod_data", "aws_kms_external_key");
    expect(key).not.toHaveProperty("key_material_base64");
    expect(key).not.toHaveProperty("valid_to");
    expect(key).not.toHaveProperty("enable_key_rotation");
    expect(key).not.toHaveProperty("rotation_period_in_days");
    expect(key).not.toHaveProperty("customer_master_key_spec");
    // hashicorp/aws 5.x knows no key_spec and computes key_usage (setting it is an error there);
    // their defaults are the only values S3 accepts, so they are never written.
    expect(key).not.toHaveProperty("key_spec");
    expect(key).not.toHaveProperty("key_usage");
    expect(key.deletion_window_in_days).toBe(30);
    expect(key.multi_region).toBe(false);
  });

  it("passes key material and validTo through only when given (explicit opt-in)", () => {
    const stack = newStack();
    new EncryptionKey(stack, "Key", { ...BASE, origin: "EXTERNAL", keyMaterialBase64: MATERIAL_32, validTo: "2027-12-31T23:59:59Z" });
    const key = keyResource(synth(stack), "prod_data", "aws_kms_external_key");
    expect(key.key_material_base64).toBe(MATERIAL_32);
    expect(key.valid_to).toBe("2027-12-31T23:59:59Z");
  });

  it("accepts key material as a reference to a sensitive variable (not validated at synth, not inlined)", () => {
    const stack = newStack();
    const material = new TerraformVariable(stack, "key_material_base64", { type: "string", sensitive: true });
    new EncryptionKey(stack, "Key", { ...BASE, origin: "EXTERNAL", keyMaterialBase64: material.stringValue });
    const json = synth(stack);
    expect(keyResource(json, "prod_data", "aws_kms_external_key").key_material_base64).toBe("${var.key_material_base64}");
    expect(json.variable.key_material_base64.sensitive).toBe(true);
  });

  it("accepts RFC 3339 offsets", () => {
    const stack = newStack();
    expect(() => new EncryptionKey(stack, "Key", { ...BASE, origin: "EXTERNAL", validTo: "2027-12-31T23:59:59.5+01:00" })).not.toThrow();
  });

  it("gives administrators and the root the import actions, still without cryptographic actions", () => {
    const policy = policyOf({ origin: "EXTERNAL", administrators: [ADMIN] });
    for (const sid of ["KeyManagementByAccountRoot", "KeyAdministration"]) {
      const actions = asList(statement(policy, sid).Action);
      expect(actions).toEqual(expect.arrayContaining([...KEY_IMPORT_ACTIONS]));
      expect(cryptographicActionsIn(actions)).toEqual([]);
    }
  });

  it("is pinned too: references point at aws_kms_external_key.<name> wherever the construct sits", () => {
    const stack = newStack();
    const key = new EncryptionKey(new Construct(stack, "Deep"), "Key", { ...BASE, origin: "EXTERNAL" });
    new TerraformOutput(stack, "arn", { value: key.keyArn });
    const json = synth(stack);
    expect(Object.keys(json.resource.aws_kms_external_key)).toEqual(["prod_data"]);
    expect(json.output.arn.value).toBe("${aws_kms_external_key.prod_data.arn}");
  });
});

describe("key policy", () => {
  it("AWS_KMS keys do not give the import actions to anyone", () => {
    const policy = policyOf({ administrators: [ADMIN] });
    for (const s of policy.Statement) expect(asList(s.Action)).not.toContain("kms:ImportKeyMaterial");
  });

  it("allowRootFullAccess gives the root kms:* and replaces the management statement", () => {
    const policy = policyOf({ allowRootFullAccess: true });
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["EnableIamPolicies"]);
    expect(statement(policy, "EnableIamPolicies")).toEqual({
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: ROOT },
      Action: "kms:*",
      Resource: "*",
    });
  });

  it("rootManagement false leaves the root out when administrators remain", () => {
    const policy = policyOf({ rootManagement: false, administrators: [ADMIN] });
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["KeyAdministration"]);
    expect(JSON.stringify(policy)).not.toContain(":root");
  });

  it("administrators manage the key and get no cryptographic action", () => {
    const other = `arn:aws:iam::${ACCOUNT}:user/ops`;
    const policy = policyOf({ administrators: [other, ADMIN] });
    const admin = statement(policy, "KeyAdministration");
    expect(admin.Principal).toEqual({ AWS: [ADMIN, other] });
    expect(admin.Action).toEqual([...KEY_ADMIN_ACTIONS].sort());
    expect(cryptographicActionsIn(asList(admin.Action))).toEqual([]);
    // and no other statement grants them anything
    for (const s of policy.Statement.filter((x) => x.Sid !== "KeyAdministration")) expect(JSON.stringify(s.Principal)).not.toContain("key-admin");
  });

  it("users may Decrypt and GenerateDataKey through S3 in the key's region from the key's account only", () => {
    const policy = policyOf({ users: [APP] });
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["KeyManagementByAccountRoot", "KeyUseViaS3"]);
    expect(statement(policy, "KeyUseViaS3")).toEqual({
      Sid: "KeyUseViaS3",
      Effect: "Allow",
      Principal: { AWS: APP },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
    });
  });

  it("orders statements root, administrators, users, then added statements", () => {
    const extra: PolicyStatement = { Sid: "Extra", Effect: "Allow", Principal: { AWS: APP }, Action: "kms:DescribeKey", Resource: "*" };
    const policy = policyOf({ administrators: [ADMIN], users: [APP] }, (k) => k.addToResourcePolicy(extra));
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["KeyManagementByAccountRoot", "KeyAdministration", "KeyUseViaS3", "Extra"]);
  });

  it("scopeUseToBucket adds the encryption-context condition, even after construction (lazy policy)", () => {
    const stack = newStack();
    const key = new EncryptionKey(stack, "Key", { ...BASE, users: [APP] });
    const before = JSON.stringify(key.policyDocument());
    expect(before).not.toContain("kms:EncryptionContext");
    key.scopeUseToBucket("arn:aws:s3:::zeta-data");
    key.scopeUseToBucket("arn:aws:s3:::alpha-data");
    key.scopeUseToBucket("arn:aws:s3:::zeta-data"); // idempotent
    const use = statement(keyPolicy(synth(stack)), "KeyUseViaS3");
    expect(use.Condition).toEqual({
      StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
      StringLike: {
        "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::alpha-data", "arn:aws:s3:::alpha-data/*", "arn:aws:s3:::zeta-data", "arn:aws:s3:::zeta-data/*"],
      },
    });
  });

  it("scopeUseToBucket without users adds no statement", () => {
    const policy = policyOf({}, (k) => k.scopeUseToBucket("arn:aws:s3:::data"));
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["KeyManagementByAccountRoot"]);
  });

  it("addToResourcePolicy statements are rendered canonically at synth", () => {
    const policy = policyOf({}, (k) =>
      k.addToResourcePolicy({
        Sid: "ReplicationEncrypt",
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::210987654321:role/replication", "arn:aws:iam::210987654321:role/replication"] },
        Action: ["kms:GenerateDataKey", "kms:Encrypt"],
        Resource: "*",
      }),
    );
    expect(statement(policy, "ReplicationEncrypt")).toEqual({
      Sid: "ReplicationEncrypt",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::210987654321:role/replication" },
      Action: ["kms:Encrypt", "kms:GenerateDataKey"],
      Resource: "*",
    });
  });

  it("policyDocument() is the document rendered into the output", () => {
    const stack = newStack();
    const key = new EncryptionKey(stack, "Key", { ...BASE, administrators: [ADMIN], users: [APP] });
    key.scopeUseToBucket("arn:aws:s3:::data");
    const rendered = keyPolicy(synth(stack));
    expect(rendered.Statement.map((s) => s.Sid)).toEqual(key.policyDocument().Statement.map((s) => s.Sid));
  });

  it("a duplicate Sid from addToResourcePolicy fails the synth", () => {
    const stack = newStack();
    const key = new EncryptionKey(stack, "Key", { ...BASE, users: [APP] });
    key.addToResourcePolicy({ Sid: "KeyUseViaS3", Effect: "Allow", Principal: { AWS: APP }, Action: "kms:Encrypt", Resource: "*" });
    expect(() => Testing.synth(stack)).toThrow(/duplicate policy statement Sid "KeyUseViaS3"/);
  });

  it("renders the same bytes in two fresh apps (deterministic)", () => {
    const build = () => {
      const stack = newStack();
      const key = new EncryptionKey(new Construct(stack, "X"), "Key", { ...BASE, administrators: [ADMIN], users: [APP] });
      key.scopeUseToBucket("arn:aws:s3:::b");
      key.scopeUseToBucket("arn:aws:s3:::a");
      return Testing.synth(stack);
    };
    expect(build()).toBe(build());
  });
});

describe("validation errors", () => {
  /** Builds a key and returns the ConstructPropError it throws. */
  /** Props as an untyped (JavaScript, JSON) caller could pass them: the run-time checks are for them. */
  type UntypedProps = { readonly [K in keyof EncryptionKeyProps]?: unknown } & Record<string, unknown>;
  function errorOf(props: UntypedProps, parent?: (stack: TerraformStack) => Construct): ConstructPropError {
    const stack = newStack();
    try {
      new EncryptionKey(parent ? parent(stack) : stack, "Key", { ...BASE, ...props } as EncryptionKeyProps);
    } catch (e) {
      expect(e).toBeInstanceOf(ConstructPropError);
      return e as ConstructPropError;
    }
    throw new Error("expected a ConstructPropError, got none");
  }

  /** The message names the path, the prop, the rule, the value received and a fix. */
  function expectError(err: ConstructPropError, prop: string, rule: string | RegExp, got: string, path = "test/Key") {
    expect(err.constructPath).toBe(path);
    expect(err.prop).toBe(prop);
    expect(err.message.startsWith(`${path}: ${prop} `)).toBe(true);
    if (typeof rule === "string") expect(err.message).toContain(rule);
    else expect(err.message).toMatch(rule);
    expect(err.message).toContain(`(got ${got}). Fix: `);
    expect(err.message).toMatch(/Fix: \S.{5,}$/);
  }

  it.each([6, 31, 7.5, 0])("deletionWindowInDays %p", (days) => {
    expectError(errorOf({ deletionWindowInDays: days }), "deletionWindowInDays", "must be a whole number between 7 and 30 days", String(days));
  });

  it.each([89, 2561, 365.5])("rotationPeriodInDays %p", (days) => {
    expectError(errorOf({ rotationPeriodInDays: days }), "rotationPeriodInDays", "must be a whole number between 90 and 2560 days", String(days));
  });

  it.each(["RSA_2048", "HMAC_256", "ECC_NIST_P256"])("keySpec %s (S3 needs symmetric keys)", (spec) => {
    expectError(errorOf({ keySpec: spec }), "keySpec", "must be SYMMETRIC_DEFAULT: S3 SSE-KMS supports symmetric keys only", `"${spec}"`);
  });

  it("the types admit only what is valid: keySpec SYMMETRIC_DEFAULT, no enableKeyRotation option", () => {
    const stack = newStack();
    // @ts-expect-error S3 SSE-KMS takes symmetric keys only: keySpec is typed as the one value
    const rsa: EncryptionKeyProps = { ...BASE, keySpec: "RSA_2048" };
    // @ts-expect-error rotation is always on for AWS_KMS keys and never for EXTERNAL ones: there is no option
    const noRotation: EncryptionKeyProps = { ...BASE, enableKeyRotation: false };
    expect([rsa.keySpec, (noRotation as { enableKeyRotation?: boolean }).enableKeyRotation]).toEqual(["RSA_2048", false]);
    const key = new EncryptionKey(stack, "Key", { ...BASE, keySpec: "SYMMETRIC_DEFAULT" });
    expect(keyResource(synth(stack), "prod_data").enable_key_rotation).toBe(true);
    expect(key.origin).toBe("AWS_KMS");
  });

  it("keySpec is also checked for EXTERNAL keys", () => {
    expectError(errorOf({ origin: "EXTERNAL", keySpec: "RSA_4096" }), "keySpec", "must be SYMMETRIC_DEFAULT", '"RSA_4096"');
  });

  it("EXTERNAL + rotationPeriodInDays", () => {
    expectError(errorOf({ origin: "EXTERNAL", rotationPeriodInDays: 365 }), "rotationPeriodInDays", "does not apply to an EXTERNAL key", "365");
  });

  it("key material of 31 bytes, without echoing the material", () => {
    const material = Buffer.alloc(31, 9).toString("base64");
    const err = errorOf({ origin: "EXTERNAL", keyMaterialBase64: material });
    expectError(err, "keyMaterialBase64", "must be base64 of exactly 32 bytes", '"31 bytes"');
    expect(err.message).not.toContain(material);
  });

  it("key material in base64url (32 bytes for Node's lenient decoder, but not standard base64)", () => {
    const material = Buffer.alloc(32, 0xfb).toString("base64url");
    expect(material).toMatch(/[-_]/);
    expect(Buffer.from(material, "base64")).toHaveLength(32);
    expectError(errorOf({ origin: "EXTERNAL", keyMaterialBase64: material }), "keyMaterialBase64", "must be base64 of exactly 32 bytes", '"32 bytes"');
  });

  it.each(["not-a-date", "2027-12-31", "Dec 31 2027", "2027-12-31T23:59:59"])("validTo %p (not RFC 3339)", (validTo) => {
    expectError(errorOf({ origin: "EXTERNAL", validTo }), "validTo", "must be an RFC 3339 timestamp", `"${validTo}"`);
  });

  it("AWS_KMS + keyMaterialBase64, without echoing the material", () => {
    const err = errorOf({ keyMaterialBase64: MATERIAL_32 });
    expectError(err, "keyMaterialBase64/validTo", "apply only to EXTERNAL keys", '"(material)"');
    expect(err.message).not.toContain(MATERIAL_32);
  });

  it("AWS_KMS + validTo", () => {
    expectError(errorOf({ validTo: "2027-12-31T23:59:59Z" }), "keyMaterialBase64/validTo", "apply only to EXTERNAL keys", '"2027-12-31T23:59:59Z"');
  });

  it("lock-out: no administrators and rootManagement false", () => {
    expectError(errorOf({ rootManagement: false }), "administrators", "locked out forever", "[]");
    expectError(errorOf({ rootManagement: false, administrators: [] }), "administrators", "must name at least one principal able to manage the key", "[]");
  });

  it("no lock-out error when the root has full access", () => {
    const stack = newStack();
    expect(() => new EncryptionKey(stack, "Key", { ...BASE, rootManagement: false, allowRootFullAccess: true })).not.toThrow();
  });

  it("an administrator who is also a user", () => {
    expectError(
      errorOf({ administrators: [ADMIN], users: [APP, ADMIN] }),
      "users",
      "must not include a key administrator (separation of duties)",
      JSON.stringify([ADMIN]),
    );
  });

  it.each([
    ["administrators", "arn:aws:iam::123:role/admin"],
    ["administrators", "arn:aws:s3:::bucket"],
    ["administrators", "*"],
    ["users", "arn:aws:iam::123456789012:group/devs"],
    ["users", "123456789012"],
  ] as const)("a bad principal ARN in %s: %s", (prop, arn) => {
    expectError(errorOf({ [prop]: [arn] }), prop, "must be an IAM role, user or account-root ARN", JSON.stringify(arn));
  });

  it.each(["12345678901", "1234567890123", "12345678901a", ""])("account %p", (account) => {
    expectError(errorOf({ account }), "account", "must be an AWS account id: exactly 12 digits", JSON.stringify(account));
  });

  it.each(["eu-west-9", "eu-west-1a", "EU-WEST-1"])("unknown region %p", (region) => {
    expectError(errorOf({ region }), "region", "must be a known AWS region", JSON.stringify(region));
  });

  it("names the full construct path of a nested key", () => {
    const err = errorOf({ deletionWindowInDays: 3 }, (stack) => new Construct(new Construct(stack, "prod"), "data"));
    expectError(err, "deletionWindowInDays", "between 7 and 30", "3", "test/prod/data/Key");
  });
});

describe("KMS's 32 KB key-policy limit", () => {
  const synthWithBuckets = (count: number) => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "limit");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const key = new EncryptionKey(stack, "Key", {
      name: "data",
      account: "111111111111",
      region: "eu-west-1",
      users: ["arn:aws:iam::111111111111:role/app"],
      administrators: ["arn:aws:iam::111111111111:role/admin"],
    });
    // 63-character bucket names: S3's maximum, the worst case per bucket.
    for (let i = 0; i < count; i++) key.scopeUseToBucket(`arn:aws:s3:::${`b${i}-`.padEnd(63, "x")}`);
    return () => Testing.synth(stack, true); // with cdktf's construct validations, as app.synth() runs them
  };

  test("a policy under the limit synthesizes", () => {
    const json = JSON.parse(synthWithBuckets(150)()) as { resource: { aws_kms_key: { data: { policy: string } } } };
    expect(Buffer.byteLength(json.resource.aws_kms_key.data.policy)).toBeLessThanOrEqual(KEY_POLICY_MAX_BYTES);
  });

  test("a policy over the limit fails synth naming the key, its size and the fix", () => {
    expect(synthWithBuckets(300)).toThrow(
      /\[limit\/Key\] limit\/Key: policy must fit KMS's 32768-byte key-policy limit: it is \d+ bytes with 300 buckets scoped to the key and 2 named principals \(got "\d+ bytes"\)\. Fix: spread the buckets over several keys/,
    );
  });

  test("the limit is a construct validation: the policy itself still renders (no throw inside a token)", () => {
    const synthOver = synthWithBuckets(300);
    expect(synthOver).toThrow(/key-policy limit/);
    // Without validations (Testing.synth's default) the resolution itself does not throw.
    const app = Testing.app();
    const stack = new TerraformStack(app, "plain");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const key = new EncryptionKey(stack, "Key", { name: "data", account: "111111111111", region: "eu-west-1", users: ["arn:aws:iam::111111111111:role/app"] });
    for (let i = 0; i < 300; i++) key.scopeUseToBucket(`arn:aws:s3:::${`b${i}-`.padEnd(63, "x")}`);
    expect(key.node.validate()).toEqual([expect.stringContaining("plain/Key: policy must fit KMS's 32768-byte key-policy limit")]);
    expect(() => Testing.synth(stack)).not.toThrow();
  });
});

describe("ExistingKey (a key this stack does not own)", () => {
  const ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

  test("exposes the literal ARN and key id, writes no resource, and collects the hand-over statements", () => {
    const stack = newStack();
    const key = new ExistingKey(stack, "Key", { keyArn: ARN, account: ACCOUNT, region: "eu-west-1", users: [APP] });
    expect(key.keyArn).toBe(ARN);
    expect(key.keyId).toBe("1234abcd-12ab-34cd-56ef-1234567890ab");
    key.scopeUseToBucket("arn:aws:s3:::a-bucket");
    key.grantBucketAccess({ bucketArn: "arn:aws:s3:::a-bucket", readers: [`arn:aws:iam::${ACCOUNT}:role/r`] });
    key.grantBucketAccess({ bucketArn: "arn:aws:s3:::b-bucket" });
    expect(key.handoverStatements().map((s) => s.Sid)).toEqual(["KeyUseViaS3", "ReadViaS3ABucket"]);
    expect(synth(stack).resource).toBeUndefined();
  });

  test("EncryptionKey.fromKeyArn imports it as a KeyBase, with the same per-bucket grant checks as a created key", () => {
    const stack = newStack();
    const imported: IKey = EncryptionKey.fromKeyArn(stack, "Imported", ARN, { account: ACCOUNT, region: "eu-west-1" });
    expect(imported).toBeInstanceOf(ExistingKey);
    expect(imported).toBeInstanceOf(KeyBase);
    expect(imported.node.path).toBe("test/Imported");
    expect(imported.scope).toEqual({ partition: "aws", account: ACCOUNT, region: "eu-west-1", dnsSuffix: "amazonaws.com" });
    expect(() => imported.grantBucketAccess({ bucketArn: "arn:aws:s3:::a-bucket", writers: ["arn:aws:iam::999999999999:role/w"] })).toThrow(
      "test/Imported: writers of arn:aws:s3:::a-bucket must hold IAM role or user ARNs of the key's account 123456789012",
    );
    const created = new EncryptionKey(stack, "Created", { name: "data", account: ACCOUNT, region: "eu-west-1" });
    expect(created).toBeInstanceOf(KeyBase);
    expect(() => created.grantBucketAccess({ bucketArn: "arn:aws:s3:::a-bucket", writers: ["arn:aws:iam::999999999999:role/w"] })).toThrow(
      "test/Created: writers of arn:aws:s3:::a-bucket must hold IAM role or user ARNs of the key's account 123456789012",
    );
  });

  test("a created and an imported key turn the same grants into the same statements (one action table)", () => {
    const stack = newStack();
    const grants = [
      { bucketArn: "arn:aws:s3:::a-bucket", readers: [`arn:aws:iam::${ACCOUNT}:role/r`], writers: [`arn:aws:iam::${ACCOUNT}:role/w`] },
      { bucketArn: "arn:aws:s3:::b-bucket", readers: [`arn:aws:iam::${ACCOUNT}:role/r`] },
    ];
    const imported = EncryptionKey.fromKeyArn(stack, "Imported", ARN, { account: ACCOUNT, region: "eu-west-1" });
    const created = new EncryptionKey(stack, "Created", { name: "data", account: ACCOUNT, region: "eu-west-1" });
    for (const k of [imported, created]) for (const g of grants) k.grantBucketAccess(g);
    const perBucket = (statements: readonly PolicyStatement[]) => statements.filter((s) => /ViaS3/.test(s.Sid ?? ""));
    const fromCreated = perBucket(created.policyDocument().Statement).map(canonicalStatement);
    expect(fromCreated.map((s) => [s.Sid, s.Action])).toEqual([
      ["ReadViaS3ABucket", "kms:Decrypt"],
      ["WriteViaS3ABucket", ["kms:Decrypt", "kms:GenerateDataKey"]],
      ["ReadViaS3BBucket", "kms:Decrypt"],
    ]);
    expect(perBucket(imported.handoverStatements())).toEqual(fromCreated);
  });

  test.each([
    ["an alias ARN", `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/data`, /test\/Key: keyArn is an alias ARN: give the key ARN/],
    ["a bare key id", "1234abcd-12ab-34cd-56ef-1234567890ab", /test\/Key: keyArn must be a full KMS key ARN/],
    ["another account", ARN.replace(ACCOUNT, "999999999999"), /must be a key of the environment's account 123456789012 in eu-west-1/],
    ["another region", ARN.replace("eu-west-1", "us-east-1"), /not of account 123456789012 in us-east-1/],
  ])("refuses %s, naming the construct path and prop", (_what, keyArn, message) => {
    expect(() => new ExistingKey(newStack(), "Key", { keyArn, account: ACCOUNT, region: "eu-west-1" })).toThrow(message);
  });
});

describe("bucketAccessStatementsFor", () => {
  test("gives two buckets whose names map to the same Sid part distinct Sids", () => {
    const scope = { partition: "aws", account: ACCOUNT, region: "eu-west-1" };
    const r = [`arn:aws:iam::${ACCOUNT}:role/r`];
    const sids = bucketAccessStatementsFor(scope, [
      { bucketArn: "arn:aws:s3:::a-b", readers: r },
      { bucketArn: "arn:aws:s3:::a.b", readers: r },
    ]).map((s) => s.Sid);
    expect(sids).toEqual(["ReadViaS3AB", "ReadViaS3AB2"]);
  });
});
