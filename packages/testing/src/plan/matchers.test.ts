import "./jest-setup";
import { toHavePlannedValue, toPlanCreate, toPlanNoDestroy } from "./matchers";
import { parsePlan } from "./read";
import { F, fixture } from "./test-support";

/** The failure message of a matcher call that must fail. */
function failure(assertion: () => void): string {
  try {
    assertion();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the assertion to fail, but it passed");
}

const SSE = "aws_s3_bucket_server_side_encryption_configuration";

describe("toPlanCreate", () => {
  const sseConfig = fixture(F.sseConfig);

  it("passes when a created change of the type contains the partial after", () => {
    expect(sseConfig).toPlanCreate(SSE, { rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: "aws:kms" }] }] });
    expect(sseConfig).toPlanCreate("aws_kms_key", { description: "This key is used to encrypt bucket objects", enable_key_rotation: false });
    expect(fixture(F.module)).toPlanCreate("aws_kms_key");
    expect(sseConfig).toPlanCreate("aws_s3_bucket", { force_destroy: false, bucket_prefix: null });
    expect(sseConfig).toPlanCreate("aws_kms_key", { description: expect.stringContaining("encrypt") });
  });

  it("names the address and the attribute that differs", () => {
    const msg = failure(() => expect(sseConfig).toPlanCreate(SSE, { rule: [{ bucket_key_enabled: true }] }));
    expect(msg).toBe(
      `expected the plan to create an ${SSE} with {"rule":[{"bucket_key_enabled":true}]}, but none of the 1 created ${SSE} matches: ` +
        `expected ${SSE}.bucket2: rule[0].bucket_key_enabled to be true, but the plan has null (plan: ${sseConfig.source})`,
    );
  });

  it("says when the expected value is unknown until apply, absent, or a list of another length", () => {
    const plan = fixture(F.inlineSse);
    const msg = failure(() =>
      expect(plan).toPlanCreate("aws_s3_bucket", {
        server_side_encryption_configuration: [
          { rule: [{ apply_server_side_encryption_by_default: [{ kms_master_key_id: "arn:aws:kms:eu-west-1:111122223333:key/x" }] }] },
        ],
      }),
    );
    expect(msg).toContain("but none of the 3 created aws_s3_bucket matches: ");
    expect(msg).toContain(
      'expected aws_s3_bucket.kms_encrypted: server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id to be "arn:aws:kms:eu-west-1:111122223333:key/x", but it is unknown until apply (after_unknown)',
    );
    expect(msg).toContain(
      'expected aws_s3_bucket.aes_encrypted: server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id to be "arn:aws:kms:eu-west-1:111122223333:key/x", but the plan has null',
    );
    expect(msg).toContain("expected aws_s3_bucket.unencrypted: server_side_encryption_configuration to have 1 element(s)");
    expect(msg).toContain("but the plan has 0: []");
  });

  it("reports a type that is absent, and changes of the type that are not creates", () => {
    const crud = fixture(F.crud);
    expect(failure(() => expect(crud).toPlanCreate("aws_kms_key"))).toBe(
      `expected the plan to create an aws_kms_key, but the plan has no aws_kms_key at all (its types: aws_s3_bucket) (plan: ${crud.source})`,
    );
    const msg = failure(() => expect(crud).toPlanCreate("aws_s3_bucket", { acl: "public-read" }));
    expect(msg).toContain('expected aws_s3_bucket.create_bucket: acl to be "public-read", but the plan has "private"');
    expect(msg).toContain(
      "; not created: delete aws_s3_bucket.delete_bucket (delete_because_no_resource_config), no-op aws_s3_bucket.noop_bucket, update aws_s3_bucket.update_bucket",
    );
    const oidc = fixture(F.oidc);
    expect(failure(() => expect(oidc).toPlanCreate("aws_iam_policy_document"))).toContain(
      'but it creates none; not created: read module.poc.data.aws_iam_policy_document.r4["p1"] (read_because_dependency_pending)',
    );
  });

  it("works negated", () => {
    expect(fixture(F.drift)).not.toPlanCreate("aws_s3_bucket");
    expect(sseConfig).not.toPlanCreate("aws_kms_key", { enable_key_rotation: true });
    expect(failure(() => expect(sseConfig).not.toPlanCreate("aws_s3_bucket"))).toBe(
      `expected the plan not to create an aws_s3_bucket, but it creates aws_s3_bucket.bucket1, aws_s3_bucket.bucket2 (plan: ${sseConfig.source})`,
    );
  });

  it("refuses a subject that is not a parsed plan", () => {
    expect(() => expect({ resource_changes: [] }).toPlanCreate("aws_kms_key")).toThrow(
      'toPlanCreate: expected a parsed plan (from readPlanFile or parsePlan), got {"resource_changes":[]}',
    );
    expect(() => toPlanCreate("plan.json", "aws_kms_key")).toThrow(TypeError);
  });
});

