import { constants, publicEncrypt, type KeyObject } from "node:crypto";
import { assertValidKeyMaterial } from "./material";

/**
 * Wrapping algorithms for 32-byte symmetric material, as KMS names them. Both are RSAES-OAEP with
 * the same hash for OAEP and MGF1. RSAES_OAEP_SHA_256 is the default and the recommended one.
 */
export const WRAPPING_ALGORITHMS = ["RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1"] as const;

/** A wrapping algorithm this CLI implements. */
export type WrappingAlgorithm = (typeof WRAPPING_ALGORITHMS)[number];

/** The default wrapping algorithm: RSAES-OAEP with SHA-256 (hash and MGF1). */
export const DEFAULT_WRAPPING_ALGORITHM: WrappingAlgorithm = "RSAES_OAEP_SHA_256";

const OAEP_HASH: Record<WrappingAlgorithm, string> = {
  RSAES_OAEP_SHA_256: "sha256",
  RSAES_OAEP_SHA_1: "sha1",
};

/** True when `name` is one of {@link WRAPPING_ALGORITHMS}. */
export function isWrappingAlgorithm(name: string): name is WrappingAlgorithm {
  return (WRAPPING_ALGORITHMS as readonly string[]).includes(name);
}

/**
 * Encrypts ("wraps") 32 bytes of key material under a KMS wrapping public key with RSAES-OAEP.
 * The result is the raw EncryptedKeyMaterial that ImportKeyMaterial takes
 * (`aws kms import-key-material --encrypted-key-material fileb://...`). Does not modify or keep
 * `material`; zeroing it stays the caller's job.
 * @throws CliError when the material is not exactly 32 bytes
 */
export function wrapKeyMaterial(material: Uint8Array, wrappingKey: KeyObject, algorithm: WrappingAlgorithm = DEFAULT_WRAPPING_ALGORITHM): Buffer {
  assertValidKeyMaterial(material);
  return publicEncrypt({ key: wrappingKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[algorithm] }, material);
}
