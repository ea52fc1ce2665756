import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { newStack, rawKey, statusOf } from "../test-support";
import { evaluateStack } from "../pack";
import { danglingReferences, stackReferencesInStack } from ".";
import { contextFromStackJson } from "../context";

describe("SKB-STACK-1 stack-references-in-stack", () => {
  test("compliant: attributes, policy strings and depends_on name blocks of the stack; variables, locals and IAM policy variables are not blocks", () => {
    const { stack } = newStack();
    const key = rawKey(stack);
    const bucket = new S3Bucket(stack, "b", { bucket: "acme-b", dependsOn: [key] });
    new S3BucketServerSideEncryptionConfigurationA(stack, "sse", {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn } }],
    });
    expect(statusOf(stack, stackReferencesInStack, "aws_s3_bucket_server_side_encryption_configuration.sse")).toBe("compliant");
    expect(statusOf(stack, stackReferencesInStack, "aws_s3_bucket.b")).toBe("compliant");
    const ctx = contextFromStackJson({ resource: { aws_kms_key: { data: {} } } });
    const ok = `{"Resource":"\${aws_kms_key.data.arn}","Condition":{"StringLike":{"s3:prefix":"\${aws:username}/*"}}} \${var.key_material_base64} \${local.x_y.z} $\${aws_kms_key.gone.arn}`;
    expect(danglingReferences({ policy: ok }, ctx)).toEqual([]);
  });

  test("non-compliant: a reference to a block of another stack, named with the attribute that holds it", () => {
    const one = newStack("one");
    const key = new KmsKey(one.stack, "k", { description: "one's key" });
    const two = newStack("two");
    // A construct of stack one used in stack two: cdktf would wire it through remote state; these
    // stacks are applied alone, and EnvironmentStack does not prepare cross-stack references.
    new S3Bucket(two.stack, "b", { bucket: "acme-two", tags: { key: key.arn } });
    const finding = evaluateStack(two.stack).findings.find((f) => f.ruleId === "SKB-STACK-1" && f.address === "aws_s3_bucket.b");
    expect(finding?.status).toBe("non-compliant");
    expect(finding?.detail).toBe("tags.key refers to aws_kms_key.k, which is not in this stack");
    const ctx = contextFromStackJson({ resource: {} });
    expect(danglingReferences({ depends_on: ["aws_iam_role.gone"], x: "${data.aws_iam_policy_document.gone.json}" }, ctx)).toEqual([
      "depends_on[0] refers to aws_iam_role.gone, which is not in this stack",
      "x refers to data.aws_iam_policy_document.gone, which is not in this stack",
    ]);
  });
});
