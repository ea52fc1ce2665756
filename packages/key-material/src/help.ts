import { PROGRAM } from "./errors";
import { MAX_VALID_TO_DAYS } from "./expiration";
import { DEFAULT_WRAPPING_KEY_SPEC, WRAPPING_KEY_SPECS } from "./kms-types";
import { DEFAULT_WARN_DAYS, ON_DEMAND_ROTATION_LIMIT } from "./rotation";
import { DEFAULT_WRAPPING_ALGORITHM, WRAPPING_ALGORITHMS } from "./wrap";

/** `sse-kms-key-material --help`. */
export const MAIN_HELP = `Usage: ${PROGRAM} <command> [options]

Key-material ceremony for EXTERNAL-origin (BYOK) KMS keys used for S3 SSE-KMS.

Commands:
  import     Online: fetch a wrapping key from KMS, wrap the material, import it, show the key state.
  wrap       Offline (air-gapped): wrap 32 bytes of key material under a KMS wrapping public key.
  rotate     Online: import NEW key material into an Enabled key, then RotateKeyOnDemand to it.
  status     Online: list the key's materials and their expiry; exit 1 when one lapses soon.
  reimport   Online: put the same bytes back into a key material that expired or was deleted.

Run '${PROGRAM} <command> --help' for a command's options.
Plaintext key material is never printed. Exit status: 0 ok, 1 failure, 2 usage error.
`;

/** `sse-kms-key-material wrap --help`. */
export const WRAP_HELP = `Usage: ${PROGRAM} wrap --wrapping-key <file> --out <file>
         (--material <file> | --generate --material-out <file>)
         [--wrapping-algorithm ${WRAPPING_ALGORITHMS.join("|")}]

Offline step of the air-gapped ceremony: encrypt ("wrap") 32 bytes of key material under the
wrapping public key from 'aws kms get-parameters-for-import', for 'aws kms import-key-material'.

Options:
  --wrapping-key <file>       The PublicKey from get-parameters-for-import: DER (SubjectPublicKeyInfo),
                              PEM, or the base64 text the AWS CLI prints.
  --out <file>                New file for the raw wrapped bytes (pass it as
                              --encrypted-key-material fileb://<file>). Never overwritten.
  --material <file>           Existing key material: exactly 32 raw bytes.
  --generate                  Generate new material from the OS CSPRNG instead...
  --material-out <file>       ...and save it here (mode 0600, never overwritten). Back it up.
  --wrapping-algorithm <alg>  Must match the --wrapping-algorithm given to get-parameters-for-import.
                              Default ${DEFAULT_WRAPPING_ALGORITHM}.
  -h, --help                  Show this help.
`;

/** `sse-kms-key-material import --help`. */
export const IMPORT_HELP = `Usage: ${PROGRAM} import --key-id <id|alias|arn> --region <region>
         (--material <file> | --generate --material-out <file>)
         [--wrapping-key-spec ${WRAPPING_KEY_SPECS.join("|")}]
         [--valid-to <ISO-8601> | --no-expiry] [--endpoint-url <url>]

Online ceremony: DescribeKey (the key must be Origin EXTERNAL, KeyState PendingImport),
GetParametersForImport (RSAES_OAEP_SHA_256), wrap locally, ImportKeyMaterial, then DescribeKey
to show the result. Uses the standard AWS credential chain (AWS_PROFILE, SSO, env, roles).

Options:
  --key-id <id>               Key id, key ARN, alias/<name> or alias ARN of the EXTERNAL key.
  --region <region>           AWS region of the key, e.g. eu-west-1.
  --material <file>           Existing key material: exactly 32 raw bytes.
  --generate                  Generate new material from the OS CSPRNG instead...
  --material-out <file>       ...and save it here (mode 0600, never overwritten) before the import
                              is sent; removed again if KMS rejects the import. Back it up.
  --wrapping-key-spec <spec>  RSA wrapping key size to request. Default ${DEFAULT_WRAPPING_KEY_SPEC}.
  --valid-to <timestamp>      Material expires at this time (KEY_MATERIAL_EXPIRES), e.g.
                              2027-12-31T23:59:59Z; future, at most ${MAX_VALID_TO_DAYS} days away.
                              Every object under the key is unreadable once it lapses, until the
                              same material is reimported.
  --no-expiry                 Material does not expire (KEY_MATERIAL_DOES_NOT_EXPIRE). The default.
  --endpoint-url <url>        KMS endpoint to use instead of the regional one (VPC endpoint, tests);
                              https://, or http:// to a loopback host only (localhost, 127.0.0.0/8, [::1]).
  -h, --help                  Show this help.
`;

