import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { type JsonObject } from "./json";
import { PREDICTED_BY, PREDICTION_CAVEATS, predictPlan, predictPlanDocument, writePredictedPlan } from "./predict";
import { parsePlan } from "./read";
import { actionOf, findChange, plannedResources } from "./query";
import { isUnknown, valueAt } from "./paths";
import { F, fixture } from "./test-support";

/** A KMS key, an encrypted, versioned bucket and an alias: the shape of this repository's blueprints. */
function dataStack(): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, "data-stack");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const key = new KmsKey(stack, "key", {
    description: "data key",
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    tags: { team: "storage" },
    lifecycle: { preventDestroy: true },
  });
  const bucket = new S3Bucket(stack, "data", { bucket: "acme-data", dependsOn: [key] });
  new S3BucketVersioningA(stack, "versioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
  new S3BucketServerSideEncryptionConfigurationA(stack, "sse", {
    bucket: bucket.bucket,
    rule: [{ bucketKeyEnabled: true, applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn } }],
  });
  new KmsAlias(stack, "alias", { name: "alias/data", targetKeyId: key.keyId });
  new TerraformOutput(stack, "key_arn", { value: key.arn });
  new TerraformOutput(stack, "region", { value: "eu-west-1" });
  return stack;
}

/** A minimal cdk.tf.json around some resources. */
function config(resource: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { terraform: { required_providers: { aws: { source: "aws", version: "6.25.0" } } }, resource, ...extra };
}

