import { join } from "node:path";
import { isExistingKey, providerKnows } from "@sse-kms/config";
import { KEY_CRYPTOGRAPHIC_ACTIONS, type PolicyDocument, actionMatches } from "@sse-kms/policy";
import { type Json, configOf, fixtureEnvironments, parseFixture, synthBlueprint } from "@sse-kms/testing";
import { blueprint } from "./blueprint";

/** This blueprint's own fixture environments (fixtures/*.json): local, s3 and cloud backends, production and not. */
const ENVIRONMENTS = fixtureEnvironments(join(__dirname, "../fixtures"), blueprint);

/** The configuration of a fixture that defines its key (every fixture of this folder does; existing keys: existing-key.test.ts). */
const ownedConfig = (env: Parameters<typeof configOf<typeof blueprint>>[1]) => {
  const c = configOf(blueprint, env);
  if (isExistingKey(c.key)) throw new Error(`fixture ${env.name}: expected a key definition`);
  return { ...c, key: c.key };
};

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);

test("the fixtures cover every backend type, production and not, and both enforcement modes", () => {
  expect(new Set(ENVIRONMENTS.map((e) => e.backend.type))).toEqual(new Set(["local", "s3", "cloud"]));
  expect(new Set(ENVIRONMENTS.map((e) => e.production))).toEqual(new Set([true, false]));
  expect(new Set(ENVIRONMENTS.flatMap((e) => configOf(blueprint, e).buckets.map((b) => b.requireEncryptionHeader)))).toEqual(new Set([true, false]));
});

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))(`${blueprint.name} in fixture %s`, (_name, env) => {
  const { json } = synthBlueprint(blueprint, env);
  const config = ownedConfig(env);
  const keys: Json = json.resource.aws_kms_key;
  const key: Json = keys[config.key.name];
  const keyPolicy = JSON.parse(key.policy) as PolicyDocument;
  const keyRef = `\${aws_kms_key.${config.key.name}.arn}`;

  test("one key at a pinned address, symmetric, rotating, with the configured deletion window", () => {
    expect(Object.keys(keys)).toEqual([config.key.name]);
    // Spec and usage are the provider defaults (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT): left out.
    expect(key).not.toHaveProperty("customer_master_key_spec");
    expect(key).not.toHaveProperty("key_usage");
    expect(key.enable_key_rotation).toBe(true);
    expect(key.rotation_period_in_days).toBe(config.key.rotationPeriodInDays);
    expect(key.deletion_window_in_days).toBe(config.key.deletionWindowInDays);
    expect(key.deletion_window_in_days).toBeGreaterThanOrEqual(7);
  });

  test("the alias points at the key", () => {
    const aliases = Object.values(json.resource.aws_kms_alias as Json);
    expect(aliases).toEqual([{ ...aliases[0], name: config.key.alias, target_key_id: `\${aws_kms_key.${config.key.name}.id}` }]);
  });

  test("administrators get no cryptographic action; users only Decrypt/GenerateDataKey via S3 in the key's region", () => {
    const admin = keyPolicy.Statement.find((s) => s.Sid === "KeyAdministration")!;
    expect(asList((admin.Principal as Json).AWS).sort()).toEqual([...config.key.administrators].sort());
    const adminActions = asList(admin.Action);
    for (const crypto of KEY_CRYPTOGRAPHIC_ACTIONS) expect(adminActions.filter((a) => actionMatches(a, crypto))).toEqual([]);
    const use = keyPolicy.Statement.find((s) => s.Sid === "KeyUseViaS3")!;
    expect(asList((use.Principal as Json).AWS).sort()).toEqual([...config.key.users].sort());
    expect(asList(use.Action)).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    expect(use.Condition?.StringEquals).toEqual({ "kms:CallerAccount": env.account, "kms:ViaService": `s3.${env.region}.amazonaws.com` });
    expect(asList(use.Condition?.StringLike?.["kms:EncryptionContext:aws:s3:arn"]).sort()).toEqual(
      config.buckets.flatMap((b) => [`arn:aws:s3:::${b.name}`, `arn:aws:s3:::${b.name}/*`]).sort(),
    );
  });

  test("the account root may manage the key but holds no cryptographic action (no kms:*)", () => {
    const rootStatements = keyPolicy.Statement.filter((s) => asList((s.Principal as Json)?.AWS).includes(`arn:aws:iam::${env.account}:root`));
    expect(rootStatements.map((s) => s.Sid)).toEqual(["KeyManagementByAccountRoot"]);
    const actions = rootStatements.flatMap((s) => asList(s.Action));
    expect(actions).toContain("kms:PutKeyPolicy");
    for (const crypto of KEY_CRYPTOGRAPHIC_ACTIONS) expect(actions.filter((a) => actionMatches(a, crypto))).toEqual([]);
  });

  test.each(config.buckets.map((b) => [b.name, b] as const))("bucket %s: SSE-KMS with the stack's key and a Bucket Key, SSE-C blocked", (name, bucket) => {
    const id = name.replace(/-/g, "_");
    expect(json.resource.aws_s3_bucket[id].bucket).toBe(name);
    const rule = json.resource.aws_s3_bucket_server_side_encryption_configuration[id].rule[0];
    expect(rule.apply_server_side_encryption_by_default).toEqual({ sse_algorithm: "aws:kms", kms_master_key_id: keyRef });
    expect(rule.bucket_key_enabled).toBe(true);
    // In the encryption configuration where the pinned provider knows it; the bucket policy denies SSE-C on every version.
    expect(rule.blocked_encryption_types).toEqual(
      providerKnows(env.awsProviderVersion, "aws_s3_bucket_server_side_encryption_configuration.rule.blocked_encryption_types") ? ["SSE-C"] : undefined,
    );
    expect(JSON.parse(json.resource.aws_s3_bucket_policy[id].policy).Statement.map((s: { Sid: string }) => s.Sid)).toContain("DenySseC");
    expect(json.resource.aws_s3_bucket_public_access_block[id]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(json.resource.aws_s3_bucket_ownership_controls[id].rule.object_ownership).toBe("BucketOwnerEnforced");
    expect(json.resource.aws_s3_bucket_versioning?.[id]?.versioning_configuration.status).toBe(bucket.versioning ? "Enabled" : undefined);

    const policy = JSON.parse(json.resource.aws_s3_bucket_policy[id].policy) as PolicyDocument;
    const bucketArn = `arn:aws:s3:::${name}`;
    const tls = policy.Statement.find((s) => s.Sid === "DenyInsecureTransport")!;
    expect(tls).toMatchObject({ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    expect(asList(tls.Resource).sort()).toEqual([bucketArn, `${bucketArn}/*`]);
    expect(policy.Statement.find((s) => s.Sid === "DenyOtherKmsKey")?.Condition?.StringNotEquals).toEqual({
      "s3:x-amz-server-side-encryption-aws-kms-key-id": keyRef,
    });
    expect(policy.Statement.some((s) => s.Sid === "DenyMissingEncryptionHeader")).toBe(bucket.requireEncryptionHeader);
  });

  test(`keys and buckets ${env.production ? "carry" : "do not carry"} prevent_destroy`, () => {
    expect(key.lifecycle?.prevent_destroy ?? false).toBe(env.production);
    for (const b of Object.values(json.resource.aws_s3_bucket as Json)) expect(b.lifecycle?.prevent_destroy ?? false).toBe(env.production);
  });

  test("the provider is pinned to the environment's account and region; the backend is explicit and relative", () => {
    expect(json.provider.aws).toEqual([expect.objectContaining({ region: env.region, allowed_account_ids: [env.account] })]);
    const stack = `${env.name}-${blueprint.name}`;
    const expected = {
      local: { backend: { local: { path: `../../../terraform-state/${stack}.tfstate` } } },
      s3: { backend: { s3: expect.objectContaining({ key: `sse-kms-blueprints/${stack}.tfstate`, use_lockfile: true, encrypt: true }) } },
      cloud: { cloud: expect.objectContaining({ workspaces: { name: `sse-kms-${stack}` } }) },
    }[env.backend.type];
    expect(json.terraform).toMatchObject(expected);
  });
});

describe("a renamed key (key.previousNames)", () => {
  const raw = JSON.parse(JSON.stringify(ENVIRONMENTS[0])) as Json;
  const rename = (names: string[]) => {
    const env = JSON.parse(JSON.stringify(raw)) as Json;
    env.blueprints[blueprint.name].key = { ...env.blueprints[blueprint.name].key, name: "records", previousNames: names };
    return parseFixture(blueprint, env);
  };

  test("each previous name becomes a moved block to the key's new address", () => {
    const { json } = synthBlueprint(blueprint, rename(["data", "legacy-data"]));
    expect(Object.keys(json.resource.aws_kms_key)).toEqual(["records"]);
    expect(json.moved).toEqual([
      { from: "aws_kms_key.data", to: "aws_kms_key.records" },
      { from: "aws_kms_key.legacy_data", to: "aws_kms_key.records" },
    ]);
  });

  test("no previous names: no moved block", () => {
    expect(synthBlueprint(blueprint, rename([])).json.moved).toBeUndefined();
  });

  test("the current name among the previous ones is refused, naming the field", () => {
    expect(() => rename(["records"])).toThrow(
      `blueprints.${blueprint.name}.key.previousNames: must not list the current name "records": list only the names the key had before`,
    );
  });
});
