import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { PlanFormatError } from "./errors";
import { parsePlan, readPlanFile } from "./read";
import { actionOf, countActions, findChange, findChanges, plannedResources } from "./query";
import { isSensitive, isUnknown, valueAt } from "./paths";
import { F, FIXTURES_DIR, fixture, fixtureNames } from "./test-support";

describe("the fixture directory", () => {
  it("is fixtures/terraform-plans inside this package (the repository stands alone)", () => {
    // packages/testing/src/plan -> packages/testing
    const packageRoot = path.resolve(__dirname, "../..");
    expect(existsSync(path.join(packageRoot, "package.json"))).toBe(true);
    expect(FIXTURES_DIR).toBe(path.join(packageRoot, "fixtures/terraform-plans"));
    expect(existsSync(path.join(FIXTURES_DIR, "SOURCES.md"))).toBe(true);
  });

  it("holds exactly the eight plans described in SOURCES.md, and every one is tested below", () => {
    expect(fixtureNames()).toEqual(Object.values(F).sort());
    const sources = readFileSync(path.join(FIXTURES_DIR, "SOURCES.md"), "utf8");
    for (const name of fixtureNames()) expect(sources).toContain(name);
  });
});

describe("readPlanFile on every fixture", () => {
  it.each([
    [F.terragoat, "0.1", "0.12.23", { create: 55 }],
    [F.inlineSse, "0.1", "0.13.5", { create: 4 }],
    [F.sseConfig, "1.0", "1.1.9", { create: 4 }],
    [F.module, "1.0", "1.1.6", { create: 2 }],
    [F.drift, "1.0", "1.1.9", { "no-op": 6 }],
    [F.crud, "1.1", "1.2.2", { create: 1, update: 1, delete: 1, "no-op": 1 }],
    [F.oidc, "1.2", "1.5.7", { create: 5, read: 4 }],
    [F.replace, "1.2", "1.15.0", { replace: 1 }],
  ])("%s: format %s, terraform %s, actions %j", (name, fv, tv, actions) => {
    const plan = fixture(name);
    expect(plan.source).toBe(path.join(FIXTURES_DIR, name));
    expect(plan.format_version).toBe(fv);
    expect(plan.terraform_version).toBe(tv);
    const counts = Object.fromEntries(Object.entries(countActions(plan)).filter(([, n]) => n > 0));
    expect(counts).toEqual(actions);
    // Every address is rebuilt from its parts, so module_address, mode, type, name and index are read right.
    for (const rc of plan.resource_changes) {
      const idx = rc.index === undefined ? "" : typeof rc.index === "number" ? `[${rc.index}]` : `[${JSON.stringify(rc.index)}]`;
      const prefix = rc.module_address ? `${rc.module_address}.` : "";
      expect(rc.address).toBe(`${prefix}${rc.mode === "data" ? "data." : ""}${rc.type}.${rc.name}${idx}`);
    }
    // planned_values lists every non-deleted resource change.
    const planned = new Set(plannedResources(plan).map((r) => r.address));
    for (const rc of plan.resource_changes) if (actionOf(rc) !== "delete") expect(planned).toContain(rc.address);
  });
});