describe("predictPlan on a cdktf stack", () => {
  const stack = dataStack();
  const plan = predictPlan(stack);

  it("is labelled as a prediction in Terraform's plan format 1.2", () => {
    expect(plan.format_version).toBe("1.2");
    expect(plan.terraform_version).toBe("predicted");
    expect(plan.predicted_by).toBe(PREDICTED_BY);
    expect(plan.predicted_by).toBe("@sse-kms/testing predictPlan");
    expect(plan.prediction_notes).toEqual(PREDICTION_CAVEATS);
    expect(plan.source).toBe("predicted plan of stack data-stack");
  });

  it("creates one entry per resource, from an empty state, with the registry provider name", () => {
    expect(plan.resource_changes.map((c) => c.address)).toEqual([
      "aws_kms_alias.alias",
      "aws_kms_key.key",
      "aws_s3_bucket.data",
      "aws_s3_bucket_server_side_encryption_configuration.sse",
      "aws_s3_bucket_versioning.versioning",
    ]);
    for (const rc of plan.resource_changes) {
      expect(rc.change.actions).toEqual(["create"]);
      expect(rc.change.before).toBeNull();
      expect(rc.mode).toBe("managed");
      expect(rc.provider_name).toBe("registry.terraform.io/hashicorp/aws");
      expect(rc.index).toBeUndefined();
    }
  });

  it("puts configured literals in after and marks the key's computed attributes unknown", () => {
    const key = findChange(plan, "aws_kms_key.key")!;
    expect(key.change.after).toEqual({ deletion_window_in_days: 30, description: "data key", enable_key_rotation: true, tags: { team: "storage" } });
    // A known map shows as {} in after_unknown, as Terraform writes it (see `triggers: {}` in the terraform-json fixture).
    expect(key.change.after_unknown).toEqual({ arn: true, id: true, key_id: true, multi_region: true, policy: true, tags: {}, tags_all: true });
    // The same computed set a real Terraform plan shows for a key without policy (that key has tags = null).
    expect(key.change.after_unknown).toEqual({ ...(findChange(fixture(F.sseConfig), "aws_kms_key.key")!.change.after_unknown as object), tags: {} });
    expect(findChange(fixture(F.replace), "null_resource.example")!.change.after_unknown).toEqual({ id: true, triggers: {} });
    const bucket = findChange(plan, "aws_s3_bucket.data")!;
    expect(valueAt(bucket.change.after, "bucket")).toBe("acme-data");
    expect(isUnknown(bucket, "bucket")).toBe(false);
    expect(isUnknown(bucket, "arn")).toBe(true);
    expect(isUnknown(bucket, "bucket_domain_name")).toBe(true);
  });

  it("normalizes blocks to lists and removes references from after, exactly as Terraform shows the SSE configuration", () => {
    const sse = findChange(plan, "aws_s3_bucket_server_side_encryption_configuration.sse")!;
    expect(sse.change.after).toEqual({
      rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: "aws:kms" }], bucket_key_enabled: true }],
    });
    expect(sse.change.after_unknown).toEqual({
      bucket: true,
      id: true,
      rule: [{ apply_server_side_encryption_by_default: [{ kms_master_key_id: true }] }],
    });
    // A real plan of the same situation (standalone SSE resource, key ARN from a new key) has the same after_unknown.
    expect(sse.change.after_unknown).toEqual(
      findChange(fixture(F.sseConfig), "aws_s3_bucket_server_side_encryption_configuration.bucket2")!.change.after_unknown,
    );
    expect(findChange(plan, "aws_s3_bucket_versioning.versioning")!.change.after).toEqual({ versioning_configuration: [{ status: "Enabled" }] });
  });

  it("keeps meta-arguments, references and expressions in the predicted side field, not in after", () => {
    const key = findChange(plan, "aws_kms_key.key")!;
    expect(key.predicted?.lifecycle).toEqual({ prevent_destroy: true });
    expect(key.predicted?.construct_path).toBe("data-stack/key");
    expect(key.change.after).not.toHaveProperty("lifecycle");
    const bucket = findChange(plan, "aws_s3_bucket.data")!;
    expect(bucket.predicted?.depends_on).toEqual(["aws_kms_key.key"]);
    expect(bucket.change.after).not.toHaveProperty("depends_on");
    const sse = findChange(plan, "aws_s3_bucket_server_side_encryption_configuration.sse")!;
    expect(sse.predicted?.references).toEqual(["aws_kms_key.key", "aws_s3_bucket.data"]);
    expect(sse.predicted?.expressions).toEqual({
      bucket: "${aws_s3_bucket.data.bucket}",
      "rule[0].apply_server_side_encryption_by_default[0].kms_master_key_id": "${aws_kms_key.key.arn}",
    });
    expect(sse.predicted?.depends_on).toBeUndefined();
  });

  it("predicts output changes", () => {
    // Terraform omits `after` of an unknown output; the reader normalizes the absent value to null.
    expect(predictPlanDocument(stack).output_changes).toHaveProperty("key_arn", {
      actions: ["create"],
      before: null,
      after_unknown: true,
      before_sensitive: false,
      after_sensitive: false,
    });
    expect(plan.output_changes.key_arn).toEqual({ actions: ["create"], before: null, after: null, after_unknown: true, before_sensitive: false, after_sensitive: false });
    expect(plan.output_changes.region).toMatchObject({ after: "eu-west-1", after_unknown: false });
    expect(plan.planned_values?.outputs).toEqual({ key_arn: { sensitive: false }, region: { sensitive: false, value: "eu-west-1" } });
  });

  it("has planned_values consistent with resource_changes", () => {
    expect(plannedResources(plan).map((r) => [r.address, r.values])).toEqual(plan.resource_changes.map((c) => [c.address, c.change.after]));
  });

  it("round-trips through the reader, and gives the same plan for the stack, its JSON text and its parsed JSON", () => {
    const doc = predictPlanDocument(stack);
    const reparsed = parsePlan(JSON.stringify(doc), "round-trip");
    expect({ ...reparsed, source: plan.source }).toEqual(plan);
    expect(reparsed.raw).toEqual(doc);
    // Testing.synth drops cdktf's "//" metadata, so only the stack input knows construct paths.
    const withoutPaths = JSON.parse(JSON.stringify(doc, (k, v: unknown) => (k === "construct_path" ? undefined : v))) as JsonObject;
    expect(withoutPaths).not.toEqual(doc);
    const synthesized = Testing.synth(stack);
    expect(predictPlanDocument(synthesized)).toEqual(withoutPaths);
    expect(predictPlanDocument(JSON.parse(synthesized) as JsonObject)).toEqual(withoutPaths);
  });
});

