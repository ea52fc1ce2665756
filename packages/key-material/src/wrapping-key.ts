import { createPublicKey, type KeyObject } from "node:crypto";
import { CliError } from "./errors";
import { readSmallFile } from "./files";

/** RSA modulus sizes of the wrapping keys KMS issues (WrappingKeySpec RSA_2048, RSA_3072, RSA_4096). */
export const WRAPPING_KEY_MODULUS_BITS = [2048, 3072, 4096] as const;

/** How a wrapping public key was encoded where it was found. */
export type WrappingKeyEncoding = "der" | "pem" | "base64";

/** An RSA public key that KMS issued to wrap key material for import. */
export interface WrappingPublicKey {
  /** The parsed public key. */
  readonly key: KeyObject;
  /** RSA modulus length in bits: 2048, 3072 or 4096. */
  readonly modulusBits: number;
  /** The encoding it was read from. */
  readonly encoding: WrappingKeyEncoding;
}

const MALFORMED_FIX =
  "pass the PublicKey from GetParametersForImport: the base64 text of `--query PublicKey --output text`, that text decoded with `base64 -d` (DER), or a PEM PUBLIC KEY";

/**
 * Parses a KMS wrapping public key given as DER (SubjectPublicKeyInfo, what GetParametersForImport
 * returns), PEM (`-----BEGIN PUBLIC KEY-----`), or base64 text of the DER (what the AWS CLI prints).
 * Refuses private keys, non-RSA keys and RSA sizes KMS does not issue.
 * @param source how messages name the key, e.g. `wrapping key file k.der (--wrapping-key)`
 */
export function parseWrappingPublicKey(bytes: Uint8Array, source = "wrapping public key"): WrappingPublicKey {
  const text = Buffer.from(bytes).toString("latin1").trim();
  let key: KeyObject;
  let encoding: WrappingKeyEncoding;
  if (text.startsWith("-----BEGIN")) {
    if (/PRIVATE KEY-----/.test(text)) {
      throw new CliError(`${source} is a private key`, "pass the public wrapping key that KMS returned; never copy private keys around");
    }
    encoding = "pem";
    key = parseOrThrow(() => createPublicKey({ key: text, format: "pem" }), source);
  } else if (looksLikeBase64(text)) {
    encoding = "base64";
    key = parseDer(Buffer.from(text.replace(/\s+/g, ""), "base64"), source);
  } else {
    encoding = "der";
    key = parseDer(Buffer.from(bytes), source);
  }
  return { key, modulusBits: checkRsaWrappingKey(key, source), encoding };
}

/**
 * Reads and parses a wrapping public key file (see {@link parseWrappingPublicKey}).
 * @param flag the option that named the file, for messages
 */
export function readWrappingPublicKeyFile(path: string, flag = "--wrapping-key"): WrappingPublicKey {
  const bytes = readSmallFile(path, "wrapping key file", flag, 64 * 1024);
  if (bytes.length === 0) throw new CliError(`wrapping key file ${path} (${flag}) is empty`, MALFORMED_FIX);
  return parseWrappingPublicKey(bytes, `wrapping key file ${path} (${flag})`);
}

/** Base64 text (the AWS CLI's output for blobs), possibly wrapped over several lines. */
function looksLikeBase64(text: string): boolean {
  const compact = text.replace(/\s+/g, "");
  return compact.length > 0 && compact.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact);
}

function parseDer(der: Buffer, source: string): KeyObject {
  return parseOrThrow(() => createPublicKey({ key: der, format: "der", type: "spki" }), source);
}

function parseOrThrow(parse: () => KeyObject, source: string): KeyObject {
  try {
    return parse();
  } catch {
    throw new CliError(`malformed ${source}: not a DER SubjectPublicKeyInfo, PEM public key, or base64 of DER`, MALFORMED_FIX);
  }
}

/** Returns the modulus length after checking the key is an RSA key of a size KMS issues. */
function checkRsaWrappingKey(key: KeyObject, source: string): number {
  if (key.asymmetricKeyType !== "rsa") {
    throw new CliError(
      `${source} is a ${key.asymmetricKeyType ?? "non-RSA"} key, not RSA`,
      "KMS wraps symmetric key material with RSA: request WrappingKeySpec RSA_2048, RSA_3072 or RSA_4096",
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (!(WRAPPING_KEY_MODULUS_BITS as readonly number[]).includes(bits)) {
    throw new CliError(
      `${source} is a ${bits}-bit RSA key; KMS wrapping keys are 2048, 3072 or 4096 bits`,
      "pass the PublicKey returned by GetParametersForImport",
    );
  }
  return bits;
}