describe("toPlanNoDestroy", () => {
  it("passes for creates, no-ops and replaces of other types", () => {
    expect(fixture(F.sseConfig)).toPlanNoDestroy();
    expect(fixture(F.drift)).toPlanNoDestroy();
    expect(fixture(F.replace)).toPlanNoDestroy();
    expect(fixture(F.crud)).toPlanNoDestroy(["aws_kms_key"]);
  });

  it("fails on a bucket delete, naming it and the reason", () => {
    const crud = fixture(F.crud);
    expect(failure(() => expect(crud).toPlanNoDestroy())).toBe(
      "expected the plan not to delete or replace any aws_kms_key, aws_kms_external_key or aws_s3_bucket, " +
        `but it would delete aws_s3_bucket.delete_bucket (delete_because_no_resource_config) (plan: ${crud.source})`,
    );
  });

  it("fails on a replace in either order", () => {
    const replace = fixture(F.replace);
    expect(failure(() => expect(replace).toPlanNoDestroy(["null_resource"]))).toBe(
      "expected the plan not to delete or replace any null_resource, but it would replace (delete, then create) null_resource.example " +
        `(replace_because_tainted) (plan: ${replace.source})`,
    );
    const cbd = parsePlan(
      {
        format_version: "1.2",
        resource_changes: [
          {
            address: "aws_kms_key.k",
            mode: "managed",
            type: "aws_kms_key",
            name: "k",
            provider_name: "registry.terraform.io/hashicorp/aws",
            change: { actions: ["create", "delete"], before: { id: "1" }, after: {} },
            action_reason: "replace_because_cannot_update",
          },
          {
            address: "aws_kms_key.gone",
            mode: "managed",
            type: "aws_kms_key",
            name: "gone",
            provider_name: "registry.terraform.io/hashicorp/aws",
            change: { actions: ["forget"], before: { id: "2" }, after: null },
          },
        ],
      },
      "cbd.json",
    );
    expect(failure(() => expect(cbd).toPlanNoDestroy())).toContain(
      "but it would replace (create, then delete) aws_kms_key.k (replace_because_cannot_update) (plan: cbd.json)",
    );
    expect(failure(() => expect(cbd).toPlanNoDestroy())).not.toContain("aws_kms_key.gone");
  });

  it("works negated", () => {
    expect(fixture(F.crud)).not.toPlanNoDestroy();
    const sse = fixture(F.sseConfig);
    expect(failure(() => expect(sse).not.toPlanNoDestroy(["aws_kms_key"]))).toBe(
      `expected the plan to delete or replace some aws_kms_key, but it deletes or replaces none (create aws_kms_key.key) (plan: ${sse.source})`,
    );
    expect(() => toPlanNoDestroy(null)).toThrow("toPlanNoDestroy: expected a parsed plan");
  });
});

