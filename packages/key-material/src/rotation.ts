/**
 * The life of imported key material after the first import: `rotate` (new material, then on-demand
 * rotation), `status` (every material and when it expires) and `reimport` (the same bytes back into a
 * material that expired or was deleted). The AWS behaviour each step relies on is quoted next to it.
 */
import { importFailureWithGeneratedMaterial, kmsCaller, preflightImport, wrapForImport, type ImportOptions } from "./ceremony";
import { CliError, PROGRAM } from "./errors";
import { describeKmsError } from "./kms-errors";
import type { KeyDescription, KeyMaterialEntry, KmsImportApi } from "./kms-types";
import { checkKeyMaterialFile } from "./material";
import { parseWrappingPublicKey } from "./wrapping-key";

/**
 * On-demand rotations KMS allows per key. The AWS documentation disagrees with itself: the current
 * API reference and Developer Guide say "You can perform on-demand key rotation a maximum of 25 times
 * per KMS key." (https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html,
 * https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys-on-demand.html, and the
 * @aws-sdk/client-kms 3.1164.0 model), older copies of the same pages say 10. `rotate` refuses before
 * importing anything once a key has used 25; below that, KMS is the judge: if it answers
 * RotateKeyOnDemand with LimitExceededException, the new material stays staged and the error says how
 * to withdraw it. Neither page says whether imported-material rotations count differently; we assume not.
 */
export const ON_DEMAND_ROTATION_LIMIT = 25;

/** `status --warn-days` default: a monthly scheduled check still sees a lapse at least once before it happens. */
export const DEFAULT_WARN_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Key material states that KMS uses to decrypt existing data: "KMS uses CURRENT key material for both
 * encryption and decryption and NON_CURRENT key material only for decryption."
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_RotationsListEntry.html, KeyMaterialState)
 */
export const DECRYPTING_STATES: readonly string[] = ["CURRENT", "NON_CURRENT"];

/**
 * Material imported for a rotation that has not happened yet: "PENDING_ROTATION identifies key material
 * that has been imported for on-demand key rotation but the rotation hasn't completed."; and
 * "PENDING_MULTI_REGION_IMPORT_AND_ROTATION ... indicates key material that has been imported into the
 * primary Region key but not all of the replica Region keys." (API_RotationsListEntry.html)
 */
export const STAGED_STATES: readonly string[] = ["PENDING_ROTATION", "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"];

/** Options of {@link rotateKeyMaterial}. */
export interface RotateOptions extends ImportOptions {
  /** KeyMaterialDescription of the new material (shown by ListKeyRotations). */
  readonly description: string;
}

/** What {@link rotateKeyMaterial} did. Holds no key material. */
export interface RotateResult {
  readonly key: KeyDescription;
  /** The id ImportKeyMaterial returned for the new material. */
  readonly newMaterialId?: string;
  /** The key's materials after the rotation (empty when they could not be read; see `reportError`). */
  readonly materials: readonly KeyMaterialEntry[];
  readonly reportError?: CliError;
  readonly wrappingKeyBits: number;
  readonly generatedMaterialPath?: string;
}

function statusCommand(arn: string, region: string): string {
  return `${PROGRAM} status --key-id ${arn} --region ${region}`;
}

/**
 * Refuses a key `rotate` cannot (or must not) import new material into, with one line each.
 * - Origin EXTERNAL, SYMMETRIC_DEFAULT: "For asymmetric and HMAC keys, you cannot change the key material
 *   after the initial import. You can import multiple key materials into symmetric encryption keys and
 *   rotate the key material on demand using RotateKeyOnDemand." (API_ImportKeyMaterial.html)
 * - single-Region: "To perform on-demand rotation of a set of related multi-Region keys, import new key
 *   material in the primary Region key, import the same key material in each replica Region key, and
 *   invoke the on-demand rotation on the primary Region key." (API_RotateKeyOnDemand.html). That is a
 *   procedure across regions this command does not run.
 * - Enabled: "the deletion or expiration of any key material in a state other than PENDING_ROTATION
 *   changes the key state to Pending import" (https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-delete-key-material.html):
 *   such a key needs its missing material back first; a Disabled key is refused by RotateKeyOnDemand
 *   ("DisabledException ... the specified KMS key is not enabled", API_RotateKeyOnDemand.html).
 */
