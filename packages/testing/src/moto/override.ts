/**
 * The override file that points a synthesized stack's AWS providers at `moto_server` on loopback,
 * written beside `cdk.tf.json` in a temporary copy (the synthesized output is never touched).
 */

/** Services the stacks use, each sent to the one moto endpoint (provider argument `endpoints`). */
export const MOTO_ENDPOINT_SERVICES = ["cloudtrail", "cloudwatch", "events", "iam", "kms", "logs", "s3", "sns", "sqs", "sts"] as const;

/** Options of {@link motoOverride}. */
export interface MotoOverrideOptions {
  /** Static keys for the providers (e.g. from `MotoServer.accessKeyFor`). @default {@link MOTO_CREDENTIALS} */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * Sets `lifecycle.prevent_destroy = false` on every resource that has it, so that the lifecycle
   * test can `terraform destroy` what it applied (Terraform merges a `lifecycle` block of an override
   * file argument by argument). Only ever in the temporary copy. @default false
   */
  readonly allowDestroy?: boolean;
}

/** Fake static credentials for moto: the provider never looks for real ones. */
export const MOTO_CREDENTIALS = { access_key: "AKIAIOSFODNN7EXAMPLE", secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } as const;

interface StackJson {
  provider?: { aws?: Array<{ alias?: string }> };
  resource?: Record<string, Record<string, { lifecycle?: { prevent_destroy?: boolean } }>>;
}

/**
 * For every AWS provider block of the stack (by alias): fake static keys, every service's endpoint
 * set to `endpoint`, path-style S3 (moto serves buckets under the path, not as host names), no
 * instance-metadata lookup. The stack's own `region`, `allowed_account_ids` and `assume_role` stay:
 * moto answers `sts:GetCallerIdentity` with its `MOTO_ACCOUNT_ID`, so a wrong account still fails.
 * A local backend keeps state in the copy. Refuses any endpoint that is not loopback.
 */
export function motoOverride(stackJson: string, endpoint: string, options: MotoOverrideOptions = {}): string {
  const url = new URL(endpoint);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))
    throw new Error(`moto override: the endpoint must be on loopback (got ${JSON.stringify(endpoint)})`);
  const doc = JSON.parse(stackJson) as StackJson;
  const endpoints = Object.fromEntries(MOTO_ENDPOINT_SERVICES.map((s) => [s, endpoint]));
  const providers = (doc.provider?.aws ?? [{}]).map((p) => ({
    ...(p.alias === undefined ? {} : { alias: p.alias }),
    ...(options.credentials ? { access_key: options.credentials.accessKeyId, secret_key: options.credentials.secretAccessKey } : MOTO_CREDENTIALS),
    skip_metadata_api_check: true,
    s3_use_path_style: true,
    endpoints: [endpoints],
  }));
  const resource: Record<string, Record<string, unknown>> = {};
  if (options.allowDestroy)
    for (const [type, byName] of Object.entries(doc.resource ?? {}))
      for (const [name, body] of Object.entries(byName))
        if (body.lifecycle?.prevent_destroy === true) (resource[type] ??= {})[name] = { lifecycle: { prevent_destroy: false } };
  const out = {
    terraform: { backend: { local: { path: "terraform.tfstate" } } },
    provider: { aws: providers },
    ...(Object.keys(resource).length ? { resource } : {}),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