/** `sse-kms-key-material rotate --help`. */
export const ROTATE_HELP = `Usage: ${PROGRAM} rotate --key-id <id|alias|arn> --region <region>
         (--material <file> | --generate --material-out <file>)
         [--description <text>] [--wrapping-key-spec ${WRAPPING_KEY_SPECS.join("|")}]
         [--valid-to <ISO-8601> | --no-expiry] [--endpoint-url <url>]

On-demand rotation of a symmetric key with imported material: DescribeKey and ListKeyRotations
(refuses a key that is not EXTERNAL SYMMETRIC_DEFAULT, is multi-Region, is not Enabled, already has
material staged (PENDING_ROTATION), or has used its ${ON_DEMAND_ROTATION_LIMIT} on-demand rotations),
GetParametersForImport (RSAES_OAEP_SHA_256), wrap locally, ImportKeyMaterial with ImportType
NEW_KEY_MATERIAL, RotateKeyOnDemand, then the key's materials. Older materials stay with the key
and keep decrypting what they encrypted: keep every material's backup.

Options:
  --key-id <id>               Key id, key ARN, alias/<name> or alias ARN of the EXTERNAL key.
  --region <region>           AWS region of the key, e.g. eu-west-1.
  --material <file>           New key material: exactly 32 raw bytes the key has never held.
  --generate                  Generate new material from the OS CSPRNG instead...
  --material-out <file>       ...and save it here (mode 0600, never overwritten) before the import
                              is sent; removed again if KMS rejects the import. Back it up.
  --description <text>        KeyMaterialDescription of the new material, shown by status.
                              Default "imported by ${PROGRAM} rotate on <date>".
  --wrapping-key-spec <spec>  RSA wrapping key size to request. Default ${DEFAULT_WRAPPING_KEY_SPEC}.
  --valid-to <timestamp>      The new material expires then (KEY_MATERIAL_EXPIRES); at most
                              ${MAX_VALID_TO_DAYS} days away. Every object under the key is unreadable once
                              any of its materials lapses, until it is reimported.
  --no-expiry                 Material does not expire (KEY_MATERIAL_DOES_NOT_EXPIRE). The default.
  --endpoint-url <url>        KMS endpoint instead of the regional one (VPC endpoint, tests);
                              https://, or http:// to a loopback host only.
  -h, --help                  Show this help.
`;

/** `sse-kms-key-material status --help`. */
export const STATUS_HELP = `Usage: ${PROGRAM} status --key-id <id|alias|arn> --region <region>
         [--warn-days <days>] [--endpoint-url <url>]

DescribeKey and ListKeyRotations (IncludeKeyMaterial ALL_KEY_MATERIAL): every key material of the
key (id, state, import state, expiry, rotation, description), the current one and when it expires.
Exit 1 (with one 'alert' line each on stderr) when a material that still decrypts data (CURRENT or
NON_CURRENT) is not imported, or expires within --warn-days: run it on a schedule. Read-only.

Options:
  --key-id <id>               Key id, key ARN, alias/<name> or alias ARN.
  --region <region>           AWS region of the key, e.g. eu-west-1.
  --warn-days <days>          Alert threshold in days. Default ${DEFAULT_WARN_DAYS}.
  --endpoint-url <url>        KMS endpoint instead of the regional one (VPC endpoint, tests).
  -h, --help                  Show this help.
`;

/** `sse-kms-key-material reimport --help`. */
export const REIMPORT_HELP = `Usage: ${PROGRAM} reimport --key-id <id|alias|arn> --region <region>
         --key-material-id <id> --material <backup file>
         [--description <text>] [--wrapping-key-spec ${WRAPPING_KEY_SPECS.join("|")}]
         [--valid-to <ISO-8601> | --no-expiry] [--endpoint-url <url>]

Restores a key material that expired or was deleted (ImportState PENDING_IMPORT): DescribeKey,
ListKeyRotations, GetParametersForImport, wrap locally, ImportKeyMaterial with ImportType
EXISTING_KEY_MATERIAL and the KeyMaterialId; KMS refuses bytes that are not that material.

Options:
  --key-id <id>               Key id, key ARN, alias/<name> or alias ARN of the EXTERNAL key.
  --region <region>           AWS region of the key, e.g. eu-west-1.
  --key-material-id <id>      The material to restore, as '${PROGRAM} status' lists it.
  --material <file>           Its backup: exactly the 32 bytes that were imported as that material.
  --description <text>        A new KeyMaterialDescription (KMS keeps the old one when omitted).
  --wrapping-key-spec <spec>  RSA wrapping key size to request. Default ${DEFAULT_WRAPPING_KEY_SPEC}.
  --valid-to <timestamp>      The material expires then (KEY_MATERIAL_EXPIRES); at most ${MAX_VALID_TO_DAYS} days away.
  --no-expiry                 Material does not expire (KEY_MATERIAL_DOES_NOT_EXPIRE). The default.
  --endpoint-url <url>        KMS endpoint instead of the regional one (VPC endpoint, tests).
  -h, --help                  Show this help.
`;