export function assertRotatable(key: KeyDescription, region: string): void {
  const status = statusCommand(key.arn, region);
  if (key.origin !== "EXTERNAL") {
    throw new CliError(
      `key ${key.arn} has Origin ${key.origin}, not EXTERNAL: rotate imports new key material, which only EXTERNAL keys take`,
      key.origin === "AWS_KMS" ? "rotate a key with KMS-generated material with `aws kms rotate-key-on-demand` or automatic rotation" : "use an EXTERNAL key",
    );
  }
  if (key.keySpec !== undefined && key.keySpec !== "SYMMETRIC_DEFAULT") {
    throw new CliError(
      `key ${key.arn} is a ${key.keySpec} key: KMS rotates imported material only in symmetric encryption (SYMMETRIC_DEFAULT) keys`,
      "an asymmetric or HMAC key keeps its first material for life; create a new key for new material",
    );
  }
  if (key.multiRegion === true) {
    throw new CliError(
      `key ${key.arn} is a multi-Region key: its rotation imports the new material into the primary Region key first (NEW_KEY_MATERIAL), then the same material into every replica (EXISTING_KEY_MATERIAL), and only then rotates the primary; this command rotates single-Region keys only`,
      "follow the multi-Region procedure in blueprints/imported-material/README.md with the AWS CLI, region by region",
    );
  }
  if (key.keyState === "PendingImport") {
    throw new CliError(
      `key ${key.arn} is in state PendingImport: one of its key materials expired or was deleted, and nothing under the key decrypts until it is back`,
      `find it with \`${status}\` and put it back with \`${PROGRAM} reimport\` before rotating`,
    );
  }
  if (key.keyState === "Disabled") {
    throw new CliError(
      `key ${key.arn} is disabled: KMS does not rotate a disabled key`,
      `enable it first (\`aws kms enable-key --key-id ${key.arn}\`) if it should be in use`,
    );
  }
  if (key.keyState !== "Enabled") {
    throw new CliError(`key ${key.arn} is in state ${key.keyState}, not Enabled`, `rotate needs an Enabled key: check \`${status}\``);
  }
}

/**
 * Refuses what would strand material or fail half-way: a rotation already staged (a second
 * NEW_KEY_MATERIAL import would compete with it; RotateKeyOnDemand needs "that key material's state
 * should be PENDING_ROTATION", API_RotateKeyOnDemand.html), a decrypting material that is not
 * imported, and the on-demand rotation limit.
 */
export function assertMaterialsAllowRotation(materials: readonly KeyMaterialEntry[], arn: string, region: string): void {
  const staged = materials.find((m) => m.state !== undefined && STAGED_STATES.includes(m.state));
  if (staged !== undefined) {
    throw new CliError(
      `key ${arn} already has key material ${staged.keyMaterialId} staged for rotation (${staged.state}): rotating again would stack a second new material on it`,
      `finish that rotation with \`aws kms rotate-key-on-demand --key-id ${arn} --region ${region}\`, or withdraw it with \`aws kms delete-imported-key-material --key-id ${arn} --region ${region} --key-material-id ${staged.keyMaterialId}\` (staged material is not yet bound to the key), then run again`,
    );
  }
  const missing = materials.find((m) => m.state !== undefined && DECRYPTING_STATES.includes(m.state) && m.importState === "PENDING_IMPORT");
  if (missing !== undefined) {
    throw new CliError(
      `key material ${missing.keyMaterialId} of key ${arn} is not imported (it expired or was deleted)`,
      `put it back with \`${PROGRAM} reimport --key-id ${arn} --region ${region} --key-material-id ${missing.keyMaterialId} --material <its backup>\` before rotating`,
    );
  }
  const used = onDemandRotations(materials);
  if (used >= ON_DEMAND_ROTATION_LIMIT) {
    throw new CliError(
      `key ${arn} has used ${used} on-demand rotations, the most KMS allows per key (${ON_DEMAND_ROTATION_LIMIT})`,
      "this key cannot rotate again: create a new EXTERNAL key for new material and move data to it; keep this key and every material backup while data under it remains",
    );
  }
}

/** Completed on-demand rotations: materials ListKeyRotations reports with RotationType ON_DEMAND. */
export function onDemandRotations(materials: readonly KeyMaterialEntry[]): number {
  return materials.filter((m) => m.rotationType === "ON_DEMAND").length;
}