describe("checkov terragoat (format 0.1, Terraform 0.12)", () => {
  const plan = fixture(F.terragoat);

  it("has the KMS key, alias, six buckets and three roles, with the short provider name", () => {
    expect(findChanges(plan, { type: "aws_kms_key" }).map((c) => c.address)).toEqual(["aws_kms_key.logs_key"]);
    expect(findChanges(plan, { type: "aws_kms_alias" }).map((c) => c.address)).toEqual(["aws_kms_alias.logs_key_alias"]);
    expect(findChanges(plan, { type: "aws_s3_bucket" })).toHaveLength(6);
    expect(findChanges(plan, { type: "aws_iam_role" })).toHaveLength(3);
    expect(findChange(plan, "aws_kms_key.logs_key")?.provider_name).toBe("aws");
  });

  it("keeps the count index of the neptune instance", () => {
    const rc = findChange(plan, "aws_neptune_cluster_instance.default[0]");
    expect(rc?.index).toBe(0);
    expect(rc?.name).toBe("default");
  });

  it("marks the logs bucket's KMS key id unknown, and has no sensitivity information (pre-0.15)", () => {
    const logs = findChange(plan, "aws_s3_bucket.logs")!;
    const kmsPath = "server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id";
    expect(valueAt(logs.change.after, "server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_by_default[0].sse_algorithm")).toBe(
      "aws:kms",
    );
    expect(isUnknown(logs, kmsPath)).toBe(true);
    expect(valueAt(logs.change.after, kmsPath)).toBeUndefined();
    expect(logs.change.after_sensitive).toBeUndefined();
    expect(logs.change.before_sensitive).toBeUndefined();
    expect(isUnknown(findChange(plan, "aws_kms_alias.logs_key_alias")!, "target_key_id")).toBe(true);
    expect(valueAt(findChange(plan, "aws_kms_alias.logs_key_alias")!.change.after, "name")).toBe("alias/123456789123-acme-corp-logs-bucket-key");
  });

  it("reads variables, output_changes and prior_state", () => {
    expect(Object.keys(plan.variables)).toHaveLength(10);
    expect(plan.variables.region).toEqual({ value: "us-west-2" });
    expect(Object.keys(plan.output_changes)).toHaveLength(10);
    expect(plan.output_changes.username).toMatchObject({ actions: ["create"], after: "123456789123-acme-corp-user", after_unknown: false });
    expect(plan.output_changes.vpc_id!.after_unknown).toBe(true);
    expect(plan.planned_values?.outputs.vpc_id).toEqual({ sensitive: false });
    expect(plan.prior_state?.format_version).toBe("0.1");
    expect(plan.prior_state?.values?.root_module.resources.map((r) => r.address)).toContain("data.aws_caller_identity.current");
  });
});

describe("regula inline SSE (format 0.1, Terraform 0.13)", () => {
  const plan = fixture(F.inlineSse);
  const kmsPath = "server_side_encryption_configuration[0].rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id";

  it("has the KMS key ARN unknown in the kms_encrypted bucket, known null in the AES one, and no SSE at all in the unencrypted one", () => {
    const kms = findChange(plan, "aws_s3_bucket.kms_encrypted")!;
    expect(isUnknown(kms, kmsPath)).toBe(true);
    expect(isUnknown(kms, ["server_side_encryption_configuration", 0, "rule", 0, "apply_server_side_encryption_by_default", 0, "kms_master_key_id"])).toBe(
      true,
    );
    expect(valueAt(kms.change.after, kmsPath)).toBeUndefined();
    expect(valueAt(kms.change.after, kmsPath.replace("kms_master_key_id", "sse_algorithm"))).toBe("aws:kms");

    const aes = findChange(plan, "aws_s3_bucket.aes_encrypted")!;
    expect(isUnknown(aes, kmsPath)).toBe(false);
    expect(valueAt(aes.change.after, kmsPath)).toBeNull();
    expect(valueAt(aes.change.after, kmsPath.replace("kms_master_key_id", "sse_algorithm"))).toBe("AES256");

    expect(valueAt(findChange(plan, "aws_s3_bucket.unencrypted")!.change.after, "server_side_encryption_configuration")).toEqual([]);
  });

  it("uses the full registry provider name and has no prior_state", () => {
    expect(new Set(plan.resource_changes.map((rc) => rc.provider_name))).toEqual(new Set(["registry.terraform.io/hashicorp/aws"]));
    expect(plan.prior_state).toBeUndefined();
    expect(isUnknown(findChange(plan, "aws_kms_key.key")!, "description")).toBe(true);
  });
});

