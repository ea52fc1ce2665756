import { randomFillSync } from "node:crypto";
import { CliError } from "./errors";
import { readSmallFile } from "./files";

/** Imported key material for a SYMMETRIC_DEFAULT KMS key is a 256-bit AES key: exactly 32 bytes. */
export const KEY_MATERIAL_BYTES = 32;

/** Files up to this size are read to suggest a fix (hex or base64 text); larger ones are refused unread. */
const MAX_INSPECTED_BYTES = 128;

/**
 * 32 bytes from the operating system's CSPRNG (the same source as `crypto.randomBytes`), in a
 * fresh, unpooled buffer the caller owns. Zero it with {@link zeroize} when done.
 */
export function generateKeyMaterial(): Buffer {
  const material = Buffer.alloc(KEY_MATERIAL_BYTES);
  randomFillSync(material);
  return material;
}

/** Overwrites a buffer that held plaintext key material with zeros. Accepts undefined for `finally` blocks. */
export function zeroize(buffer: Uint8Array | undefined): void {
  buffer?.fill(0);
}

/**
 * Throws unless `material` is exactly {@link KEY_MATERIAL_BYTES} long and not all zeros
 * (an all-zero key is always a mistake: an empty buffer or a wiped file).
 * @param source how messages name where the material came from
 */
export function assertValidKeyMaterial(material: Uint8Array, source = "key material"): void {
  if (material.length !== KEY_MATERIAL_BYTES) {
    throw new CliError(
      `${source} is ${material.length} bytes, expected exactly ${KEY_MATERIAL_BYTES}`,
      "key material must be 32 raw bytes (a 256-bit AES key)",
    );
  }
  if (material.every((b) => b === 0)) {
    throw new CliError(`${source} is all zero bytes`, "use real key material, or --generate");
  }
}

/** Text files that often stand in for raw material by mistake: hex and base64 encodings of 32 bytes. */
function encodingHint(content: Buffer): string | undefined {
  const text = content.toString("latin1").trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return "it looks like hex text: decode it with `xxd -r -p in.hex > out.material`";
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return "it looks like base64 text: decode it with `base64 -d in.b64 > out.material`";
  return undefined;
}

/**
 * Reads a key-material file: exactly 32 raw bytes, refused otherwise with a message that names the
 * size (and the likely fix when the file holds hex or base64 text). The returned buffer is the
 * caller's to {@link zeroize}; on refusal every byte read has already been zeroed.
 * @param flag the option that named the file, for messages
 */
export function readKeyMaterialFile(path: string, flag = "--material"): Buffer {
  const content = readSmallFile(path, "material file", flag, MAX_INSPECTED_BYTES, (size) => {
    if (size > MAX_INSPECTED_BYTES) throw sizeError(path, flag, size, undefined);
  });
  try {
    if (content.length !== KEY_MATERIAL_BYTES) throw sizeError(path, flag, content.length, encodingHint(content));
    assertValidKeyMaterial(content, `material file ${path} (${flag})`);
    return content;
  } catch (e) {
    zeroize(content);
    throw e;
  }
}

/**
 * Validates a key-material file early (reads it, checks it, zeroes the copy), so a wrong file is
 * refused before any network call; the material is read again only when it is about to be wrapped.
 */
export function checkKeyMaterialFile(path: string, flag = "--material"): void {
  zeroize(readKeyMaterialFile(path, flag));
}

function sizeError(path: string, flag: string, size: number, hint: string | undefined): CliError {
  const what = `material file ${path} (${flag}) is ${size} bytes, expected exactly ${KEY_MATERIAL_BYTES}`;
  return new CliError(
    hint === undefined ? what : `${what}; ${hint}`,
    "key material must be 32 raw bytes (a 256-bit AES key): use --generate, or `openssl rand -out key.material 32`",
  );
}
