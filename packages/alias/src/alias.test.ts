import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { newTestStack as newStack, synthJson } from "@sse-kms/construct-kit/testing";
import { ConstructPropError } from "@sse-kms/construct-kit";
import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { KeyAlias, type KeyAliasProps } from "./alias";

const synth = synthJson;

describe("KeyAlias", () => {
  it("creates one aws_kms_alias with the name and the target key reference", () => {
    const stack = newStack();
    const key = new KmsKey(stack, "Key", {});
    key.overrideLogicalId("prod_data");
    new KeyAlias(stack, "Alias", { aliasName: "alias/prod-data", targetKeyId: key.keyId });
    const json = synth(stack);
    expect(Object.keys(json.resource.aws_kms_alias)).toEqual(["prod_data"]);
    expect(json.resource.aws_kms_alias.prod_data).toEqual({
      name: "alias/prod-data",
      target_key_id: "${aws_kms_key.prod_data.key_id}",
    });
  });

  it("accepts a literal key id or ARN as the target", () => {
    const stack = newStack();
    const arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    new KeyAlias(stack, "Alias", { aliasName: "alias/literal", targetKeyId: arn });
    expect(synth(stack).resource.aws_kms_alias.literal.target_key_id).toBe(arn);
  });

  it.each([
    ["alias/prod-data", "prod_data"],
    ["alias/team/prod_data", "team_prod_data"],
    ["alias/Prod-Data", "prod_data"],
    ["alias/2025-data", "_2025_data"],
  ])("pins the address of %s to aws_kms_alias.%s", (aliasName, address) => {
    const stack = newStack();
    new KeyAlias(stack, "Alias", { aliasName, targetKeyId: "key-id" });
    expect(Object.keys(synth(stack).resource.aws_kms_alias)).toEqual([address]);
  });

  it("honours an explicit terraformName", () => {
    const stack = newStack();
    new KeyAlias(stack, "Alias", { aliasName: "alias/prod-data", targetKeyId: "key-id", terraformName: "legacy" });
    expect(Object.keys(synth(stack).resource.aws_kms_alias)).toEqual(["legacy"]);
  });

  it("keeps its address when moved deeper into the construct tree", () => {
    const stack = newStack();
    const alias = new KeyAlias(new Construct(new Construct(stack, "Team"), "Blueprint"), "Alias", {
      aliasName: "alias/prod-data",
      targetKeyId: "key-id",
    });
    new TerraformOutput(stack, "arn", { value: alias.aliasArn });
    const json = synth(stack);
    expect(Object.keys(json.resource.aws_kms_alias)).toEqual(["prod_data"]);
    expect(json.output.arn.value).toBe("${aws_kms_alias.prod_data.arn}");
    expect(alias.aliasName).toBe("alias/prod-data");
  });

  it("refuses two aliases that map to one address instead of silently dropping one", () => {
    const stack = newStack();
    new KeyAlias(stack, "A", { aliasName: "alias/prod-data", targetKeyId: "k1" });
    expect(() => new KeyAlias(stack, "B", { aliasName: "alias/prod_data", targetKeyId: "k2" })).toThrow(
      /^test\/B: aliasName must give a Terraform address of its own: aws_kms_alias\.prod_data is already used by test\/A \(got "alias\/prod_data"\)\. Fix: /,
    );
  });

  it("allows one alias name in two stacks", () => {
    const app = Testing.app();
    expect(() => {
      new KeyAlias(new TerraformStack(app, "one"), "A", { aliasName: "alias/x", targetKeyId: "k" });
      new KeyAlias(new TerraformStack(app, "two"), "A", { aliasName: "alias/x", targetKeyId: "k" });
    }).not.toThrow();
  });
});

describe("KeyAlias validation", () => {
  function errorOf(aliasName: unknown, scope?: (stack: TerraformStack) => Construct): ConstructPropError {
    const stack = newStack();
    try {
      new KeyAlias(scope ? scope(stack) : stack, "Alias", { aliasName, targetKeyId: "key-id" } as KeyAliasProps);
    } catch (e) {
      expect(e).toBeInstanceOf(ConstructPropError);
      return e as ConstructPropError;
    }
    throw new Error("expected a ConstructPropError, got none");
  }

  function expectError(err: ConstructPropError, rule: string, path = "test/Alias") {
    expect(err.constructPath).toBe(path);
    expect(err.prop).toBe("aliasName");
    expect(err.message.startsWith(`${path}: aliasName ${rule}`)).toBe(true);
    expect(err.message).toMatch(/\(got .+\)\. Fix: use alias\//);
  }

  it("an alias without the alias/ prefix", () => {
    const err = errorOf("prod-data");
    expectError(err, "must start with alias/");
    expect(err.message).toContain('(got "prod-data")');
  });

  it("an alias under the reserved alias/aws/ prefix", () => {
    const err = errorOf("alias/aws/s3");
    expectError(err, "must not start with alias/aws/");
    expect(err.message).toContain('(got "alias/aws/s3")');
  });

  it.each(["alias/prod data", "alias/prod.data", "alias/prod:data", "alias/", "alias/prod*"])("an alias with bad characters or no name: %p", (name) => {
    const err = errorOf(name);
    expectError(err, "may contain only letters, digits, '/', '_' and '-'");
    expect(err.message).toContain(`(got ${JSON.stringify(name)})`);
  });

  it("an alias longer than 256 characters", () => {
    const name = `alias/${"a".repeat(251)}`;
    expect(name).toHaveLength(257);
    const err = errorOf(name);
    expectError(err, "must be at most 256 characters");
    expect(err.message).toContain('(got "alias/aaaa');
  });

  it("accepts exactly 256 characters", () => {
    const stack = newStack();
    expect(() => new KeyAlias(stack, "Alias", { aliasName: `alias/${"a".repeat(250)}`, targetKeyId: "k" })).not.toThrow();
  });

  it("a value that is not a string", () => {
    expectError(errorOf(42), "must be a string starting with alias/");
  });

  it("names the full construct path", () => {
    const err = errorOf("bad", (stack) => new Construct(new Construct(stack, "prod"), "data"));
    expectError(err, "must start with alias/", "test/prod/data/Alias");
  });
});