describe("policy-engine standalone SSE configuration (format 1.0)", () => {
  const plan = fixture(F.sseConfig);

  it("has the aws:kms rule with an unknown key id, and sensitivity structures", () => {
    const sse = findChange(plan, "aws_s3_bucket_server_side_encryption_configuration.bucket2")!;
    expect(valueAt(sse.change.after, "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm")).toBe("aws:kms");
    expect(valueAt(sse.change.after, "rule[0].bucket_key_enabled")).toBeNull();
    expect(isUnknown(sse, "rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id")).toBe(true);
    expect(isUnknown(sse, "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm")).toBe(false);
    expect(isUnknown(sse, "bucket")).toBe(true);
    expect(sse.change.before_sensitive).toBe(false);
    expect(sse.change.after_sensitive).toEqual({ rule: [{ apply_server_side_encryption_by_default: [{}] }] });
    expect(isSensitive(sse, "rule[0].bucket_key_enabled")).toBe(false);
  });

  it("marks the key's computed attributes unknown", () => {
    const key = findChange(plan, "aws_kms_key.key")!;
    expect(key.change.after_unknown).toEqual({ arn: true, id: true, key_id: true, multi_region: true, policy: true, tags_all: true });
    expect(valueAt(key.change.after, "deletion_window_in_days")).toBe(10);
  });
});

describe("terraform-compliance KMS key in a module (format 1.0)", () => {
  const plan = fixture(F.module);

  it("has module_address on the key and a child module in planned_values", () => {
    const key = findChanges(plan, { type: "aws_kms_key" });
    expect(key.map((k) => [k.address, k.module_address])).toEqual([["module.project1.aws_kms_key.test", "module.project1"]]);
    expect(findChanges(plan, { module: null }).map((c) => c.address)).toEqual(["aws_s3_bucket.bucket"]);
    expect(findChanges(plan, { module: "module.project1" }).map((c) => c.address)).toEqual(["module.project1.aws_kms_key.test"]);
    expect(plan.planned_values?.root_module.child_modules.map((m) => m.address)).toEqual(["module.project1"]);
    expect(plannedResources(plan).map((r) => [r.address, r.module_address])).toEqual([
      ["aws_s3_bucket.bucket", undefined],
      ["module.project1.aws_kms_key.test", "module.project1"],
    ]);
    expect(key[0]!.change.after_unknown).toEqual({ arn: true, id: true, key_id: true, multi_region: true, policy: true, tags_all: true });
  });
});

describe("regula no-op plan with drift (format 1.0)", () => {
  const plan = fixture(F.drift);

  it("has six no-ops whose before equals after and whose after_unknown is empty", () => {
    expect(plan.resource_changes).toHaveLength(6);
    for (const rc of plan.resource_changes) {
      expect(actionOf(rc)).toBe("no-op");
      expect(rc.change.after).toEqual(rc.change.before);
      expect(rc.change.after_unknown).toEqual({});
    }
  });

  it("has four drift updates: tags, the bucket policy and logging changed outside Terraform", () => {
    const drift = findChanges(plan, { from: "drift" });
    expect(drift.map((d) => [d.address, actionOf(d)])).toEqual([
      ["aws_cloudtrail.cloudtrail", "update"],
      ["aws_s3_bucket.cloudtrail", "update"],
      ["aws_s3_bucket.logging", "update"],
      ["aws_s3_bucket_policy.cloudtrail", "update"],
    ]);
    const bucket = drift[1]!;
    expect(valueAt(bucket.change.before, "logging")).toEqual([]);
    expect(valueAt(bucket.change.after, "logging[0]")).toEqual({ target_bucket: "terraform-20220923125358270800000002", target_prefix: "log/" });
    expect(valueAt(bucket.change.before, "policy")).toBe("");
    expect(JSON.parse(valueAt(bucket.change.after, "policy") as string).Statement).toHaveLength(2);
    expect(valueAt(drift[0]!.change.before, "tags")).toBeNull();
    expect(valueAt(drift[0]!.change.after, "tags")).toEqual({});
  });

  it("has a prior_state in state format 1.0 that includes a data source", () => {
    expect(plan.prior_state?.format_version).toBe("1.0");
    const resources = plan.prior_state!.values!.root_module.resources;
    expect(resources.find((r) => r.address === "data.aws_caller_identity.current")?.mode).toBe("data");
  });
});

