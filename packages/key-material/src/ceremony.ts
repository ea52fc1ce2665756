import type { KeyObject } from "node:crypto";
import { CliError, PROGRAM } from "./errors";
import type { KeyMaterialExpiration } from "./expiration";
import { assertPathFree, PUBLIC_FILE_MODE, removeFile, SECRET_FILE_MODE, writeNewFile } from "./files";
import { describeKmsError, isDefiniteRejection, type KmsCallContext, type KmsOperation } from "./kms-errors";
import type { KeyDescription, KmsImportApi, WrappingKeySpec } from "./kms-types";
import { checkKeyMaterialFile, generateKeyMaterial, readKeyMaterialFile, zeroize } from "./material";
import type { MaterialSource } from "./material-source";
import { DEFAULT_WRAPPING_ALGORITHM, wrapKeyMaterial, type WrappingAlgorithm } from "./wrap";
import { parseWrappingPublicKey, readWrappingPublicKeyFile, type WrappingKeyEncoding } from "./wrapping-key";

/** Options of {@link wrapToFile}: the offline, air-gapped step. */
export interface WrapToFileOptions {
  /** File with the KMS wrapping public key (DER, PEM or base64 of DER). */
  readonly wrappingKeyPath: string;
  /** New file for the raw wrapped bytes; never overwritten. */
  readonly outPath: string;
  readonly material: MaterialSource;
  readonly algorithm?: WrappingAlgorithm;
}

/** What {@link wrapToFile} did. Holds no key material. */
export interface WrapToFileResult {
  readonly outPath: string;
  readonly wrappedBytes: number;
  readonly modulusBits: number;
  readonly keyEncoding: WrappingKeyEncoding;
  readonly algorithm: WrappingAlgorithm;
  /** Set when the material was generated: where it was saved (mode 0600). */
  readonly generatedMaterialPath?: string;
}

/**
 * Wraps 32 bytes of key material under a KMS wrapping public key and writes the raw ciphertext to a
 * new file. With `--generate` the material is saved first (mode 0600, never over an existing file).
 * On any failure nothing is left behind: files created by this call are removed. Plaintext material
 * is zeroed before returning or throwing.
 */
export function wrapToFile(options: WrapToFileOptions): WrapToFileResult {
  const algorithm = options.algorithm ?? DEFAULT_WRAPPING_ALGORITHM;
  assertPathFree(options.outPath, "--out");
  if (options.material.kind === "generate") assertPathFree(options.material.outPath, "--material-out");
  const wrappingKey = readWrappingPublicKeyFile(options.wrappingKeyPath);
  const material = options.material.kind === "generate" ? generateKeyMaterial() : readKeyMaterialFile(options.material.path);
  try {
    const wrapped = wrapKeyMaterial(material, wrappingKey.key, algorithm);
    if (options.material.kind === "generate") writeNewFile(options.material.outPath, material, SECRET_FILE_MODE, "--material-out");
    try {
      writeNewFile(options.outPath, wrapped, PUBLIC_FILE_MODE, "--out");
    } catch (e) {
      // The generated material was never used anywhere: removing it leaves nothing behind.
      if (options.material.kind === "generate") removeFile(options.material.outPath);
      throw e;
    }
    return {
      outPath: options.outPath,
      wrappedBytes: wrapped.length,
      modulusBits: wrappingKey.modulusBits,
      keyEncoding: wrappingKey.encoding,
      algorithm,
      ...(options.material.kind === "generate" ? { generatedMaterialPath: options.material.outPath } : {}),
    };
  } finally {
    zeroize(material);
  }
}

/** Options of {@link importKeyMaterial}: the online ceremony. */
export interface ImportOptions {
  /** Key id, key ARN, alias name (`alias/x`) or alias ARN. */
  readonly keyId: string;
  readonly region: string;
  readonly endpointUrl?: string;
  readonly material: MaterialSource;
  readonly wrappingKeySpec: WrappingKeySpec;
  readonly expiration: KeyMaterialExpiration;
}

