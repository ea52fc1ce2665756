import { BucketListSchema, type EnvironmentConfigInput, KeySettingsSchema, createEnvironmentSchema, parseEnvironment } from "@sse-kms/config";
import { synthJson } from "@sse-kms/construct-kit/testing";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { GuardedSynthesizer } from "@sse-kms/guardrails";
import { Testing } from "cdktf";
import { z } from "zod";
import { EnvironmentStack, stackName } from "./stack";

/** A blueprint spec for these tests (a stack needs an environment; packages know no real blueprint). */
const schema = createEnvironmentSchema([{ name: "customer-managed", configSchema: z.strictObject({ key: KeySettingsSchema, buckets: BucketListSchema }) }]);

const base: EnvironmentConfigInput = {
  name: "qa",
  account: "123456789012",
  region: "eu-central-1",
  tags: { team: "platform" },
  blueprints: {
    "customer-managed": {
      key: { name: "data", alias: "alias/qa-data", users: ["arn:aws:iam::123456789012:role/app"] },
      buckets: [{ name: "qa-data-123456789012" }],
    },
  },
};

function synth(overrides: Partial<EnvironmentConfigInput>) {
  const env = parseEnvironment(schema, { ...base, ...overrides });
  const stack = new EnvironmentStack(Testing.app({ stackTraces: false }), { env, blueprint: "customer-managed" });
  return { stack, json: synthJson(stack) };
}

describe("EnvironmentStack", () => {
  test("pins hashicorp/aws to the environment's awsProviderVersion (default 6.25.0) and requires Terraform >= 1.10", () => {
    const json = synth({}).json;
    expect(json.terraform.required_providers.aws).toEqual({ source: "aws", version: "6.25.0" });
    expect(json.terraform.required_version).toBe(">= 1.10");
    expect(synth({ awsProviderVersion: "5.100.0" }).json.terraform.required_providers.aws.version).toBe("5.100.0");
    expect(synth({ awsProviderVersion: "5.100.0" }).stack.awsProviderVersion).toBe("5.100.0");
  });

  test("refuses a provider version outside 5.100.0+ and 6.x, naming the field", () => {
    for (const v of ["5.99.0", "4.67.0", "7.0.0", "~> 6.0", "6.25"]) {
      expect(() => synth({ awsProviderVersion: v })).toThrow(/awsProviderVersion/);
    }
  });

  test("forgets the buckets its environment releases from this blueprint (removed blocks, destroy = false), and no other", () => {
    const json = synth({ releasedBuckets: [{ blueprint: "customer-managed", bucket: "qa-old-123456789012" }] }).json;
    expect(json.removed).toEqual(
      expect.arrayContaining([
        { from: "aws_s3_bucket.qa_old_123456789012", lifecycle: { destroy: false } },
        { from: "aws_s3_bucket_policy.qa_old_123456789012", lifecycle: { destroy: false } },
      ]),
    );
    expect(json.removed).toHaveLength(6);
    expect(synth({}).json.removed).toBeUndefined();
  });

  test("is named <env>-<blueprint>", () => {
    expect(synth({}).stack.node.id).toBe("qa-customer-managed");
    expect(stackName("prod", "imported-material")).toBe("prod-imported-material");
  });

  test("pins the default provider to the account and region, with default tags and an optional assumed role", () => {
    expect(synth({}).json.provider.aws).toEqual([
      {
        region: "eu-central-1",
        allowed_account_ids: ["123456789012"],
        default_tags: [{ tags: { team: "platform", "sse-kms-blueprints:stack": "qa-customer-managed" } }],
      },
    ]);
    const role = "arn:aws:iam::123456789012:role/deploy";
    expect(synth({ assumeRoleArn: role }).json.provider.aws[0].assume_role).toEqual([{ role_arn: role }]);
  });

  test("local backend (the default): a relative path outside cdktf.out, so re-synth never loses state", () => {
    const { json } = synth({});
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform-state/qa-customer-managed.tfstate" } });
    expect(synth({ backend: { type: "local", directory: "state/qa" } }).json.terraform.backend.local.path).toBe(
      "../../../state/qa/qa-customer-managed.tfstate",
    );
  });

  test("s3 backend with native locking and encryption", () => {
    const kms = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { json } = synth({ backend: { type: "s3", bucket: "acme-tfstate", region: "eu-central-1", kmsKeyId: kms } });
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: "acme-tfstate",
        key: "sse-kms-blueprints/qa-customer-managed.tfstate",
        region: "eu-central-1",
        encrypt: true,
        kms_key_id: kms,
        use_lockfile: true,
      },
    });
  });

  test("cloud backend: a workspace per stack by name template, or by tags", () => {
    const named = synth({ backend: { type: "cloud", organization: "acme", workspaces: { name: "sse-kms-{stack}" } } }).json;
    expect(named.terraform.cloud).toEqual({ organization: "acme", hostname: "app.terraform.io", workspaces: { name: "sse-kms-qa-customer-managed" } });
    const tagged = synth({ backend: { type: "cloud", organization: "acme", hostname: "tfe.example.com", workspaces: { tags: ["sse-kms", "qa"] } } }).json;
    expect(tagged.terraform.cloud).toEqual({ organization: "acme", hostname: "tfe.example.com", workspaces: { tags: ["sse-kms", "qa"] } });
    expect(tagged.terraform.backend).toBeUndefined();
  });

  test("prevent_destroy follows production unless set explicitly", () => {
    expect(synth({}).stack.preventDestroy).toBe(false);
    expect(synth({ production: true }).stack.preventDestroy).toBe(true);
    expect(synth({ production: true, preventDestroy: false }).stack.preventDestroy).toBe(false);
  });

  test("tags: the environment's tags plus the stack name, as the provider's default_tags", () => {
    const { stack, json } = synth({});
    expect(stack.tags).toEqual({ team: "platform", "sse-kms-blueprints:stack": "qa-customer-managed" });
    expect(json.provider.aws[0].default_tags).toEqual([{ tags: stack.tags }]);
  });
});

