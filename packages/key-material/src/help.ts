import { PROGRAM } from "./errors";
import { MAX_VALID_TO_DAYS } from "./expiration";
import { DEFAULT_WRAPPING_KEY_SPEC, WRAPPING_KEY_SPECS } from "./kms-types";
import { DEFAULT_WRAPPING_ALGORITHM, WRAPPING_ALGORITHMS } from "./wrap";

/** `sse-kms-key-material --help`. */
export const MAIN_HELP = `Usage: ${PROGRAM} <command> [options]

Key-material ceremony for EXTERNAL-origin (BYOK) KMS keys used for S3 SSE-KMS.

Commands:
  import   Online: fetch a wrapping key from KMS, wrap the material, import it, show the key state.
  wrap     Offline (air-gapped): wrap 32 bytes of key material under a KMS wrapping public key.

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