/** What {@link importKeyMaterial} did. Holds no key material. */
export interface ImportResult {
  /** The key as DescribeKey shows it after the import (or before, if that last call failed). */
  readonly key: KeyDescription;
  /** False when the import succeeded but the DescribeKey after it failed; see `confirmError`. */
  readonly confirmed: boolean;
  readonly confirmError?: CliError;
  readonly wrappingKeyBits: number;
  /** Set when the material was generated: where it was saved (mode 0600). */
  readonly generatedMaterialPath?: string;
}

/**
 * The local checks of {@link importKeyMaterial}, with no network call: the material file is 32 valid
 * bytes, or the `--material-out` path is free. Also run by importKeyMaterial itself.
 */
export function preflightImport(options: Pick<ImportOptions, "material">): void {
  if (options.material.kind === "generate") assertPathFree(options.material.outPath, "--material-out");
  else checkKeyMaterialFile(options.material.path);
}

/**
 * The online ceremony: DescribeKey (refuse unless Origin EXTERNAL, KeyState PendingImport,
 * SYMMETRIC_DEFAULT), GetParametersForImport (RSAES_OAEP_SHA_256), wrap, ImportKeyMaterial,
 * DescribeKey again. Material files are checked before any network call.
 *
 * With generated material the file is written (mode 0600, fsynced) *before* ImportKeyMaterial is
 * sent: material KMS holds but nobody else does could never be backed up. If KMS definitely
 * rejects the import (a 4xx answer to the single request) the file is removed; if the outcome is
 * unknown (network error, timeout, 5xx) it is kept and the error says so.
 */
export async function importKeyMaterial(options: ImportOptions, api: KmsImportApi): Promise<ImportResult> {
  const { material: source } = options;
  preflightImport(options);
  const kms = kmsCaller(options);

  const before = await kms.call("DescribeKey", options.keyId, () => api.describeKey(options.keyId));
  assertReadyForImport(before, options.region);
  const arn = before.arn;
  const parameters = await kms.call("GetParametersForImport", arn, () => api.getParametersForImport(arn, options.wrappingKeySpec));
  const wrappingKey = parseWrappingPublicKey(parameters.publicKey, "wrapping public key returned by GetParametersForImport");
  const wrapped = wrapForImport(source, wrappingKey.key);

  try {
    await api.importKeyMaterial({ keyId: arn, importToken: parameters.importToken, encryptedKeyMaterial: wrapped, expiration: options.expiration });
  } catch (e) {
    const context = kms.context("ImportKeyMaterial", arn);
    throw source.kind === "generate" ? importFailureWithGeneratedMaterial(e, source.outPath, context) : describeKmsError(e, context);
  }

  const common = { wrappingKeyBits: wrappingKey.modulusBits, ...(source.kind === "generate" ? { generatedMaterialPath: source.outPath } : {}) };
  try {
    return { key: await api.describeKey(arn), confirmed: true, ...common };
  } catch (e) {
    return { key: before, confirmed: false, confirmError: describeKmsError(e, kms.context("DescribeKey", arn)), ...common };
  }
}

/** Runs KMS calls so that their SDK errors become one-line CliErrors naming the call. */
export interface KmsCaller {
  context(operation: KmsOperation, keyId: string): KmsCallContext;
  call<T>(operation: KmsOperation, keyId: string, run: () => Promise<T>): Promise<T>;
}

/** A {@link KmsCaller} for one region (and endpoint). */
export function kmsCaller(options: Pick<ImportOptions, "region" | "endpointUrl">): KmsCaller {
  const context = (operation: KmsOperation, keyId: string): KmsCallContext => ({
    operation,
    keyId,
    region: options.region,
    ...(options.endpointUrl === undefined ? {} : { endpointUrl: options.endpointUrl }),
  });
  const call = async <T>(operation: KmsOperation, keyId: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      throw describeKmsError(e, context(operation, keyId));
    }
  };
  return { context, call };
}