/**
 * `rotate`: DescribeKey and ListKeyRotations (refusals above), GetParametersForImport
 * (RSAES_OAEP_SHA_256), wrap locally, ImportKeyMaterial with ImportType NEW_KEY_MATERIAL and a
 * KeyMaterialDescription, RotateKeyOnDemand, then DescribeKey and ListKeyRotations for the report.
 *
 * - "To import new key material ... set the importType parameter to NEW_KEY_MATERIAL." and "The
 *   default value of the optional ImportType parameter is EXISTING_KEY_MATERIAL."
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-import-key-material.html)
 * - "When you initiate on-demand key rotation on a symmetric encryption KMS key with imported key
 *   material, you must have already imported new key material and that key material's state should
 *   be PENDING_ROTATION." (API_RotateKeyOnDemand.html)
 *
 * Generated material is saved (0600, fsynced, never over a file) before ImportKeyMaterial is sent and
 * removed only when KMS definitely rejected that import. Once the import succeeded the material is
 * KMS's too, so a failed RotateKeyOnDemand keeps the file and says how to finish or withdraw.
 */
export async function rotateKeyMaterial(options: RotateOptions, api: KmsImportApi): Promise<RotateResult> {
  const { material: source } = options;
  preflightImport(options);
  const kms = kmsCaller(options);

  const key = await kms.call("DescribeKey", options.keyId, () => api.describeKey(options.keyId));
  assertRotatable(key, options.region);
  const arn = key.arn;
  const before = await kms.call("ListKeyRotations", arn, () => api.listKeyMaterials(arn));
  assertMaterialsAllowRotation(before, arn, options.region);

  const parameters = await kms.call("GetParametersForImport", arn, () => api.getParametersForImport(arn, options.wrappingKeySpec));
  const wrappingKey = parseWrappingPublicKey(parameters.publicKey, "wrapping public key returned by GetParametersForImport");
  const wrapped = wrapForImport(source, wrappingKey.key);

  const importContext = { ...kms.context("ImportKeyMaterial", arn), newMaterial: true };
  let newMaterialId: string | undefined;
  try {
    ({ keyMaterialId: newMaterialId } = await api.importKeyMaterial({
      keyId: arn,
      importToken: parameters.importToken,
      encryptedKeyMaterial: wrapped,
      expiration: options.expiration,
      importType: "NEW_KEY_MATERIAL",
      keyMaterialDescription: options.description,
    }));
  } catch (e) {
    if (source.kind !== "generate") throw describeKmsError(e, importContext);
    throw importFailureWithGeneratedMaterial(
      e,
      source.outPath,
      importContext,
      `run \`${statusCommand(arn, options.region)}\`: if a PENDING_ROTATION material appeared, back up ${source.outPath} now and finish with \`aws kms rotate-key-on-demand --key-id ${arn}\`; if none did, delete ${source.outPath} and run again`,
    );
  }

  try {
    await api.rotateKeyOnDemand(arn);
  } catch (e) {
    const mapped = describeKmsError(e, kms.context("RotateKeyOnDemand", arn));
    const staged = `new key material ${newMaterialId ?? "(id not returned)"} was imported and is staged (PENDING_ROTATION), but RotateKeyOnDemand failed: ${mapped.what}`;
    const kept = source.kind === "generate" ? `; ${source.outPath} holds it: keep it until the material is withdrawn` : "";
    throw new CliError(
      `${staged}${kept}`,
      `${mapped.fix}; then either finish with \`aws kms rotate-key-on-demand --key-id ${arn} --region ${options.region}\` or withdraw it with \`aws kms delete-imported-key-material --key-id ${arn} --region ${options.region} --key-material-id ${newMaterialId ?? "<id from status>"}\``,
    );
  }

  const common = {
    wrappingKeyBits: wrappingKey.modulusBits,
    ...(newMaterialId === undefined ? {} : { newMaterialId }),
    ...(source.kind === "generate" ? { generatedMaterialPath: source.outPath } : {}),
  };
  try {
    const after = await api.describeKey(arn);
    const materials = await api.listKeyMaterials(arn);
    return { key: after, materials, ...common };
  } catch (e) {
    return { key, materials: [], reportError: describeKmsError(e, kms.context("ListKeyRotations", arn)), ...common };
  }
}

/** Options of {@link reimportKeyMaterial}. */
export interface ReimportOptions extends Omit<ImportOptions, "material"> {
  /** The backup of the material: exactly the bytes first imported. */
  readonly materialPath: string;
  /** The id (from ListKeyRotations) of the material to put back. */
  readonly keyMaterialId: string;
  /** A new KeyMaterialDescription; KMS keeps the old one when omitted. */
  readonly description?: string;
}

/** What {@link reimportKeyMaterial} did. */
export interface ReimportResult {
  readonly key: KeyDescription;
  readonly materials: readonly KeyMaterialEntry[];
  readonly reportError?: CliError;
  readonly wrappingKeyBits: number;
}

