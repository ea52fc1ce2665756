import { posix } from "node:path";
import { z } from "zod";
import { BucketName, KmsKeyArn, Region } from "./primitives";

/** Local state file, relative to the stack's working directory (the default). */
export const LocalBackendSchema = z.strictObject({
  type: z.literal("local"),
  directory: z
    .string()
    .regex(/^(?!\/)(?![A-Za-z]:)[^\0]*$/, { error: "must be a relative path (absolute paths make synth output machine-specific)" })
    .refine((d) => !leavesRoot(d), { error: "must stay inside the repository: remove the '..' segments that climb out of it" })
    .default("terraform-state")
    .describe("Directory, relative to the repository root, holding <stack>.tfstate."),
});

/** S3 backend with native S3 locking (Terraform >= 1.10). */
export const S3BackendSchema = z.strictObject({
  type: z.literal("s3"),
  bucket: BucketName,
  keyPrefix: z
    .string()
    .regex(/^[\w!\-.*'()/]+$/, { error: "must be an S3 key prefix" })
    .default("sse-kms-blueprints")
    .describe("State object key is <keyPrefix>/<stack>.tfstate."),
  region: Region,
  useLockfile: z.boolean().default(true).describe("S3 native state locking (use_lockfile)."),
  encrypt: z.boolean().default(true).describe("Server-side encryption of the state object."),
  kmsKeyId: KmsKeyArn.optional().describe("KMS key ARN for the state object."),
});

/** HCP Terraform / Terraform Enterprise (`cloud` block). */
export const CloudBackendSchema = z.strictObject({
  type: z.literal("cloud"),
  organization: z.string().min(1, { error: "must name the HCP Terraform organization" }),
  hostname: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, { error: "must be a host name" })
    .default("app.terraform.io"),
  workspaces: z.union([
    z
      .strictObject({
        name: z.string({ error: "must be a string" }).regex(/^[\w-]*\{stack\}[\w{}-]*$/, {
          error:
            "must contain {stack} (and otherwise only letters, digits, '-' and '_'): without it every stack of the environment shares one workspace and one state, so applying one stack plans the destruction of the others",
        }),
      })
      .describe("One named workspace per stack: <name> must contain {stack}, e.g. sse-kms-{stack}."),
    z.strictObject({ tags: z.array(z.string().min(1)).min(1) }),
  ]),
});

export const BackendSchema = z.discriminatedUnion("type", [LocalBackendSchema, S3BackendSchema, CloudBackendSchema], {
  error: "type must be one of local, s3, cloud",
});

export type BackendConfig = z.output<typeof BackendSchema>;

/** Whether a relative path climbs above its base folder (e.g. `../state` or `a/../../b`). */
export function leavesRoot(path: string): boolean {
  const normal = posix.normalize(path.replace(/\\/g, "/"));
  return normal === ".." || normal.startsWith("../");
}