describe("policy-engine create/update/delete/no-op (format 1.1)", () => {
  const plan = fixture(F.crud);

  it("has one change per action with the expected values", () => {
    expect(findChanges(plan, { action: "create" }).map((c) => c.address)).toEqual(["aws_s3_bucket.create_bucket"]);
    const update = findChanges(plan, { action: "update" });
    expect(update.map((c) => c.address)).toEqual(["aws_s3_bucket.update_bucket"]);
    expect(valueAt(update[0]!.change.before, "acl")).toBe("private");
    expect(valueAt(update[0]!.change.after, "acl")).toBe("public-read");
    const del = findChange(plan, "aws_s3_bucket.delete_bucket")!;
    expect(actionOf(del)).toBe("delete");
    expect(del.action_reason).toBe("delete_because_no_resource_config");
    expect(del.change.after).toBeNull();
    expect(findChanges(plan, { action: ["delete", "no-op"] }).map((c) => c.address)).toEqual(["aws_s3_bucket.delete_bucket", "aws_s3_bucket.noop_bucket"]);
    expect(findChanges(plan, { from: "drift" }).map((c) => c.address)).toEqual(["aws_s3_bucket.noop_bucket"]);
  });
});

describe("checkov OIDC roles in a module (format 1.2)", () => {
  const plan = fixture(F.oidc);

  it("reads the data sources with read actions and reasons, and string for_each keys", () => {
    const reads = findChanges(plan, { action: "read" });
    expect(reads.map((r) => [r.address, r.mode, r.index, r.action_reason])).toEqual([
      ['module.poc.data.aws_iam_policy_document.r4["p1"]', "data", "p1", "read_because_dependency_pending"],
      ['module.poc.data.aws_iam_policy_document.r4["p2"]', "data", "p2", "read_because_dependency_pending"],
      ['module.poc.data.aws_iam_policy_document.r3["p1"]', "data", "p1", "read_because_config_unknown"],
      ['module.poc.data.aws_iam_policy_document.r3["p2"]', "data", "p2", "read_because_config_unknown"],
    ]);
    expect(findChanges(plan, { mode: "data" })).toEqual(reads);
    expect(findChanges(plan, { action: "create" }).every((c) => c.module_address === "module.poc" && c.mode === "managed")).toBe(true);
    expect(findChanges(plan, { address: /aws_iam_role\.r6/ })).toHaveLength(2);
  });

  it("has nested after_unknown with false placeholders in lists", () => {
    const doc = findChange(plan, 'module.poc.data.aws_iam_policy_document.r4["p1"]')!;
    expect(isUnknown(doc, "json")).toBe(true);
    expect(isUnknown(doc, "statement[0].principals[0].identifiers[0]")).toBe(false);
    expect(valueAt(doc.change.after_unknown, "statement[0].principals[0].identifiers")).toEqual([false]);
    expect(valueAt(doc.change.after, "statement[0].principals[0].identifiers[0]")).toBe("cognito-identity.amazonaws.com");
  });

  it("flattens planned_values of the child module (the root module has no resources)", () => {
    expect(plan.planned_values?.root_module.resources).toEqual([]);
    const planned = plannedResources(plan);
    expect(planned).toHaveLength(9);
    expect(new Set(planned.map((r) => r.module_address))).toEqual(new Set(["module.poc"]));
    expect(plan.timestamp).toBe("123");
    expect(plan.raw.relevant_attributes).toBeDefined();
  });
});