/**
 * `reimport`: the same bytes back into a material that expired or was deleted. DescribeKey,
 * ListKeyRotations (the material must exist and be PENDING_IMPORT), GetParametersForImport, wrap,
 * ImportKeyMaterial with ImportType EXISTING_KEY_MATERIAL and KeyMaterialId, DescribeKey and
 * ListKeyRotations for the report.
 *
 * - "When you re-import key material with a specified key material ID, KMS: Computes the identifier for
 *   the key material; Matches the computed identifier against the specified key material ID; Verifies
 *   that the key material ID is already associated with the KMS key" (API_ImportKeyMaterial.html,
 *   KeyMaterialId), so different bytes are refused by KMS (IncorrectKeyMaterialException) and never
 *   become another material.
 * - KMS does not publish how the id is computed, so the file cannot be checked against it locally.
 */
export async function reimportKeyMaterial(options: ReimportOptions, api: KmsImportApi): Promise<ReimportResult> {
  checkKeyMaterialFile(options.materialPath);
  const kms = kmsCaller(options);
  const key = await kms.call("DescribeKey", options.keyId, () => api.describeKey(options.keyId));
  if (key.origin !== "EXTERNAL") {
    throw new CliError(
      `key ${key.arn} has Origin ${key.origin}, not EXTERNAL: it has no imported key material to restore`,
      "reimport into the EXTERNAL key the material belongs to",
    );
  }
  if (key.keySpec !== undefined && key.keySpec !== "SYMMETRIC_DEFAULT") {
    throw new CliError(
      `key ${key.arn} is a ${key.keySpec} key; reimport by key material id works for symmetric encryption keys only`,
      `for this key use \`${PROGRAM} import --material <backup>\` while it is PendingImport`,
    );
  }
  const arn = key.arn;
  const materials = await kms.call("ListKeyRotations", arn, () => api.listKeyMaterials(arn));
  const target = materials.find((m) => m.keyMaterialId === options.keyMaterialId);
  if (target === undefined) {
    const known = materials.map((m) => m.keyMaterialId).join(", ") || "none";
    throw new CliError(
      `key ${arn} has no key material ${options.keyMaterialId} (its materials: ${known})`,
      `copy the id from \`${statusCommand(arn, options.region)}\``,
    );
  }
  if (target.importState !== "PENDING_IMPORT") {
    throw new CliError(
      `key material ${target.keyMaterialId} of key ${arn} is ${target.importState ?? "in an unknown import state"}, not PENDING_IMPORT: there is nothing to restore`,
      "reimport is for material that expired or was deleted; `status` shows which one is",
    );
  }

  const parameters = await kms.call("GetParametersForImport", arn, () => api.getParametersForImport(arn, options.wrappingKeySpec));
  const wrappingKey = parseWrappingPublicKey(parameters.publicKey, "wrapping public key returned by GetParametersForImport");
  const wrapped = wrapForImport({ kind: "file", path: options.materialPath }, wrappingKey.key);
  try {
    await api.importKeyMaterial({
      keyId: arn,
      importToken: parameters.importToken,
      encryptedKeyMaterial: wrapped,
      expiration: options.expiration,
      importType: "EXISTING_KEY_MATERIAL",
      keyMaterialId: options.keyMaterialId,
      ...(options.description === undefined ? {} : { keyMaterialDescription: options.description }),
    });
  } catch (e) {
    throw describeKmsError(e, { ...kms.context("ImportKeyMaterial", arn), reimportOf: options.keyMaterialId });
  }
  try {
    const after = await api.describeKey(arn);
    return { key: after, materials: await api.listKeyMaterials(arn), wrappingKeyBits: wrappingKey.modulusBits };
  } catch (e) {
    return { key, materials: [], reportError: describeKmsError(e, kms.context("ListKeyRotations", arn)), wrappingKeyBits: wrappingKey.modulusBits };
  }
}

/** What `status` found. */
export interface KeyStatus {
  readonly key: KeyDescription;
  readonly materials: readonly KeyMaterialEntry[];
  /** The CURRENT material, if ListKeyRotations names one. */
  readonly current?: KeyMaterialEntry;
  /** Problems with material that still decrypts data: a non-empty list makes `status` exit 1. */
  readonly alerts: readonly string[];
}

/** Options of {@link keyStatus}. */
export interface StatusOptions {
  readonly keyId: string;
  readonly region: string;
  readonly endpointUrl?: string;
  /** Alert when a decrypting material expires within this many days. */
  readonly warnDays: number;
}

