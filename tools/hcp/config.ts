import { z } from "zod";

/**
 * The HCP Terraform bootstrap's configuration (`hcp.json` at the repository root, opt-in): which
 * organization and project hold the workspaces, how workspaces and run roles are named, and which
 * environments are bootstrapped. One zod schema is both the type and the runtime check.
 */

const NAME = /^[A-Za-z0-9_-]+$/;

export const HcpConfigSchema = z
  .strictObject({
    /** The HCP Terraform organization that owns the workspaces (the `organization:` part of the run token's `sub`). */
    organization: z.string().regex(NAME, "must be an HCP Terraform organization name: letters, digits, '-' and '_'"),
    /**
     * The project the workspaces belong to, created by the bootstrap (the `project:` part of `sub`).
     * @default "sse-kms"
     */
    project: z
      .string()
      .min(1)
      .max(40)
      .regex(/^[A-Za-z0-9 _-]+$/, "must be 1-40 letters, digits, spaces, '-' or '_' (HCP Terraform project names)")
      .default("sse-kms"),
    /** The HCP Terraform host, also the OIDC issuer (`https://<hostname>`) and the condition-key prefix. @default "app.terraform.io" */
    hostname: z
      .string()
      .regex(/^[a-z0-9.-]+$/, "must be a host name without scheme or path, e.g. app.terraform.io")
      .default("app.terraform.io"),
    /**
     * Workspace name of a stack; `{stack}` is replaced by the stack name. An environment whose
     * `cloud` backend names its workspaces (`workspaces.name`) must use the same pattern.
     * @default "sse-kms-{stack}"
     */
    workspaceName: z
      .string()
      .regex(/^[A-Za-z0-9_{}-]+$/, "must use letters, digits, '-', '_' and the placeholder {stack}")
      .refine((s) => s.includes("{stack}"), "must contain {stack}: one workspace per stack")
      .default("sse-kms-{stack}"),
    /** IAM role name of a stack's run role; `{stack}` is replaced (at most 64 characters after replacement). @default "hcp-terraform-{stack}" */
    runRoleName: z
      .string()
      .regex(/^[A-Za-z0-9+=,.@_{}-]+$/, "must use the characters IAM allows in role names and the placeholder {stack}")
      .refine((s) => s.includes("{stack}"), "must contain {stack}: one run role per stack")
      .default("hcp-terraform-{stack}"),
    /**
     * The audience HCP Terraform puts in the workload identity token (`TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE`),
     * the OIDC provider's client id, and the `<hostname>:aud` condition. @default "aws.workload.identity"
     */
    audience: z.string().min(1).default("aws.workload.identity"),
    /**
     * SHA-1 thumbprints of the issuer's certificate chain for `aws_iam_openid_connect_provider`
     * (IAM ignores them for providers it trusts through its own CA library, but the API requires one
     * on older provider versions). @default the value HashiCorp documents for app.terraform.io
     */
    thumbprints: z
      .array(z.string().regex(/^[0-9a-f]{40}$/, "must be a 40-character lowercase hex SHA-1 thumbprint"))
      .min(1)
      .max(5)
      .default(["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]),
    /** The environments to bootstrap (by name). @default every apps/<env>/environment.json */
    environments: z.array(z.string().min(1)).min(1).optional(),
    /** Extra tags on every workspace (besides `sse-kms`, `env:<env>` and `blueprint:<blueprint>`). @default [] */
    tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9:_-]*$/, "must be a lowercase tag: letters, digits, ':', '-', '_'")).default([]),
  })
  .describe("HCP Terraform bootstrap: workspaces, OIDC providers and run roles for every stack");

export type HcpConfig = z.infer<typeof HcpConfigSchema>;

/** One line per problem: `<file>: <field>: <message> (got <value>)`. */
export class HcpConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Parses an `hcp.json` text; throws {@link HcpConfigError} naming the file, field, rule and value. */
export function parseHcpConfig(text: string, file: string): HcpConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new HcpConfigError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  const parsed = HcpConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const path = i.path.length > 0 ? i.path.join(".") : "(top level)";
    const got = valueAt(raw, i.path);
    return `${file}: ${path}: ${i.message}${got === undefined ? "" : ` (got ${JSON.stringify(got)})`}`;
  });
  throw new HcpConfigError(lines.join("\n"));
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** `pattern` with `{stack}` replaced. */
export function nameFor(pattern: string, stack: string): string {
  return pattern.split("{stack}").join(stack);
}