describe("terraform-json tainted replace (format 1.2)", () => {
  const plan = fixture(F.replace);

  it("is a replace in delete-then-create order because of the taint", () => {
    const rc = findChange(plan, "null_resource.example")!;
    expect(rc.change.actions).toEqual(["delete", "create"]);
    expect(actionOf(rc)).toBe("replace");
    expect(rc.action_reason).toBe("replace_because_tainted");
    expect(valueAt(rc.change.before, "id")).toBe("8868159889619753631");
    expect(isUnknown(rc, "id")).toBe(true);
    expect(valueAt(rc.change.after, "triggers.name")).toBe("demo");
    expect(plan.complete).toBe(true);
    expect(plan.prior_state?.values?.root_module.resources[0]?.tainted).toBe(true);
  });
});

describe("parsePlan on synthetic documents", () => {
  const change = (actions: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    address: "aws_kms_key.k",
    mode: "managed",
    type: "aws_kms_key",
    name: "k",
    provider_name: "registry.terraform.io/hashicorp/aws",
    change: { actions, before: { id: "1" }, after: { id: "1" }, after_unknown: {} },
    ...extra,
  });
  const doc = (fv: unknown, changes: unknown[] = [change(["create"])]): Record<string, unknown> => ({ format_version: fv, resource_changes: changes });

  it("accepts both replace orders, create-then-forget and forget, and tells them apart", () => {
    const plan = parsePlan(
      doc("1.2", [change(["delete", "create"]), change(["create", "delete"]), change(["create", "forget"]), change(["forget"])]),
      "replace.json",
    );
    expect(plan.resource_changes.map(actionOf)).toEqual(["replace", "replace", "replace", "forget"]);
  });

  it("accepts any minor of format 0 (except 0.0) and 1, including future 1.x", () => {
    for (const fv of ["0.1", "0.2", "1.0", "1.3", "1.10"]) expect(parsePlan(doc(fv), "x").format_version).toBe(fv);
  });

  it("accepts a plan with no resource_changes (nothing to do) and normalizes the lists", () => {
    const plan = parsePlan({ format_version: "1.2", planned_values: { root_module: {} } }, "empty.json");
    expect(plan.resource_changes).toEqual([]);
    expect(plan.resource_drift).toEqual([]);
    expect(plan.output_changes).toEqual({});
    expect(plan.planned_values?.root_module).toEqual({ resources: [], child_modules: [] });
  });

  it("keeps unknown top-level keys in raw and parses JSON text", () => {
    const plan = parsePlan(JSON.stringify({ ...doc("1.2"), checks: [{ address: {} }] }), "text.json");
    expect(plan.raw.checks).toEqual([{ address: {} }]);
    expect(plan.resource_changes[0]!.address).toBe("aws_kms_key.k");
  });
});

