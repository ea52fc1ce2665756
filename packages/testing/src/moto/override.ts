/**
 * The override file that points a synthesized stack's AWS providers at `moto_server` on loopback,
 * written beside `cdk.tf.json` in a temporary copy (the synthesized output is never touched).
 */

/** Services the stacks use, each sent to the one moto endpoint (provider argument `endpoints`). */
export const MOTO_ENDPOINT_SERVICES = ["cloudtrail", "cloudwatch", "events", "iam", "kms", "logs", "s3", "sns", "sqs", "sts"] as const;

/** Fake static credentials for moto: the provider never looks for real ones. */
export const MOTO_CREDENTIALS = { access_key: "AKIAIOSFODNN7EXAMPLE", secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } as const;

interface StackJson {
  provider?: { aws?: Array<{ alias?: string }> };
}

/**
 * For every AWS provider block of the stack (by alias): fake static keys, every service's endpoint
 * set to `endpoint`, path-style S3 (moto serves buckets under the path, not as host names), no
 * instance-metadata lookup. The stack's own `region`, `allowed_account_ids` and `assume_role` stay:
 * moto answers `sts:GetCallerIdentity` with its `MOTO_ACCOUNT_ID`, so a wrong account still fails.
 * A local backend keeps state in the copy. Refuses any endpoint that is not loopback.
 */
export function motoOverride(stackJson: string, endpoint: string): string {
  const url = new URL(endpoint);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))
    throw new Error(`moto override: the endpoint must be on loopback (got ${JSON.stringify(endpoint)})`);
  const doc = JSON.parse(stackJson) as StackJson;
  const endpoints = Object.fromEntries(MOTO_ENDPOINT_SERVICES.map((s) => [s, endpoint]));
  const providers = (doc.provider?.aws ?? [{}]).map((p) => ({
    ...(p.alias === undefined ? {} : { alias: p.alias }),
    ...MOTO_CREDENTIALS,
    skip_metadata_api_check: true,
    s3_use_path_style: true,
    endpoints: [endpoints],
  }));
  return `${JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } }, provider: { aws: providers } }, null, 2)}\n`;
}