describe("predictPlan on cdk.tf.json", () => {
  it("expands a literal count, substituting count.index", () => {
    const plan = predictPlan(config({ aws_s3_bucket: { logs: { count: 3, bucket: "logs-${count.index}", force_destroy: "${count.index}" } } }));
    expect(plan.resource_changes.map((c) => [c.address, c.index])).toEqual([
      ["aws_s3_bucket.logs[0]", 0],
      ["aws_s3_bucket.logs[1]", 1],
      ["aws_s3_bucket.logs[2]", 2],
    ]);
    expect(plan.resource_changes.map((c) => valueAt(c.change.after, "bucket"))).toEqual(["logs-0", "logs-1", "logs-2"]);
    expect(valueAt(plan.resource_changes[2]!.change.after, "force_destroy")).toBe(2);
    expect(plan.resource_changes[0]!.change.after).not.toHaveProperty("count");
  });

  it("orders count instances numerically", () => {
    const plan = predictPlan(config({ aws_kms_key: { k: { count: 11 } } }));
    expect(plan.resource_changes.slice(9).map((c) => c.address)).toEqual(["aws_kms_key.k[9]", "aws_kms_key.k[10]"]);
  });

  it("plans nothing for count 0, and says so", () => {
    const plan = predictPlan(config({ aws_kms_key: { none: { count: 0 } } }));
    expect(plan.resource_changes).toEqual([]);
    expect(plan.prediction_notes).toContain("aws_kms_key.none has count = 0: no instance is planned");
  });

  it("predicts one entry and a note for a count or for_each that is not a literal", () => {
    const plan = predictPlan(
      config({ aws_kms_key: { a: { count: "${var.n}" }, b: { for_each: "${toset(var.names)}", description: "${each.key}" }, c: { for_each: ["x"] } } }),
    );
    expect(plan.resource_changes.map((c) => [c.address, c.index])).toEqual([
      ["aws_kms_key.a", undefined],
      ["aws_kms_key.b", undefined],
      ["aws_kms_key.c", undefined],
    ]);
    expect(plan.resource_changes[0]!.predicted?.notes).toEqual(['count is not a literal whole number ("${var.n}"); predicted one instance without index']);
    expect(plan.resource_changes[1]!.predicted?.notes[0]).toMatch(/^for_each is not a literal map/);
    expect(isUnknown(plan.resource_changes[1]!, "description")).toBe(true);
    expect(plan.resource_changes[2]!.predicted?.notes[0]).toMatch(/for_each is a list literal, which Terraform rejects/);
  });

  it("expands a literal for_each map with each.key and each.value", () => {
    const plan = predictPlan(config({ aws_kms_alias: { a: { for_each: { prod: "alias/prod", dev: "alias/dev" }, name: "${each.value}", target_key_id: "${aws_kms_key.k[each.key].key_id}" } } }));
    expect(plan.resource_changes.map((c) => [c.address, c.index, valueAt(c.change.after, "name")])).toEqual([
      ['aws_kms_alias.a["dev"]', "dev", "alias/dev"],
      ['aws_kms_alias.a["prod"]', "prod", "alias/prod"],
    ]);
    expect(isUnknown(plan.resource_changes[0]!, "target_key_id")).toBe(true);
    expect(plan.resource_changes[0]!.predicted?.references).toEqual(["aws_kms_key.k"]);
  });

  it("keeps maps and timeouts as objects, and nested blocks as lists", () => {
    const plan = predictPlan(
      config({
        aws_s3_bucket_lifecycle_configuration: {
          lc: {
            bucket: "b",
            rule: [{ id: "r", status: "Enabled", filter: { and: { prefix: "logs/", tags: { a: "1" } } }, expiration: { days: 30 } }],
            timeouts: { create: "5m" },
          },
        },
      }),
    );
    expect(plan.resource_changes[0]!.change.after).toEqual({
      bucket: "b",
      rule: [{ expiration: [{ days: 30 }], filter: [{ and: [{ prefix: "logs/", tags: { a: "1" } }] }], id: "r", status: "Enabled" }],
      timeouts: { create: "5m" },
    });
  });

  it("treats extra map attributes given in options as maps", () => {
    const cfg = config({ null_resource: { n: { triggers: { a: "1" } } }, x_thing: { t: { labels: { k: "v" } } } });
    expect(predictPlan(cfg).resource_changes[1]!.change.after).toEqual({ labels: [{ k: "v" }] });
    expect(predictPlan(cfg, { mapAttributes: ["labels"] }).resource_changes[1]!.change.after).toEqual({ labels: { k: "v" } });
    expect(predictPlan(cfg).resource_changes[0]!.change.after).toEqual({ triggers: { a: "1" } });
    expect(predictPlan(cfg).resource_changes[0]!.provider_name).toBe("registry.terraform.io/hashicorp/null");
  });

  it("keeps unknown list items as null with false placeholders, honours $${ escapes, and treats %{ directives as unknown", () => {
    const plan = predictPlan(
      config({
        aws_iam_role_policy: {
          p: {
            role: "r",
            policy: "literal $${aws:username} text",
            name: "%{ if true }x%{ endif }",
            tags_like: ["${aws_s3_bucket.b.arn}/*", "arn:aws:s3:::x"],
          },
        },
      }),
    );
    const rc = plan.resource_changes[0]!;
    expect(rc.change.after).toEqual({ policy: "literal ${aws:username} text", role: "r", tags_like: [null, "arn:aws:s3:::x"] });
    expect(rc.change.after_unknown).toEqual({ id: true, name: true, name_prefix: true, tags_like: [true, false] });
    expect(rc.predicted?.expressions).toEqual({ name: "%{ if true }x%{ endif }", "tags_like[0]": "${aws_s3_bucket.b.arn}/*" });
    expect(rc.predicted?.references).toEqual(["aws_s3_bucket.b"]);
  });

  it("leaves meta-arguments and comments out of after; keeps provider alias aside; marks dynamic blocks unknown", () => {
    const plan = predictPlan(
      config(
        {
          aws_s3_bucket: {
            b: {
              "//": { metadata: { path: "stack/b", uniqueId: "b" } },
              bucket: "b",
              provider: "aws.west",
              depends_on: ["aws_kms_key.k"],
              lifecycle: { prevent_destroy: true, ignore_changes: ["tags"] },
              provisioner: [{ "local-exec": { command: "echo" } }],
              connection: { host: "h" },
              dynamic: { cors_rule: { for_each: "${var.rules}", content: { allowed_methods: ["GET"] } } },
            },
          },
        },
        { module: { vpc: { source: "./vpc" } } },
      ),
    );
    const rc = plan.resource_changes[0]!;
    expect(Object.keys(rc.change.after as object)).toEqual(["bucket"]);
    expect(rc.provider_name).toBe("registry.terraform.io/hashicorp/aws");
    expect(rc.predicted).toEqual({
      depends_on: ["aws_kms_key.k"],
      lifecycle: { prevent_destroy: true, ignore_changes: ["tags"] },
      provider: "aws.west",
      construct_path: "stack/b",
      references: [],
      expressions: { cors_rule: 'dynamic "cors_rule" block' },
      notes: ['dynamic block "cors_rule" is not expanded: its content is unknown in this prediction', "provisioners and connection are not part of a plan and were left out"],
    });
    expect(isUnknown(rc, "cors_rule")).toBe(true);
    expect(plan.prediction_notes).toContain("module calls are not expanded, their resources are missing: module.vpc");
  });

  it("reads data sources, with a reason when the configuration has expressions or depends_on", () => {
    const plan = predictPlan(
      config({ aws_kms_key: { k: {} } }, {
        data: {
          aws_iam_policy_document: {
            uses_key: { statement: [{ actions: ["kms:Decrypt"], resources: ["${aws_kms_key.k.arn}"], condition: { test: "StringEquals", variable: "x", values: ["y"] } }] },
            waits: { depends_on: ["aws_kms_key.k"], statement: [{ actions: ["s3:GetObject"], resources: ["*"] }] },
            plain: { statement: [{ actions: ["s3:ListBucket"], resources: ["*"] }] },
          },
        },
      }),
    );
    const reads = plan.resource_changes.filter((c) => c.mode === "data");
    expect(reads.map((r) => [r.address, actionOf(r), r.action_reason])).toEqual([
      ["data.aws_iam_policy_document.plain", "read", undefined],
      ["data.aws_iam_policy_document.uses_key", "read", "read_because_config_unknown"],
      ["data.aws_iam_policy_document.waits", "read", "read_because_dependency_pending"],
    ]);
    expect(reads[0]!.predicted?.notes[0]).toMatch(/Terraform reads a data source with a fully known configuration while planning/);
    const usesKey = reads[1]!;
    expect(usesKey.change.after).toEqual({
      statement: [{ actions: ["kms:Decrypt"], condition: [{ test: "StringEquals", values: ["y"], variable: "x" }], resources: [null] }],
    });
    expect(usesKey.change.after_unknown).toEqual({
      id: true,
      json: true,
      minified_json: true,
      statement: [{ actions: [false], condition: [{ values: [false] }], resources: [true] }],
    });
    // the managed key sorts before the data sources
    expect(plan.resource_changes[0]!.address).toBe("aws_kms_key.k");
    expect(plannedResources(plan).map((r) => r.mode)).toEqual(["managed", "data", "data", "data"]);
  });

  it("resolves provider sources from required_providers", () => {
    const plan = predictPlan({
      terraform: { required_providers: { github: { source: "integrations/github" }, aws: { source: "registry.terraform.io/hashicorp/aws" } } },
      resource: { github_repository: { r: { name: "x" } }, aws_kms_key: { k: {} }, terraform_data: { d: { input: "x" } } },
    });
    expect(Object.fromEntries(plan.resource_changes.map((c) => [c.address, c.provider_name]))).toEqual({
      "aws_kms_key.k": "registry.terraform.io/hashicorp/aws",
      "github_repository.r": "registry.terraform.io/integrations/github",
      "terraform_data.d": "terraform.io/builtin/terraform",
    });
  });

  it("marks sensitive outputs and keeps partially known output values", () => {
    const plan = predictPlan(config({}, { output: { secret: { value: "s3cr3t", sensitive: true }, mixed: { value: { a: "1", b: "${aws_kms_key.k.arn}" } } } }));
    expect(plan.output_changes.secret).toMatchObject({ after: "s3cr3t", after_unknown: false, after_sensitive: true });
    expect(plan.output_changes.mixed).toMatchObject({ after: { a: "1" }, after_unknown: { b: true } });
    expect(plan.planned_values?.outputs.mixed).toEqual({ sensitive: false });
  });

  it("rejects input that is not a configuration object", () => {
    expect(() => predictPlan("{ nope")).toThrow(/^cdk\.tf\.json: not valid JSON: /);
    expect(() => predictPlan("[]", { source: "x/cdk.tf.json" })).toThrow("x/cdk.tf.json: a synthesized configuration must be a JSON object, got []");
    expect(() => predictPlan({ resource: [] })).toThrow('cdk.tf.json: "resource" must be an object, got []');
    expect(() => predictPlan({ resource: { aws_kms_key: { k: "x" } } })).toThrow('cdk.tf.json: resource.aws_kms_key.k must be an object, got "x"');
  });
});