describe("malformed plans raise PlanFormatError naming the file and the problem", () => {
  const rc = (changeValue: unknown): Record<string, unknown> => ({
    address: "aws_s3_bucket.b",
    mode: "managed",
    type: "aws_s3_bucket",
    name: "b",
    provider_name: "aws",
    change: changeValue,
  });
  const cases: [string, unknown, RegExp][] = [
    ["not JSON", "{ this is not json", /^bad\.json: not valid JSON: /],
    ["an array", "[]", /^bad\.json: not a JSON object \(got an array\)/],
    ["a string value", '"plan"', /^bad\.json: not a JSON object \(got a string\)/],
    ["null", "null", /^bad\.json: not a JSON object \(got null\)/],
    ["no format_version", { resource_changes: [] }, /^bad\.json: missing format_version; expected the output of terraform show -json/],
    ["a cdk.tf.json", { resource: {}, terraform: {} }, /^bad\.json: missing format_version: this looks like Terraform configuration/],
    ["a numeric format_version", { format_version: 1.2, resource_changes: [] }, /^bad\.json: format_version must be a string like "1\.2", got 1\.2$/],
    ["a malformed format_version", { format_version: "1", resource_changes: [] }, /^bad\.json: malformed format_version "1"/],
    ["format 2.0", { format_version: "2.0", resource_changes: [] }, /^bad\.json: unsupported format_version "2\.0"/],
    ["format 0.0", { format_version: "0.0", resource_changes: [] }, /^bad\.json: unsupported format_version "0\.0"/],
    [
      "a state document",
      { format_version: "1.0", values: { root_module: {} } },
      /^bad\.json: a state document \(terraform show -json without a plan file\), not a plan/,
    ],
    ["neither section", { format_version: "1.0" }, /^bad\.json: not a plan: it has neither "planned_values" nor "resource_changes"$/],
    ["resource_changes not an array", { format_version: "1.2", resource_changes: {} }, /^bad\.json: resource_changes must be an array, got \{\}$/],
    ["a change that is not an object", { format_version: "1.2", resource_changes: [42] }, /^bad\.json: resource_changes\[0\] must be an object, got 42$/],
    [
      "a change without actions",
      { format_version: "1.2", resource_changes: [rc({ before: null, after: {} })] },
      /^bad\.json: resource_changes\[0\] \(aws_s3_bucket\.b\)\.change\.actions must be an array of action strings, got undefined$/,
    ],
    [
      "actions as a string",
      { format_version: "1.2", resource_changes: [rc({ actions: "create" })] },
      /^bad\.json: resource_changes\[0\] \(aws_s3_bucket\.b\)\.change\.actions must be an array of action strings, got "create"$/,
    ],
    ["empty actions", { format_version: "1.2", resource_changes: [rc({ actions: [] })] }, /\(aws_s3_bucket\.b\)\.change\.actions is empty$/],
    [
      "an unknown action",
      { format_version: "1.2", resource_changes: [rc({ actions: ["destroy"] })] },
      /\(aws_s3_bucket\.b\)\.change\.actions\[0\] is an unknown action "destroy" \(known: no-op, create, read, update, delete, forget\)$/,
    ],
    [
      "an unsupported action pair",
      { format_version: "1.2", resource_changes: [rc({ actions: ["update", "create"] })] },
      /\.change\.actions is an unsupported action combination \["update","create"\]/,
    ],
    [
      "a bad mode",
      { format_version: "1.2", resource_changes: [{ ...rc({ actions: ["create"] }), mode: "resource" }] },
      /\(aws_s3_bucket\.b\)\.mode must be "managed" or "data", got "resource"$/,
    ],
    [
      "a change without address",
      { format_version: "1.2", resource_changes: [{ type: "x" }] },
      /resource_changes\[0\]\.address must be a string, got undefined$/,
    ],
    [
      "a bad drift entry",
      { format_version: "1.2", resource_changes: [], resource_drift: [rc({ actions: ["create", "update"] })] },
      /^bad\.json: resource_drift\[0\] \(aws_s3_bucket\.b\)\.change\.actions is an unsupported action combination/,
    ],
    [
      "a planned resource without values object",
      {
        format_version: "1.2",
        planned_values: {
          root_module: {
            child_modules: [{ address: "module.m", resources: [{ address: "a.b", mode: "managed", type: "a", name: "b", provider_name: "p", values: [] }] }],
          },
        },
      },
      /^bad\.json: planned_values\.root_module\.child_modules\[0\] \(module\.m\)\.resources\[0\] \(a\.b\)\.values must be an object, got \[\]$/,
    ],
    [
      "a bad output change",
      { format_version: "1.2", resource_changes: [], output_changes: { o: { actions: ["nope"] } } },
      /^bad\.json: output_changes\.o\.actions\[0\] is an unknown action "nope"/,
    ],
  ];

  it.each(cases)("rejects %s", (_label, input, message) => {
    let error: unknown;
    try {
      parsePlan(input, "bad.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanFormatError);
    expect((error as PlanFormatError).message).toMatch(message);
    expect((error as PlanFormatError).file).toBe("bad.json");
  });

  it("names the real path when reading a file", () => {
    const file = path.join(FIXTURES_DIR, "SOURCES.md");
    expect(() => readPlanFile(file)).toThrow(PlanFormatError);
    expect(() => readPlanFile(file)).toThrow(`${file}: not valid JSON`);
  });
});
