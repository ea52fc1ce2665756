import { resolve } from "node:path";
import { materialSourceFrom, parseCommandOptions, requireOption, type OptionSpec } from "./args";
import { importKeyMaterial, preflightImport, wrapToFile, type ImportOptions, type ImportResult, type WrapToFileResult } from "./ceremony";
import { PROGRAM, UsageError } from "./errors";
import { expirationFromOptions } from "./expiration";
import { DEFAULT_WRAPPING_KEY_SPEC, isWrappingKeySpec, WRAPPING_KEY_SPECS, type KmsImportApi, type WrappingKeySpec } from "./kms-types";
import type { MaterialSource } from "./material-source";
import { assertKnownRegion } from "./regions";
import { DEFAULT_WRAPPING_ALGORITHM, isWrappingAlgorithm, WRAPPING_ALGORITHMS } from "./wrap";

/** Where a command writes its report. */
export interface Output {
  write(chunk: string): unknown;
}

const MATERIAL_OPTIONS: OptionSpec = {
  material: { type: "string" },
  generate: { type: "boolean" },
  "material-out": { type: "string" },
  help: { type: "boolean", short: "h" },
};

const WRAP_OPTIONS: OptionSpec = {
  ...MATERIAL_OPTIONS,
  "wrapping-key": { type: "string" },
  out: { type: "string" },
  "wrapping-algorithm": { type: "string" },
};

const IMPORT_OPTIONS: OptionSpec = {
  ...MATERIAL_OPTIONS,
  "key-id": { type: "string" },
  region: { type: "string" },
  "wrapping-key-spec": { type: "string" },
  "valid-to": { type: "string" },
  "no-expiry": { type: "boolean" },
  "endpoint-url": { type: "string" },
};

function backupNotice(path: string): string {
  return `generated key material saved to ${path} (mode 0600): back it up now (offline, e.g. an HSM or a safe); without it the key cannot be restored if KMS's copy expires or is deleted\n`;
}

/** `wrap`: parses its options, wraps, and reports. Returns the exit code. */
export function runWrapCommand(args: readonly string[], stdout: Output): number {
  const options = parseCommandOptions("wrap", args, WRAP_OPTIONS);
  const wrappingKeyPath = requireOption(options, "wrapping-key", "wrap", "<file>");
  const outPath = requireOption(options, "out", "wrap", "<file>");
  const material = materialSourceFrom(options, "wrap");
  const algorithmName = options.string("wrapping-algorithm") ?? DEFAULT_WRAPPING_ALGORITHM;
  if (!isWrappingAlgorithm(algorithmName)) {
    throw new UsageError(`unknown --wrapping-algorithm ${algorithmName}`, `use one of ${WRAPPING_ALGORITHMS.join(", ")}`);
  }
  assertDistinctPaths(outPath, material);
  const result = wrapToFile({ wrappingKeyPath, outPath, material, algorithm: algorithmName });
  stdout.write(wrapReport(result));
  return 0;
}

function assertDistinctPaths(outPath: string, material: MaterialSource): void {
  const other = material.kind === "generate" ? material.outPath : material.path;
  if (resolve(outPath) === resolve(other)) {
    throw new UsageError(
      `--out and --${material.kind === "generate" ? "material-out" : "material"} name the same file`,
      "use separate files for the wrapped and the plaintext material",
    );
  }
}

function wrapReport(result: WrapToFileResult): string {
  const lines = [
    `wrapped 32 bytes of key material with ${result.algorithm} under a ${result.modulusBits}-bit RSA wrapping key (${result.keyEncoding}): wrote ${result.wrappedBytes} bytes to ${result.outPath}\n`,
  ];
  if (result.generatedMaterialPath !== undefined) lines.push(backupNotice(result.generatedMaterialPath));
  lines.push(
    `next, online: aws kms import-key-material --key-id <key-arn> --region <region> --encrypted-key-material fileb://${result.outPath} --import-token fileb://<import-token.bin> --expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE\n`,
  );
  return lines.join("");
}