describe("writePredictedPlan", () => {
  let outdir: string | undefined;
  afterEach(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
    outdir = undefined;
  });

  it("writes plan.predicted.json next to a real cdk.tf.json: pretty, newline-terminated, deterministic", () => {
    const stack = dataStack();
    outdir = Testing.fullSynth(stack);
    const stackDir = path.join(outdir, "stacks", "data-stack");
    const first = writePredictedPlan(stackDir);
    expect(first.file).toBe(path.join(stackDir, "plan.predicted.json"));
    const text = readFileSync(first.file, "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.startsWith('{\n  "format_version": "1.2",\n  "terraform_version": "predicted",\n  "predicted_by": "@sse-kms/testing predictPlan"')).toBe(true);
    expect(parsePlan(text, "again").resource_changes).toEqual(first.plan.resource_changes);
    writePredictedPlan(stackDir);
    expect(readFileSync(first.file, "utf8")).toBe(text);
    // cdk.tf.json carries "//" metadata: the construct path comes from it, and it does not leak into after.
    const key = findChange(first.plan, "aws_kms_key.key")!;
    expect(key.predicted?.construct_path).toBe("data-stack/key");
    expect(key.change.after).not.toHaveProperty("//");
    // Same prediction as from the stack object itself, apart from the label.
    expect(first.plan.resource_changes).toEqual(predictPlan(stack).resource_changes);
  });

  it("fails with the path when cdk.tf.json is missing or broken", () => {
    outdir = mkdtempSync(path.join(tmpdir(), "predict-"));
    expect(() => writePredictedPlan(outdir!)).toThrow(/ENOENT.*cdk\.tf\.json/);
    writeFileSync(path.join(outdir, "cdk.tf.json"), "{");
    expect(() => writePredictedPlan(outdir!)).toThrow(`${path.join(outdir, "cdk.tf.json")}: not valid JSON`);
  });
});
