/**
 * The KMS side of the ceremony, as plain types (no SDK import here, so the offline `wrap` path never
 * loads `@aws-sdk/client-kms`). The SDK adapter is in `kms-client.ts`.
 */
import type { KeyMaterialExpiration } from "./expiration";

/** RSA wrapping key sizes this CLI requests from GetParametersForImport. */
export const WRAPPING_KEY_SPECS = ["RSA_2048", "RSA_3072", "RSA_4096"] as const;

/** A WrappingKeySpec for GetParametersForImport. */
export type WrappingKeySpec = (typeof WRAPPING_KEY_SPECS)[number];

/**
 * Default WrappingKeySpec: RSA_4096. KMS's API reference says "use the longest RSA wrapping key that
 * is practical", and here it costs nothing (one 32-byte encryption). RSA_2048 gives only ~112-bit
 * security, which NIST SP 800-57 retires after 2030, and wrapped material that is recorded in
 * transit or kept on disk stays exposed to a future break of that key.
 */
export const DEFAULT_WRAPPING_KEY_SPEC: WrappingKeySpec = "RSA_4096";

/** True when `name` is one of {@link WRAPPING_KEY_SPECS}. */
export function isWrappingKeySpec(name: string): name is WrappingKeySpec {
  return (WRAPPING_KEY_SPECS as readonly string[]).includes(name);
}

/** What DescribeKey says about a key, reduced to what the ceremony checks and reports. */
export interface KeyDescription {
  readonly keyId: string;
  readonly arn: string;
  /** KeyState: PendingImport, Enabled, Disabled, PendingDeletion, ... */
  readonly keyState: string;
  /** Origin: EXTERNAL for keys that take imported material. */
  readonly origin: string;
  readonly keySpec?: string;
  readonly keyUsage?: string;
  readonly expirationModel?: string;
  readonly validTo?: Date;
  /** MultiRegion: true for multi-Region keys (primary or replica). */
  readonly multiRegion?: boolean;
  /** CurrentKeyMaterialId: present for single-Region symmetric keys with EXTERNAL origin. */
  readonly currentKeyMaterialId?: string;
}

/** ImportType of ImportKeyMaterial (symmetric encryption keys only). */
export type ImportType = "NEW_KEY_MATERIAL" | "EXISTING_KEY_MATERIAL";

/** One key material of a key, as ListKeyRotations (IncludeKeyMaterial ALL_KEY_MATERIAL) reports it. */
export interface KeyMaterialEntry {
  readonly keyMaterialId: string;
  /** KeyMaterialState: CURRENT, NON_CURRENT, PENDING_ROTATION or PENDING_MULTI_REGION_IMPORT_AND_ROTATION. */
  readonly state?: string;
  /** ImportState: IMPORTED or PENDING_IMPORT. */
  readonly importState?: string;
  /** KEY_MATERIAL_EXPIRES or KEY_MATERIAL_DOES_NOT_EXPIRE. */
  readonly expirationModel?: string;
  readonly validTo?: Date;
  readonly description?: string;
  /** When the rotation that made this material current completed; absent for the first and for staged material. */
  readonly rotationDate?: Date;
  /** AUTOMATIC or ON_DEMAND; absent for the first and for staged material. */
  readonly rotationType?: string;
}

/** An ImportKeyMaterial request, without the SDK's types. */
export interface ImportRequest {
  readonly keyId: string;
  readonly importToken: Uint8Array;
  readonly encryptedKeyMaterial: Uint8Array;
  readonly expiration: KeyMaterialExpiration;
  /** Omitted: KMS's default (NEW_KEY_MATERIAL for the first import, EXISTING_KEY_MATERIAL after it). */
  readonly importType?: ImportType;
  readonly keyMaterialDescription?: string;
  /** Only with EXISTING_KEY_MATERIAL: KMS checks that the material has this id. */
  readonly keyMaterialId?: string;
}

/** A GetParametersForImport answer: a wrapping public key and the import token that goes with it. */
export interface ImportParameters {
  /** DER SubjectPublicKeyInfo of the RSA wrapping key. */
  readonly publicKey: Uint8Array;
  readonly importToken: Uint8Array;
  /** When the public key and token stop working (24 hours after issue). */
  readonly parametersValidTo?: Date;
}

/** The KMS operations the ceremony uses. Errors are the SDK's (see `describeKmsError`). */
export interface KmsImportApi {
  describeKey(keyId: string): Promise<KeyDescription>;
  getParametersForImport(keyId: string, wrappingKeySpec: WrappingKeySpec): Promise<ImportParameters>;
  /**
   * Sent exactly once (no automatic retry): a retried import whose first attempt succeeded unseen
   * would fail and hide the success, and the CLI decides whether to delete generated material from
   * the outcome of this one request.
   */
  importKeyMaterial(request: ImportRequest): Promise<{ readonly keyMaterialId?: string }>;
  /** Every material of the key: ListKeyRotations with IncludeKeyMaterial ALL_KEY_MATERIAL, all pages. */
  listKeyMaterials(keyId: string): Promise<KeyMaterialEntry[]>;
  /**
   * RotateKeyOnDemand, sent exactly once: a retry after an unseen success would find nothing staged
   * and fail, hiding the success.
   */
  rotateKeyOnDemand(keyId: string): Promise<void>;
  /** Releases sockets. */
  close(): void;
}

/** Where to reach KMS. */
export interface KmsConnection {
  readonly region: string;
  /** Overrides the endpoint, e.g. a VPC endpoint or a local test server. */
  readonly endpointUrl?: string;
}
