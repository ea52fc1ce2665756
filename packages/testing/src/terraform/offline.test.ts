/**
 * The parts of the real-Terraform session that need no Terraform: mirror discovery, the override
 * and CLI configuration files, splitting a combined plan per module, and the prior state.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePlan } from "../plan/read";
import { PROVIDER_MIRROR_ENV, findProviderMirror, mirrorAwsVersions, terraformPlatform } from "./discover";
import { priorStateFromConfig, stateDocument } from "./prior-state";
import { cliConfiguration, modulePlan, offlineOverride, pinnedAwsVersion, terraformAvailability } from "./session";

const stack = (providers: unknown[]) =>
  JSON.stringify({
    terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } }, backend: { s3: { bucket: "b" } } },
    provider: { aws: providers },
  });

describe("mirror discovery", () => {
  const dir = mkdtempSync(join(tmpdir(), "sse-kms-mirror-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const v of ["6.25.0", "5.100.0"]) mkdirSync(join(dir, "registry.terraform.io/hashicorp/aws", v, terraformPlatform()), { recursive: true });
  mkdirSync(join(dir, "registry.terraform.io/hashicorp/aws/6.0.0/plan9_mips"), { recursive: true });

  test("lists the aws versions held for this platform, oldest first", () => {
    expect(mirrorAwsVersions(dir)).toEqual(["5.100.0", "6.25.0"]);
  });

  test("the environment variable names the mirror, even an empty one (reported, not replaced)", () => {
    expect(findProviderMirror({ [PROVIDER_MIRROR_ENV]: dir })).toEqual({ path: dir, awsVersions: ["5.100.0", "6.25.0"] });
    const empty = join(dir, "empty");
    expect(terraformAvailability({ [PROVIDER_MIRROR_ENV]: empty, SSE_KMS_TERRAFORM: process.execPath })).toEqual({
      available: false,
      reason: `${PROVIDER_MIRROR_ENV}=${empty} holds no hashicorp/aws provider for this platform`,
    });
  });

  test("without a terraform binary the tier says so", () => {
    expect(terraformAvailability({ PATH: dir, [PROVIDER_MIRROR_ENV]: dir })).toEqual({
      available: false,
      reason: "no terraform binary on PATH (or SSE_KMS_TERRAFORM)",
    });
  });
});

describe("offline override and CLI configuration", () => {
  test("every provider block (by alias) gets fake keys and the skip settings; no account pin; assume_role only where set", () => {
    const json = stack([
      { region: "us-east-1", allowed_account_ids: ["1"] },
      { alias: "destination", region: "us-west-2", assume_role: [{ role_arn: "arn:aws:iam::2:role/r" }] },
    ]);
    const o = JSON.parse(offlineOverride(json));
    expect(o.terraform).toEqual({ backend: { local: { path: "terraform.tfstate" } } });
    expect(o.provider.aws).toHaveLength(2);
    for (const p of o.provider.aws) {
      expect(p).toMatchObject({
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        allowed_account_ids: null,
      });
      expect(p.access_key).toMatch(/EXAMPLE$/);
    }
    expect(o.provider.aws[0]).not.toHaveProperty("assume_role");
    expect(o.provider.aws[1]).toMatchObject({ alias: "destination", assume_role: [{ role_arn: null }] });
    expect(pinnedAwsVersion(json)).toBe("5.100.0");
  });

  test("the CLI configuration installs from the mirror only", () => {
    expect(cliConfiguration("/m")).toBe('provider_installation {\n  filesystem_mirror {\n    path = "/m"\n  }\n  direct {\n    exclude = ["*/*/*"]\n  }\n}\n');
  });
});

const change = (address: string, actions: string[], extra: Record<string, unknown> = {}) => {
  const parts = address.split(".");
  const module = address.startsWith("module.") ? `module.${parts[1]}` : undefined;
  const local = module ? parts.slice(2) : parts;
  return {
    address,
    ...(module ? { module_address: module } : {}),
    mode: "managed",
    type: local[0],
    name: local[1],
    provider_name: "registry.terraform.io/hashicorp/aws",
    change: { actions, before: null, after: { description: "k" }, after_unknown: { arn: true, id: true, tags_all: true } },
    ...extra,
  };
};

describe("a combined plan, per module", () => {
  const plan = parsePlan({
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: [
      change("module.a.aws_kms_key.data", ["create"]),
      change("module.b.aws_kms_key.renamed", ["update"], { previous_address: "module.b.aws_kms_key.data" }),
      change("module.b.aws_s3_bucket.x", ["delete"]),
    ],
    configuration: { root_module: { module_calls: { a: { module: { resources: [{ address: "aws_kms_key.data" }] } } } } },
  });

  test("keeps only the module's changes, with addresses as in its own root", () => {
    const b = modulePlan(plan, "b");
    expect(b.resource_changes.map((rc) => [rc.address, rc.previous_address, rc.module_address])).toEqual([
      ["aws_kms_key.renamed", "aws_kms_key.data", undefined],
      ["aws_s3_bucket.x", undefined, undefined],
    ]);
    expect(modulePlan(plan, "a").configuration).toEqual({ root_module: { resources: [{ address: "aws_kms_key.data" }] } });
  });

  test("a prior state takes the configured literal values, no meta-arguments, and placeholders for the identifiers", () => {
    const previous = JSON.stringify({
      resource: {
        aws_kms_key: {
          data: { "//": { metadata: {} }, description: "k", deletion_window_in_days: 7, lifecycle: { prevent_destroy: true }, tags: { a: "b" } },
          other: { description: "o", provider: "aws.destination" },
        },
        aws_kms_alias: { data: { name: "alias/x", target_key_id: "${aws_kms_key.data.key_id}" } },
      },
    });
    const state = JSON.parse(stateDocument(priorStateFromConfig(previous, ["aws_kms_key.data"]), "1.11.4"));
    expect(state).toMatchObject({ version: 4, terraform_version: "1.11.4" });
    expect(state.resources).toEqual([
      {
        mode: "managed",
        type: "aws_kms_key",
        name: "data",
        provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              description: "k",
              deletion_window_in_days: 7,
              tags: { a: "b" },
              id: "aws_kms_key.data:id",
              arn: "aws_kms_key.data:arn",
              key_id: "aws_kms_key.data:key_id",
            },
          },
        ],
      },
    ]);
    const [withDefaults] = priorStateFromConfig(previous, ["aws_kms_key.data"], undefined, { aws_kms_key: { key_usage: "ENCRYPT_DECRYPT", description: "d" } });
    expect((withDefaults as { instances: Array<{ attributes: Record<string, unknown> }> }).instances[0]!.attributes).toMatchObject({
      key_usage: "ENCRYPT_DECRYPT",
      description: "k", // the configuration wins over a default
    });
    expect(priorStateFromConfig(previous, ["aws_kms_key.other"], "module.m")[0]).toMatchObject({
      module: "module.m",
      provider: 'module.m.provider["registry.terraform.io/hashicorp/aws"].destination',
    });
    expect(() => priorStateFromConfig(previous, ["aws_kms_key.gone"])).toThrow(
      /declares no aws_kms_key\.gone; it declares aws_kms_key\.data, aws_kms_key\.other/,
    );
    expect(() => priorStateFromConfig(previous, ["aws_kms_alias.data"])).toThrow(/aws_kms_alias\.data\.target_key_id is a reference/);
  });
});