describe("toHavePlannedValue", () => {
  const sseConfig = fixture(F.sseConfig);

  it("passes on a deep-equal value, in the root module or a child module", () => {
    expect(sseConfig).toHavePlannedValue(`${SSE}.bucket2`, "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm", "aws:kms");
    expect(sseConfig).toHavePlannedValue(`${SSE}.bucket2`, ["rule", 0, "apply_server_side_encryption_by_default"], [{ sse_algorithm: "aws:kms" }]);
    expect(fixture(F.module)).toHavePlannedValue("module.project1.aws_kms_key.test", "description", "Test KMS Key with any tags");
    expect(fixture(F.terragoat)).toHavePlannedValue("aws_kms_alias.logs_key_alias", "name", expect.stringMatching(/^alias\//));
    expect(fixture(F.crud)).toHavePlannedValue("aws_s3_bucket.update_bucket", "acl", "public-read");
  });

  it("names the address, the attribute, the expected and the planned value", () => {
    const plan = parsePlan(
      {
        format_version: "1.2",
        resource_changes: [
          {
            address: `${SSE}.data`,
            mode: "managed",
            type: SSE,
            name: "data",
            provider_name: "registry.terraform.io/hashicorp/aws",
            change: {
              actions: ["create"],
              before: null,
              after: { rule: [{ bucket_key_enabled: false, apply_server_side_encryption_by_default: [{ sse_algorithm: "aws:kms" }] }] },
              after_unknown: { bucket: true, id: true },
            },
          },
        ],
      },
      "stacks/data/plan.json",
    );
    expect(failure(() => expect(plan).toHavePlannedValue(`${SSE}.data`, "rule[0].bucket_key_enabled", true))).toBe(
      `expected ${SSE}.data: rule[0].bucket_key_enabled to be true, but the plan has false (plan: stacks/data/plan.json)`,
    );
    expect(plan).toHavePlannedValue(`${SSE}.data`, "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm", "aws:kms");
  });

  it("says when the value is unknown until apply", () => {
    const plan = fixture(F.inlineSse);
    const path = "server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id";
    expect(failure(() => expect(plan).toHavePlannedValue("aws_s3_bucket.kms_encrypted", path, "arn:x"))).toBe(
      `expected aws_s3_bucket.kms_encrypted: ${path} to be "arn:x", but it is unknown until apply (after_unknown) (plan: ${plan.source})`,
    );
  });

  it("says when the value is absent, showing the deepest part that exists", () => {
    expect(failure(() => expect(sseConfig).toHavePlannedValue(`${SSE}.bucket2`, "rule[0].apply_server_side_encryption_by_default[0].missing", 1))).toBe(
      `expected ${SSE}.bucket2: rule[0].apply_server_side_encryption_by_default[0].missing to be 1, but the plan has no value there; ` +
        `rule[0].apply_server_side_encryption_by_default[0] is {"sse_algorithm":"aws:kms"} (plan: ${sseConfig.source})`,
    );
  });

  it("says when the address is not in the plan, or the resource is deleted", () => {
    const crud = fixture(F.crud);
    expect(failure(() => expect(crud).toHavePlannedValue("aws_s3_bucket.nope", "acl", "private"))).toBe(
      `expected aws_s3_bucket.nope: acl to be "private", but the plan has no resource change at aws_s3_bucket.nope ` +
        `(it has: aws_s3_bucket.create_bucket, aws_s3_bucket.delete_bucket, aws_s3_bucket.noop_bucket, aws_s3_bucket.update_bucket) (plan: ${crud.source})`,
    );
    expect(failure(() => expect(crud).toHavePlannedValue("aws_s3_bucket.delete_bucket", "acl", "private"))).toContain(
      "but aws_s3_bucket.delete_bucket is planned for delete: it has no after value",
    );
  });

  it("works negated", () => {
    expect(sseConfig).not.toHavePlannedValue(`${SSE}.bucket2`, "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm", "AES256");
    expect(failure(() => expect(sseConfig).not.toHavePlannedValue("aws_kms_key.key", "deletion_window_in_days", 10))).toBe(
      `expected aws_kms_key.key: deletion_window_in_days not to be 10, but the plan has 10 (plan: ${sseConfig.source})`,
    );
    expect(() => toHavePlannedValue(undefined, "a.b", "x", 1)).toThrow("toHavePlannedValue: expected a parsed plan");
  });
});
