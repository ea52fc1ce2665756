/**
 * @sse-kms/key-material: the BYOK key-material ceremony for EXTERNAL-origin KMS keys.
 * The CLI (`sse-kms-key-material`) is `main` in ./cli; this is the library underneath it.
 */
export { main, type CliIo } from "./cli";
export {
  importKeyMaterial,
  preflightImport,
  wrapToFile,
  assertReadyForImport,
  type ImportOptions,
  type ImportResult,
  type WrapToFileOptions,
  type WrapToFileResult,
} from "./ceremony";
export { CliError, UsageError, PROGRAM, EXIT_OK, EXIT_FAILURE, EXIT_USAGE, formatErrorLine } from "./errors";
export { MAX_VALID_TO_DAYS, NO_EXPIRY, parseValidTo, expirationFromOptions, type KeyMaterialExpiration } from "./expiration";
export { describeKmsError, isDefiniteRejection, kmsErrorName, type KmsCallContext, type KmsOperation } from "./kms-errors";
export {
  DEFAULT_WRAPPING_KEY_SPEC,
  WRAPPING_KEY_SPECS,
  isWrappingKeySpec,
  type WrappingKeySpec,
  type KeyDescription,
  type ImportParameters,
  type KmsImportApi,
  type KeyMaterialEntry,
  type ImportRequest,
  type ImportType,
  type KmsConnection,
} from "./kms-types";
export { KEY_MATERIAL_BYTES, generateKeyMaterial, readKeyMaterialFile, assertValidKeyMaterial, zeroize } from "./material";
export type { MaterialSource } from "./material-source";
export { KMS_REGIONS, KMS_REGIONS_BY_PARTITION, assertKnownRegion } from "./regions";
export { DEFAULT_WRAPPING_ALGORITHM, WRAPPING_ALGORITHMS, isWrappingAlgorithm, wrapKeyMaterial, type WrappingAlgorithm } from "./wrap";
export { WRAPPING_KEY_MODULUS_BITS, parseWrappingPublicKey, readWrappingPublicKeyFile, type WrappingPublicKey, type WrappingKeyEncoding } from "./wrapping-key";
export type { KmsApiFactory, Output } from "./commands";
export {
  ON_DEMAND_ROTATION_LIMIT,
  DEFAULT_WARN_DAYS,
  DECRYPTING_STATES,
  STAGED_STATES,
  assertRotatable,
  assertMaterialsAllowRotation,
  assessMaterials,
  onDemandRotations,
  rotateKeyMaterial,
  reimportKeyMaterial,
  keyStatus,
  type RotateOptions,
  type RotateResult,
  type ReimportOptions,
  type ReimportResult,
  type KeyStatus,
  type StatusOptions,
} from "./rotation";
export { createKmsImportApi } from "./kms-client";
