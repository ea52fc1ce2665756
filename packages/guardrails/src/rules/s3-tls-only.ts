/**
 * SKB-S3-4: the bucket policy denies every request without TLS: a Deny statement for any principal
 * covering `s3:*` on the bucket and its objects with `Bool: {"aws:SecureTransport": "false"}`.
 *
 * Maps to cdk-nag AwsSolutions-S10 / NIST.800.53.R5-S3BucketSSLRequestsOnly and CIS AWS Foundations
 * "Ensure S3 Bucket Policy is set to deny HTTP requests" (checkov has no built-in Terraform check).
 */
import { actionMatches, actionsOf } from "@sse-kms/policy";
import { fail, failAll, strings } from "../json";
import { conditionEntries, isDeny, policyStatementsOf, principalsOf } from "../policy";
import { attachedTo, bucketArnForms } from "../s3";
import type { GuardrailRule } from "../types";

function covers(patterns: readonly string[], forms: readonly string[]): boolean {
  return patterns.some((p) => forms.some((f) => p === f || (!f.startsWith("${") && actionMatches(p, f))));
}

export const s3TlsOnly: GuardrailRule = {
  id: "SKB-S3-4",
  name: "s3-tls-only",
  description: "The bucket policy does not deny requests made without TLS.",
  rationale:
    "SSE-KMS protects data at rest only. Without a TLS-only policy, S3 accepts plain-HTTP requests and serves decrypted objects (and accepts uploads) in clear text over the network.",
  fix: 'Add a Deny statement: Principal "*", Action "s3:*", Resource [bucket ARN, bucket ARN/*], Condition {"Bool": {"aws:SecureTransport": "false"}} (EncryptedBucket\'s policy starts with it: denyInsecureTransportStatement).',
  appliesTo: ["aws_s3_bucket"],
  mappings: { cdkNag: ["AwsSolutions-S10", "NIST.800.53.R5-S3BucketSSLRequestsOnly"], other: ["CIS AWS Foundations 2.1.1 / 3.1.1"] },
  check(bucket, ctx) {
    const sources = [
      ...attachedTo(ctx, "aws_s3_bucket_policy", bucket).map((p) => ({ where: p.address, policy: p.config.policy })),
      ...(bucket.config.policy !== undefined ? [{ where: `${bucket.address}.policy`, policy: bucket.config.policy }] : []),
    ];
    if (sources.length === 0) return fail("no bucket policy (aws_s3_bucket_policy) for this bucket");
    const forms = bucketArnForms(bucket);
    const problems: string[] = [];
    for (const source of sources) {
      const policy = policyStatementsOf(source.policy);
      if (!policy.ok) {
        problems.push(`${source.where}: ${policy.reason}`);
        continue;
      }
      const tls = policy.statements.some(
        (s) =>
          isDeny(s) &&
          principalsOf(s).wildcard &&
          actionsOf(s).some((a) => a === "*" || a.toLowerCase() === "s3:*") &&
          covers(strings(s.Resource), forms.bucket) &&
          covers(strings(s.Resource), forms.objects) &&
          conditionEntries(s, "aws:SecureTransport").some((c) => c.operator === "Bool" && c.values.length === 1 && c.values[0] === "false"),
      );
      if (tls) return failAll([]);
      problems.push(`${source.where} has no Deny of s3:* on the bucket and its objects when aws:SecureTransport is false`);
    }
    return failAll(problems);
  },
};
