import { z } from "zod";
import { AliasName, ExistingKeyArn, LogicalName, PrincipalArn, isFullKeyArn, isKnownRegion, partitionOf } from "./primitives";

/** Every key spec KMS knows; S3 SSE-KMS accepts only SYMMETRIC_DEFAULT. */
export const KEY_SPECS = [
  "SYMMETRIC_DEFAULT",
  "RSA_2048",
  "RSA_3072",
  "RSA_4096",
  "ECC_NIST_P256",
  "ECC_NIST_P384",
  "ECC_NIST_P521",
  "ECC_SECG_P256K1",
  "HMAC_224",
  "HMAC_256",
  "HMAC_384",
  "HMAC_512",
  "SM2",
  "ML_DSA_44",
  "ML_DSA_65",
  "ML_DSA_87",
] as const;

export const ROTATION_PERIOD_DAYS = { min: 90, max: 2560, default: 365 } as const;
export const DELETION_WINDOW_DAYS = { min: 7, max: 30, default: 30 } as const;

const uniqueArns = (list: readonly string[]) => new Set(list).size === list.length;

/** Settings shared by every KMS key a blueprint creates (AWS_KMS or EXTERNAL origin). */
/** The fields of a key's settings, without the cross-field rules (for `.omit`/`.extend`). */
export const KeySettingsFields = z.strictObject({
  name: LogicalName.describe("Logical name of the key; part of its Terraform address (aws_kms_key.<name>). Changing it replaces the key."),
  alias: AliasName,
  description: z.string().max(8192, { error: "must be at most 8192 characters" }).optional().describe("Key description shown in the KMS console."),
  keySpec: z
    .enum(KEY_SPECS, { error: `must be one of ${KEY_SPECS.join(", ")}` })
    .default("SYMMETRIC_DEFAULT")
    .refine((s): s is "SYMMETRIC_DEFAULT" => s === "SYMMETRIC_DEFAULT", {
      error: "S3 SSE-KMS supports symmetric keys only: use SYMMETRIC_DEFAULT",
    })
    .describe("Key spec. S3 server-side encryption supports SYMMETRIC_DEFAULT only."),
  rotationPeriodInDays: z
    .number({ error: "must be a whole number of days" })
    .int({ error: "must be a whole number of days" })
    .min(ROTATION_PERIOD_DAYS.min, { error: `must be between ${ROTATION_PERIOD_DAYS.min} and ${ROTATION_PERIOD_DAYS.max} days` })
    .max(ROTATION_PERIOD_DAYS.max, { error: `must be between ${ROTATION_PERIOD_DAYS.min} and ${ROTATION_PERIOD_DAYS.max} days` })
    .default(ROTATION_PERIOD_DAYS.default)
    .describe("Automatic rotation period (AWS_KMS keys; rotation is always on). 90..2560, default 365."),
  deletionWindowInDays: z
    .number({ error: "must be a whole number of days" })
    .int({ error: "must be a whole number of days" })
    .min(DELETION_WINDOW_DAYS.min, { error: `must be between ${DELETION_WINDOW_DAYS.min} and ${DELETION_WINDOW_DAYS.max} days` })
    .max(DELETION_WINDOW_DAYS.max, { error: `must be between ${DELETION_WINDOW_DAYS.min} and ${DELETION_WINDOW_DAYS.max} days` })
    .default(DELETION_WINDOW_DAYS.default)
    .describe("Waiting period before a scheduled deletion completes. 7..30, default 30."),
  multiRegion: z.boolean({ error: "must be true or false" }).default(false).describe("Create a multi-Region primary key."),
  previousNames: z
    .array(LogicalName)
    .default([])
    .refine(uniqueArns, { error: "must not list the same name twice" })
    .describe(
      "Names this key had before (most recent last). Renaming `name` changes the key's Terraform address; each previous name becomes a moved block, so Terraform keeps the key instead of destroying it. Keep an entry until every environment's state has applied the move.",
    ),
  administrators: z
    .array(PrincipalArn)
    .default([])
    .refine(uniqueArns, { error: "must not list the same principal twice" })
    .describe("Principals that manage the key lifecycle. They get no cryptographic actions."),
  users: z
    .array(PrincipalArn)
    .default([])
    .refine(uniqueArns, { error: "must not list the same principal twice" })
    .describe("Principals that encrypt and decrypt through S3 only (kms:ViaService)."),
  rootManagement: z
    .boolean({ error: "must be true or false" })
    .default(true)
    .describe("Let the account root (and so IAM policies in the account) manage the key: the recovery path. No cryptographic use."),
  allowRootFullAccess: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe("Opt in to AWS's default key policy: kms:* for the account root, so IAM policies alone can grant decryption."),
});