/**
 * `status`: DescribeKey and ListKeyRotations (IncludeKeyMaterial ALL_KEY_MATERIAL), then
 * {@link assessMaterials}. Refuses keys that have no key materials to list (not symmetric).
 */
export async function keyStatus(options: StatusOptions, api: KmsImportApi, now: Date = new Date()): Promise<KeyStatus> {
  const kms = kmsCaller(options);
  const key = await kms.call("DescribeKey", options.keyId, () => api.describeKey(options.keyId));
  if (key.keySpec !== undefined && key.keySpec !== "SYMMETRIC_DEFAULT") {
    throw new CliError(
      `key ${key.arn} is a ${key.keySpec} key: KMS lists key materials only for symmetric encryption keys`,
      `use \`aws kms describe-key --key-id ${key.arn}\` for its ValidTo`,
    );
  }
  const materials = await kms.call("ListKeyRotations", key.arn, () => api.listKeyMaterials(key.arn));
  const current = materials.find((m) => m.state === "CURRENT");
  return { key, materials, ...(current === undefined ? {} : { current }), alerts: assessMaterials(key, materials, now, options.warnDays) };
}

/**
 * The alerts of `status`, for material that still decrypts data (CURRENT or NON_CURRENT; staged
 * material has encrypted nothing yet):
 * - not imported (PENDING_IMPORT): it expired or was deleted, and then "the KMS key can't be used in any
 *   cryptographic operations" (importing-keys-delete-key-material.html): nothing under the key decrypts;
 * - expires (KEY_MATERIAL_EXPIRES) within `warnDays`: "When the key material expires, KMS deletes the
 *   key material from the KMS key. Without its key material, the KMS key is unusable."
 *   (API_ImportKeyMaterial.html, ValidTo)
 * - the key itself in PendingImport with no material listed as the cause.
 */
export function assessMaterials(key: KeyDescription, materials: readonly KeyMaterialEntry[], now: Date, warnDays: number): string[] {
  const alerts: string[] = [];
  const horizon = now.getTime() + warnDays * DAY_MS;
  for (const m of materials) {
    if (m.state === undefined || !DECRYPTING_STATES.includes(m.state)) continue;
    if (m.importState === "PENDING_IMPORT") {
      alerts.push(
        `key material ${m.keyMaterialId} (${m.state}) is not imported: it expired or was deleted, so nothing under the key decrypts until it is reimported`,
      );
    } else if (m.expirationModel === "KEY_MATERIAL_EXPIRES" && m.validTo !== undefined && m.validTo.getTime() <= horizon) {
      alerts.push(`key material ${m.keyMaterialId} (${m.state}) expires ${m.validTo.toISOString()} (${inDays(m.validTo, now)}), within ${warnDays} days`);
    }
  }
  if (key.keyState === "PendingImport" && alerts.length === 0) {
    alerts.push(`key ${key.arn} is in state PendingImport: it has no usable key material`);
  }
  return alerts;
}

/** "in 12 days", "in 3 hours", "2 days ago". */
export function inDays(date: Date, now: Date): string {
  const ms = date.getTime() - now.getTime();
  const days = Math.floor(Math.abs(ms) / DAY_MS);
  const amount = days >= 1 ? `${days} day${days === 1 ? "" : "s"}` : `${Math.floor(Math.abs(ms) / 3_600_000)} hours`;
  return ms >= 0 ? `in ${amount}` : `${amount} ago`;
}

/** The materials as an aligned table, one row each: id, state, import state, expiry, rotation, description. */
export function formatMaterials(materials: readonly KeyMaterialEntry[], now: Date): string {
  if (materials.length === 0) return "  (no key materials listed)\n";
  const rows = [
    ["KEY MATERIAL ID", "STATE", "IMPORT", "EXPIRES", "ROTATED", "DESCRIPTION"],
    ...materials.map((m) => [
      m.keyMaterialId,
      m.state ?? "-",
      m.importState ?? "-",
      m.expirationModel === "KEY_MATERIAL_EXPIRES" && m.validTo !== undefined
        ? `${m.validTo.toISOString()} (${inDays(m.validTo, now)})`
        : m.expirationModel === "KEY_MATERIAL_DOES_NOT_EXPIRE"
          ? "never"
          : "-",
      m.rotationDate === undefined ? "-" : `${m.rotationDate.toISOString()} ${m.rotationType ?? ""}`.trim(),
      m.description ?? "-",
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")}\n`).join("");
}