/** The validated options of `import`. */
function importOptionsFrom(args: readonly string[]): ImportOptions {
  const options = parseCommandOptions("import", args, IMPORT_OPTIONS);
  const keyId = requireOption(options, "key-id", "import", "<id|alias|arn>");
  const region = requireOption(options, "region", "import", "<region>");
  assertKnownRegion(region);
  assertKeyIdMatchesRegion(keyId, region);
  const material = materialSourceFrom(options, "import");
  const specName = options.string("wrapping-key-spec") ?? DEFAULT_WRAPPING_KEY_SPEC;
  if (!isWrappingKeySpec(specName)) {
    throw new UsageError(`unknown --wrapping-key-spec ${specName}`, `use one of ${WRAPPING_KEY_SPECS.join(", ")}`);
  }
  const wrappingKeySpec: WrappingKeySpec = specName;
  const expiration = expirationFromOptions(options.string("valid-to"), options.flag("no-expiry"));
  const endpointUrl = options.string("endpoint-url");
  if (endpointUrl !== undefined) assertEndpointUrl(endpointUrl);
  return { keyId, region, material, wrappingKeySpec, expiration, ...(endpointUrl === undefined ? {} : { endpointUrl }) };
}

function assertKeyIdMatchesRegion(keyId: string, region: string): void {
  if (!keyId.startsWith("arn:")) return;
  const arnRegion = keyId.split(":")[3];
  if (arnRegion !== undefined && arnRegion !== region) {
    throw new UsageError(`--key-id is an ARN in ${arnRegion} but --region is ${region}`, `use --region ${arnRegion}, or the key of ${region}`);
  }
}

function assertEndpointUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint-url "${value}" is not a URL`, "give a full URL, e.g. https://kms.eu-west-1.amazonaws.com");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`--endpoint-url "${value}" is not an http(s) URL`, "give a full URL, e.g. https://kms.eu-west-1.amazonaws.com");
  }
  // Whoever answers GetParametersForImport chooses the wrapping key and then receives the
  // material: over plain HTTP anyone on the path could. Only a local endpoint (a KMS emulator
  // in tests) may use http:.
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `--endpoint-url "${value}" uses plain http: to a host that is not loopback; whoever answers would choose the wrapping key and receive the material`,
      "use https://, or http:// only to localhost, 127.0.0.0/8 or [::1]",
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new UsageError(`--endpoint-url must not carry a user name or password`, "remove the user:password@ part; credentials come from the AWS SDK's chain");
  }
}

/** localhost, 127.0.0.0/8 and ::1 (URL.hostname brackets IPv6 addresses). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Creates the KMS client; loaded lazily so `wrap` never needs the AWS SDK. */
export type KmsApiFactory = (connection: { region: string; endpointUrl?: string }) => KmsImportApi;

async function defaultKmsApiFactory(): Promise<KmsApiFactory> {
  const { createKmsImportApi } = await import("./kms-client");
  return createKmsImportApi;
}

/** `import`: parses its options, runs the online ceremony, and reports. Returns the exit code. */
export async function runImportCommand(args: readonly string[], stdout: Output, stderr: Output, factory?: KmsApiFactory): Promise<number> {
  const options = importOptionsFrom(args);
  preflightImport(options);
  const createApi = factory ?? (await defaultKmsApiFactory());
  const api = createApi({ region: options.region, ...(options.endpointUrl === undefined ? {} : { endpointUrl: options.endpointUrl }) });
  try {
    const result = await importKeyMaterial(options, api);
    stdout.write(importReport(result));
    if (result.confirmError !== undefined) {
      stderr.write(`${PROGRAM}: warning: the import succeeded but the key state could not be read back: ${result.confirmError.message}\n`);
    }
    return 0;
  } finally {
    api.close();
  }
}

function importReport(result: ImportResult): string {
  const { key } = result;
  const expiration =
    key.expirationModel === "KEY_MATERIAL_EXPIRES" && key.validTo !== undefined
      ? `KEY_MATERIAL_EXPIRES, valid to ${key.validTo.toISOString()}`
      : (key.expirationModel ?? "unknown");
  const rows: Array<[string, string]> = [
    ["key id", key.keyId],
    ["arn", key.arn],
    ["state", result.confirmed ? key.keyState : "unknown (see warning)"],
    ["origin", key.origin],
    ["expiration", expiration],
    ["wrapping key", `RSA ${result.wrappingKeyBits}-bit, RSAES_OAEP_SHA_256`],
  ];
  const lines = [`imported key material into ${key.arn}\n`, ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(14)}${v}\n`)];
  if (result.generatedMaterialPath !== undefined) lines.push(backupNotice(result.generatedMaterialPath));
  return lines.join("");
}
