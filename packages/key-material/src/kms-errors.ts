import { CliError, errnoCode, oneLine, PROGRAM } from "./errors";

/** A KMS operation the ceremony calls. */
export type KmsOperation = "DescribeKey" | "GetParametersForImport" | "ImportKeyMaterial" | "ListKeyRotations" | "RotateKeyOnDemand";

/** What an error message needs to say which call failed, where. */
export interface KmsCallContext {
  readonly operation: KmsOperation;
  readonly keyId: string;
  readonly region: string;
  readonly endpointUrl?: string;
  /** Set for `rotate`'s ImportKeyMaterial (ImportType NEW_KEY_MATERIAL). */
  readonly newMaterial?: boolean;
  /** Set for `reimport`: the key material id the bytes must have. */
  readonly reimportOf?: string;
}

/** The parts of an SDK error (service exception or network error) this module reads. */
interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === "object" && error !== null ? (error as SdkErrorShape) : {};
}

/** The error's name, e.g. `ExpiredImportTokenException`; KMS's `__type` with any namespace removed. */
export function kmsErrorName(error: unknown): string {
  const name = shape(error).name;
  return typeof name === "string" ? name.replace(/^.*#/, "") : "Error";
}

/** The HTTP status KMS (or something in between) answered with, if a response arrived. */
export function httpStatusOf(error: unknown): number | undefined {
  const status = shape(error).$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

function messageOf(error: unknown): string {
  const message = shape(error).message;
  return typeof message === "string" && message.trim() !== "" ? oneLine(message, 300) : "no message";
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ECONNABORTED",
  "EPROTO",
  "CERT_HAS_EXPIRED",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * The network error code (ECONNREFUSED, ENOTFOUND, ...) or timeout name of a failure to reach KMS
 * or to get its answer (DNS, TCP, TLS, timeouts), or undefined for other errors. Also finds the code
 * in the message, for errors the SDK re-wrapped (it does so for errors from another JS realm).
 */
export function networkErrorCode(error: unknown): string | undefined {
  const code = errnoCode(error);
  if (code !== undefined && NETWORK_CODES.has(code)) return code;
  const name = kmsErrorName(error);
  if (name === "TimeoutError" || name === "RequestTimeout") return name;
  if (httpStatusOf(error) !== undefined) return undefined;
  const message = String(shape(error).message);
  const inMessage = [...NETWORK_CODES].find((c) => new RegExp(`\\b${c}\\b`).test(message));
  if (inMessage !== undefined) return inMessage;
  return /socket hang up/i.test(message) ? "ECONNRESET" : undefined;
}

/**
 * True when KMS definitely did not carry out the request: it answered with a 4xx error (other than
 * 408). Used for ImportKeyMaterial, which is sent exactly once: after a definite rejection the key
 * did not take the material, so generated material can be deleted; after anything else (network
 * error, timeout, 5xx, unreadable answer) the import may have happened and the material must be kept.
 */
export function isDefiniteRejection(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 408;
}

function endpointOf(context: KmsCallContext): string {
  return context.endpointUrl ?? `KMS in ${context.region}`;
}

/**
 * Turns an SDK error from a KMS call into the CLI's one-line error: what failed and what to do.
 * Known KMS exceptions get specific advice; anything else names the call, the error and its message.
 */
export function describeKmsError(error: unknown, context: KmsCallContext): CliError {
  if (error instanceof CliError) return error;
  const { operation, keyId, region } = context;
  const name = kmsErrorName(error);
  const message = messageOf(error);
  const describeCmd = `aws kms describe-key --key-id ${keyId} --region ${region}`;
  switch (name) {
    case "ExpiredImportTokenException":
      return new CliError(
        `KMS rejected the import: the import token has expired (${message})`,
        "a public key and import token are valid for 24 hours: run get-parameters-for-import again, re-wrap, and import within 24 hours (the import command does all three at once)",
      );
    case "InvalidImportTokenException":
      return new CliError(
        `KMS rejected the import token for key ${keyId} (${message})`,
        "use the ImportToken from the same get-parameters-for-import response as the PublicKey you wrapped with, for this same key",
      );
    case "IncorrectKeyMaterialException":
      if (context.reimportOf !== undefined) {
        return new CliError(
          `KMS rejected the key material for key ${keyId}: it is not key material ${context.reimportOf} of this key (${message})`,
          "reimport needs the exact bytes that were imported as that material: take the backup recorded for this key material id",
        );
      }
      if (operation === "ImportKeyMaterial" && context.newMaterial === true) {
        return new CliError(
          `KMS rejected the new key material for key ${keyId} (${message})`,
          "rotate needs material the key has never held: use --generate, or a new 32-byte file",
        );
      }
      return new CliError(
        `KMS rejected the key material for key ${keyId}: this key already had different key material (${message})`,
        "a key only ever accepts the material it first received: reimport that original material from your backup",
      );
    case "InvalidCiphertextException":
      return new CliError(
        `KMS could not unwrap the encrypted key material for key ${keyId} (${message})`,
        "wrap with the PublicKey from the same get-parameters-for-import call as the ImportToken, using the same --wrapping-algorithm",
      );
    case "AccessDeniedException":
    case "AccessDenied":
      return new CliError(
        `access denied: kms:${operation} on key ${keyId} in ${region} (${message})`,
        `run as a key administrator: the key policy or your IAM policy must allow kms:${operation}, and no SCP or permission boundary may deny it`,
      );
    case "NotFoundException":
      return new CliError(
        `key ${keyId} not found in ${region} (${message})`,
        "check --key-id, --region and that your credentials are for the account that owns the key",
      );
    case "InvalidArnException":
      return new CliError(`KMS rejected the key identifier ${keyId} (${message})`, "pass a key id, a key ARN or alias/<name>");
    case "KMSInvalidStateException":
      return new CliError(
        `key ${keyId} is not in a state that allows ${operation} (${message})`,
        operation === "ImportKeyMaterial" && context.newMaterial !== true && context.reimportOf === undefined
          ? `import needs KeyState PendingImport: check \`${describeCmd}\``
          : `check \`${describeCmd}\` and \`${PROGRAM} status --key-id ${keyId} --region ${region}\``,
      );
    case "ConflictException":
      return new CliError(
        `KMS refused ${operation} for key ${keyId}: a rotation of this key is in progress (${message})`,
        `wait for it to finish (\`${PROGRAM} status --key-id ${keyId} --region ${region}\`), then run again`,
      );
    case "UnsupportedOperationException":
      return new CliError(
        `KMS does not support ${operation} for key ${keyId} (${message})`,
        operation === "ListKeyRotations" || operation === "RotateKeyOnDemand"
          ? "key materials and on-demand rotation exist only for symmetric encryption keys outside custom key stores"
          : "key material can only be imported into a key created with Origin EXTERNAL, outside custom key stores",
      );
    case "DisabledException":
      return new CliError(`key ${keyId} is disabled (${message})`, `enable it, or check \`${describeCmd}\``);
    case "ValidationException":
      return new CliError(`KMS rejected the ${operation} request (${message})`, "check the options you passed");
    case "KMSInternalException":
    case "DependencyTimeoutException":
    case "InternalFailure":
    case "ServiceUnavailable":
      return new CliError(`KMS failed internally during ${operation} (${name}: ${message})`, `retry in a few minutes; check \`${describeCmd}\` first`);
    case "LimitExceededException":
      if (operation === "RotateKeyOnDemand") {
        return new CliError(
          `KMS refused RotateKeyOnDemand for key ${keyId}: the key has used all its on-demand rotations (${message})`,
          "this key cannot rotate again: create a new EXTERNAL key for new material, and keep this one (and every material backup) while data under it remains",
        );
      }
      return new CliError(`KMS throttled ${operation} (${message})`, "wait a minute and run the command again");
    case "ThrottlingException":
      return new CliError(`KMS throttled ${operation} (${message})`, "wait a minute and run the command again");
    case "UnrecognizedClientException":
    case "InvalidClientTokenId":
      return new CliError(
        `AWS does not recognise the access key in use (${message})`,
        "check AWS_PROFILE / AWS_ACCESS_KEY_ID, and that the credentials belong to this partition",
      );
    case "ExpiredTokenException":
    case "ExpiredToken":
      return new CliError(`your AWS session credentials have expired (${message})`, "refresh them (e.g. `aws sso login`) and run again");
    case "InvalidSignatureException":
    case "SignatureDoesNotMatch":
      return new CliError(`AWS rejected the request signature (${message})`, "check the secret access key, and that this machine's clock is correct");
    case "CredentialsProviderError":
      return new CliError(
        `no AWS credentials found (${message})`,
        "set AWS_PROFILE (and run `aws sso login`), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      );
    default:
      break;
  }
  const code = networkErrorCode(error);
  if (code !== undefined) {
    return new CliError(
      `could not reach ${endpointOf(context)} for ${operation} (${code}: ${message.replace(/^AWS SDK error wrapper for /, "")})`,
      "check the network path to KMS (firewall, VPC endpoint), --region and --endpoint-url",
    );
  }
  const status = httpStatusOf(error);
  return new CliError(
    `${operation} failed for key ${keyId} in ${region} (${name}${status === undefined ? "" : `, HTTP ${status}`}: ${message})`,
    "fix the cause named by the AWS error and run again",
  );
}