/** Cross-field rules every key configuration must meet (lock-out, separation of duties). */
export function checkKeySettings(
  key: {
    name: string;
    previousNames: readonly string[];
    administrators: readonly string[];
    users: readonly string[];
    rootManagement: boolean;
    allowRootFullAccess: boolean;
  },
  ctx: z.RefinementCtx,
): void {
  if (key.previousNames.includes(key.name)) {
    ctx.addIssue({
      code: "custom",
      path: ["previousNames"],
      input: key.previousNames,
      message: `must not list the current name "${key.name}": list only the names the key had before`,
    });
  }
  if (key.administrators.length === 0 && !key.rootManagement && !key.allowRootFullAccess) {
    ctx.addIssue({
      code: "custom",
      path: ["administrators"],
      input: key.administrators,
      message:
        "no principal could manage this key: a key policy without administrators and without root management locks the key out forever; add an administrator or set rootManagement to true",
    });
  }
  const both = key.administrators.filter((a) => key.users.includes(a));
  if (both.length > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["users"],
      input: both,
      message: `separation of duties: ${both.join(", ")} is both administrator and user; use different principals`,
    });
  }
}

export const KeySettingsSchema = KeySettingsFields.superRefine(checkKeySettings);

export type KeySettings = z.output<typeof KeySettingsSchema>;
export type KeySettingsInput = z.input<typeof KeySettingsSchema>;

/**
 * A key this stack does not create (`key: { "existingKeyArn": ... }`): no key or alias resource;
 * the buckets' default encryption and bucket policy name this ARN. Its key policy belongs to its
 * owner, who adds the statements of the generated hand-over (`docs/handover/<stack>.md`).
 */
export const ExistingKeySchema = z.strictObject({
  existingKeyArn: ExistingKeyArn,
  users: z
    .array(PrincipalArn)
    .default([])
    .refine(uniqueArns, { error: "must not list the same principal twice" })
    .describe(
      "Principals that encrypt and decrypt through S3 for every bucket of this configuration (kms:ViaService): the hand-over asks the key owner to add them.",
    ),
});
export type ExistingKeySettings = z.output<typeof ExistingKeySchema>;

/** Whether a validated `key` block names an existing key rather than defining one. */
export function isExistingKey<K extends object>(key: K | ExistingKeySettings): key is ExistingKeySettings {
  return "existingKeyArn" in key && typeof (key as { existingKeyArn?: unknown }).existingKeyArn === "string";
}

/**
 * The environment rule of an existing key: it must be in the environment's account, region and
 * partition. S3 SSE-KMS needs the key in the bucket's region; a key of another account makes the
 * buckets depend on a key policy this environment's account cannot govern (and the key-level users,
 * pinned to this account, could never use it). Returns the problem, or undefined.
 */
export function existingKeyProblem(arn: string, env: { readonly account: string; readonly region: string; readonly partition: string }): string | undefined {
  const [, partition, , region, account] = arn.split(":");
  if (partition === env.partition && region === env.region && account === env.account) return undefined;
  return `must be a key of the environment's account ${env.account} in ${env.region} (partition ${env.partition}), not of account ${account} in ${region} (partition ${partition}): S3 SSE-KMS needs the key in the bucket's region and account here; use a key (or a multi-Region replica) there`;
}

/**
 * The `checkEnvironment` rule of a blueprint whose `key` may be an existing key: the key must be in
 * the environment's account, region and partition (see {@link existingKeyProblem}).
 */
export function checkExistingKeyEnvironment(
  config: { readonly key: object },
  env: { readonly account: string; readonly region: string },
  issue: (path: readonly (string | number)[], input: unknown, message: string) => void,
): void {
  if (!isExistingKey(config.key) || !isFullKeyArn(config.key.existingKeyArn) || !isKnownRegion(env.region)) return; // reported by the schema
  const problem = existingKeyProblem(config.key.existingKeyArn, { account: env.account, region: env.region, partition: partitionOf(env.region) });
  if (problem) issue(["key", "existingKeyArn"], config.key.existingKeyArn, problem);
}