describe("EnvironmentStack.prepareStack", () => {
  test("wires no cross-stack reference: a reference to another stack's block fails synth with SKB-STACK-1", () => {
    const app = Testing.app({ stackTraces: false });
    const env = parseEnvironment(schema, base);
    // Stack two first: cdktf synthesizes (and fails) the stacks in tree order.
    const other = parseEnvironment(schema, {
      ...base,
      name: "qb",
      blueprints: {
        "customer-managed": {
          key: { name: "data", alias: "alias/qb-data", users: ["arn:aws:iam::123456789012:role/app"] },
          buckets: [{ name: "qb-data-123456789012" }],
        },
      },
    });
    const two = new EnvironmentStack(app, { env: other, blueprint: "customer-managed" });
    const one = new EnvironmentStack(app, { env, blueprint: "customer-managed" });
    const bucket = new S3Bucket(one, "b", { bucket: "qa-b-123456789012" });
    new S3Bucket(two, "c", { bucket: "qb-c-123456789012", tags: { source: bucket.arn } });
    expect(() => app.synth()).toThrow(
      /qb-customer-managed\/c.*\[SKB-STACK-1\] aws_s3_bucket\.c: .*tags\.source refers to aws_s3_bucket\.b, which is not in this stack/,
    );
    // cdktf's preparing pass would have added a remote state and an output instead.
    expect(JSON.stringify(synthJson(two))).not.toContain("terraform_remote_state");
  });
});

describe("EnvironmentStack synthesis", () => {
  test("resolves the stack once per synth: the guardrails run on the resolution that is written (GuardedSynthesizer)", () => {
    const app = Testing.app({ stackTraces: false });
    const stack = new EnvironmentStack(app, { env: parseEnvironment(schema, base), blueprint: "customer-managed" });
    expect(stack.synthesizer).toBeInstanceOf(GuardedSynthesizer);
    const resolutions = jest.spyOn(EnvironmentStack.prototype, "toTerraform");
    try {
      app.synth();
      expect(resolutions).toHaveBeenCalledTimes(1);
    } finally {
      resolutions.mockRestore();
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });

  test("a guardrail violation of the environment's own pack fails app.synth() and writes no stack", () => {
    const app = Testing.app({ stackTraces: false });
    const stack = new EnvironmentStack(app, { env: parseEnvironment(schema, base), blueprint: "customer-managed" });
    new S3Bucket(stack, "plain", { bucket: "qa-plain-123456789012" }); // no SSE-KMS, no TLS policy
    try {
      expect(() => app.synth()).toThrow(/qa-customer-managed\/plain.*\[SKB-S3-/);
      expect(existsSync(join(app.outdir, "stacks", "qa-customer-managed", "cdk.tf.json"))).toBe(false);
    } finally {
      rmSync(app.outdir, { recursive: true, force: true });
    }
  });
});