/**
 * Reads or generates the material, wraps it with RSAES_OAEP_SHA_256, and saves generated material
 * (mode 0600, fsynced) so that it exists before the import is sent. The plaintext is zeroed before
 * this returns or throws; only the ciphertext leaves.
 */
export function wrapForImport(source: MaterialSource, wrappingKey: KeyObject): Buffer {
  const material = source.kind === "generate" ? generateKeyMaterial() : readKeyMaterialFile(source.path);
  try {
    const wrapped = wrapKeyMaterial(material, wrappingKey, "RSAES_OAEP_SHA_256");
    if (source.kind === "generate") writeNewFile(source.outPath, material, SECRET_FILE_MODE, "--material-out");
    return wrapped;
  } finally {
    zeroize(material);
  }
}

/**
 * The error for a failed ImportKeyMaterial after generated material was saved: removes the file
 * when KMS definitely rejected the request, keeps it (and says why) when the outcome is unknown.
 */
export function importFailureWithGeneratedMaterial(
  error: unknown,
  materialPath: string,
  context: KmsCallContext,
  checkFix = `run \`aws kms describe-key --key-id ${context.keyId} --region ${context.region}\`: if KeyState is Enabled, back up ${materialPath} now; if it is PendingImport, delete ${materialPath} and run again`,
): CliError {
  const mapped = describeKmsError(error, context);
  if (isDefiniteRejection(error)) {
    if (removeFile(materialPath)) {
      return new CliError(`${mapped.what}; the generated material was not imported and ${materialPath} was removed`, mapped.fix);
    }
    return new CliError(
      `${mapped.what}; the generated material was not imported but ${materialPath} could not be removed`,
      `delete ${materialPath} yourself; then ${mapped.fix}`,
    );
  }
  return new CliError(
    `could not confirm that KMS received the import: ${mapped.what}; the generated material was kept in ${materialPath} because KMS may have imported it`,
    checkFix,
  );
}

/** Refuses a key that cannot take 32-byte imported material now, saying why and what to do. */
export function assertReadyForImport(key: KeyDescription, region: string): void {
  const describe = `aws kms describe-key --key-id ${key.arn} --region ${region}`;
  if (key.origin !== "EXTERNAL") {
    throw new CliError(
      `key ${key.arn} has Origin ${key.origin}, not EXTERNAL: its key material was not imported and cannot be replaced`,
      "import into a key created with Origin EXTERNAL (the imported-material blueprint creates one)",
    );
  }
  if (key.keySpec !== undefined && key.keySpec !== "SYMMETRIC_DEFAULT") {
    throw new CliError(
      `key ${key.arn} is a ${key.keySpec} key; this CLI imports 32-byte material into SYMMETRIC_DEFAULT keys only (what S3 SSE-KMS uses)`,
      "import into a SYMMETRIC_DEFAULT key",
    );
  }
  if (key.keyState !== "PendingImport") {
    throw new CliError(`key ${key.arn} is in state ${key.keyState}, not PendingImport`, stateFix(key.keyState, key.arn, describe));
  }
}

function stateFix(state: string, arn: string, describe: string): string {
  switch (state) {
    case "Enabled":
    case "Disabled":
      return `it already holds key material and nothing was imported; to add new material and rotate to it use \`${PROGRAM} rotate\`, to restore a material that expired or was deleted use \`${PROGRAM} reimport\``;
    case "PendingDeletion":
    case "PendingReplicaDeletion":
      return `it is scheduled for deletion: run \`aws kms cancel-key-deletion --key-id ${arn}\` first if you mean to keep it`;
    case "Creating":
    case "Updating":
      return "KMS is still working on the key: wait a minute and run again";
    default:
      return `import needs KeyState PendingImport: check \`${describe}\``;
  }
}
