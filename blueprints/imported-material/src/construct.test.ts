import { join } from "node:path";
import { type Json, configOf, fixtureEnvironments, parseFixture, synthBlueprint } from "@sse-kms/testing";
import { AnnotationMetadataEntryType } from "cdktf";
import { KEY_MATERIAL_VARIABLE } from "./construct";
import { blueprint } from "./blueprint";

type Env = Parameters<typeof synthBlueprint<typeof blueprint>>[1];

function build(env: Env) {
  const { json, stack } = synthBlueprint(blueprint, env);
  const warnings = stack.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === AnnotationMetadataEntryType.WARN)
    .map((m) => String(m.data));
  return { json, warnings, stack };
}

/** This blueprint's own fixture environments (fixtures/*.json). */
const FIXTURES = fixtureEnvironments(join(__dirname, "../fixtures"), blueprint);

describe.each(FIXTURES.map((e) => [e.name, e] as const))(`${blueprint.name} in fixture %s`, (_n, env) => {
  const { json, warnings } = build(env);
  const config = configOf(blueprint, env);
  const key: Json = json.resource.aws_kms_external_key[config.key.name];

  test("an EXTERNAL-origin symmetric key without material: it waits in PendingImport", () => {
    expect(json.resource.aws_kms_key).toBeUndefined();
    // Defaults (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT), and unknown to / computed by hashicorp/aws 5.x: never written.
    expect(key).not.toHaveProperty("key_spec");
    expect(key).not.toHaveProperty("key_usage");
    expect(key).not.toHaveProperty("key_material_base64");
    expect(key).not.toHaveProperty("valid_to");
    expect(key).not.toHaveProperty("enable_key_rotation");
    expect(key).not.toHaveProperty("rotation_period_in_days");
    expect(key.deletion_window_in_days).toBe(config.key.deletionWindowInDays);
    expect(json.variable).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  test("no key material anywhere in the synthesized output", () => {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/key_material/);
    // No 32-byte base64 literal (44 characters ending in '=') anywhere.
    expect(text.match(/"[A-Za-z0-9+/]{43}="/g)).toBeNull();
  });

  test("administrators may run the import ceremony but not use the key; users only via S3", () => {
    const policy = JSON.parse(key.policy) as Json;
    const admin = policy.Statement.find((s: Json) => s.Sid === "KeyAdministration");
    expect(admin.Action).toEqual(expect.arrayContaining(["kms:GetParametersForImport", "kms:ImportKeyMaterial", "kms:DeleteImportedKeyMaterial"]));
    expect(admin.Action).not.toEqual(expect.arrayContaining(["kms:Decrypt"]));
    const use = policy.Statement.find((s: Json) => s.Sid === "KeyUseViaS3");
    expect(use.Condition.StringEquals["kms:ViaService"]).toBe(`s3.${env.region}.amazonaws.com`);
  });

  test("buckets are encrypted with the external key, Bucket Key on", () => {
    for (const b of config.buckets) {
      const rule = json.resource.aws_s3_bucket_server_side_encryption_configuration[b.name.replace(/-/g, "_")].rule[0];
      expect(rule.apply_server_side_encryption_by_default.kms_master_key_id).toBe(`\${aws_kms_external_key.${config.key.name}.arn}`);
      expect(rule.bucket_key_enabled).toBe(true);
    }
  });

  test("the alias points at the external key", () => {
    const alias = Object.values(json.resource.aws_kms_alias as Json)[0] as Json;
    expect(alias).toMatchObject({ name: config.key.alias, target_key_id: `\${aws_kms_external_key.${config.key.name}.id}` });
  });
});

describe("opt-ins", () => {
  const base = JSON.parse(JSON.stringify(FIXTURES[0])) as Json;
  const withConfig = (change: (config: Json) => void) => {
    const raw = JSON.parse(JSON.stringify(base)) as Json;
    change(raw.blueprints[blueprint.name]);
    return parseFixture(blueprint, raw);
  };

  test("passing material through Terraform needs the flag, uses a sensitive variable, and warns naming the stack", () => {
    const env = withConfig((c) => (c.keyMaterial = { importThroughTerraform: true }));
    const { json, warnings } = build(env);
    expect(json.variable[KEY_MATERIAL_VARIABLE]).toMatchObject({ type: "string", sensitive: true, nullable: false });
    const key = Object.values(json.resource.aws_kms_external_key as Json)[0] as Json;
    expect(key.key_material_base64).toBe(`\${var.${KEY_MATERIAL_VARIABLE}}`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^${base.name}-${blueprint.name}: key material`));
    expect(warnings[0]).toMatch(/key material is passed through Terraform .* stored in Terraform state/);
  });

  test("expiring material needs an explicit date and is reported with the date and how to import it", () => {
    const validTo = "2027-06-30T00:00:00Z";
    const env = withConfig((c) => (c.keyMaterial = { validTo }));
    const { json, warnings } = build(env);
    const key = Object.values(json.resource.aws_kms_external_key as Json)[0] as Json;
    // Out-of-band import: the expiry belongs to the ceremony, not to the Terraform resource
    // (valid_to on a key in PendingImport would show a diff on every plan).
    expect(key).not.toHaveProperty("valid_to");
    expect(key).not.toHaveProperty("key_material_base64");
    expect(warnings).toEqual([expect.stringContaining(`expires at ${validTo} (import it with: sse-kms-key-material import --valid-to ${validTo})`)]);
  });

  test("with material through Terraform, the expiry is passed as valid_to", () => {
    const validTo = "2027-06-30T00:00:00Z";
    const env = withConfig((c) => (c.keyMaterial = { importThroughTerraform: true, validTo }));
    const { json, warnings } = build(env);
    const key = Object.values(json.resource.aws_kms_external_key as Json)[0] as Json;
    expect(key.valid_to).toBe(validTo);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toContain(`expires at ${validTo} (Terraform imports it with valid_to)`);
  });

  test("a rotation period is refused for imported material", () => {
    expect(() => withConfig((c) => (c.key.rotationPeriodInDays = 365))).toThrow(`blueprints.${blueprint.name}.key.rotationPeriodInDays: unknown field`);
  });
});
