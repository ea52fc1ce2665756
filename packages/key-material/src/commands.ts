import { resolve } from "node:path";
import { materialSourceFrom, parseCommandOptions, requireOption, type OptionSpec, type ParsedOptions } from "./args";
import { importKeyMaterial, preflightImport, wrapToFile, type ImportOptions, type ImportResult, type WrapToFileResult } from "./ceremony";
import { PROGRAM, UsageError } from "./errors";
import { expirationFromOptions } from "./expiration";
import { DEFAULT_WRAPPING_KEY_SPEC, isWrappingKeySpec, WRAPPING_KEY_SPECS, type KmsImportApi, type WrappingKeySpec } from "./kms-types";
import type { MaterialSource } from "./material-source";
import { assertKnownRegion } from "./regions";
import {
  DEFAULT_WARN_DAYS,
  formatMaterials,
  inDays,
  keyStatus,
  ON_DEMAND_ROTATION_LIMIT,
  onDemandRotations,
  reimportKeyMaterial,
  rotateKeyMaterial,
  type KeyStatus,
  type ReimportOptions,
  type RotateOptions,
  type RotateResult,
} from "./rotation";
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

const ROTATE_OPTIONS: OptionSpec = { ...IMPORT_OPTIONS, description: { type: "string" } };

const REIMPORT_OPTIONS: OptionSpec = {
  "key-id": { type: "string" },
  region: { type: "string" },
  material: { type: "string" },
  "key-material-id": { type: "string" },
  description: { type: "string" },
  "wrapping-key-spec": { type: "string" },
  "valid-to": { type: "string" },
  "no-expiry": { type: "boolean" },
  "endpoint-url": { type: "string" },
  help: { type: "boolean", short: "h" },
};

const STATUS_OPTIONS: OptionSpec = {
  "key-id": { type: "string" },
  region: { type: "string" },
  "warn-days": { type: "string" },
  "endpoint-url": { type: "string" },
  help: { type: "boolean", short: "h" },
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

/** The options every online command shares: --key-id, --region, --endpoint-url. */
function connectionFrom(options: ParsedOptions, command: string): { keyId: string; region: string; endpointUrl?: string } {
  const keyId = requireOption(options, "key-id", command, "<id|alias|arn>");
  const region = requireOption(options, "region", command, "<region>");
  assertKnownRegion(region);
  assertKeyIdMatchesRegion(keyId, region);
  const endpointUrl = options.string("endpoint-url");
  if (endpointUrl !== undefined) assertEndpointUrl(endpointUrl);
  return { keyId, region, ...(endpointUrl === undefined ? {} : { endpointUrl }) };
}

function wrappingKeySpecFrom(options: ParsedOptions): WrappingKeySpec {
  const specName = options.string("wrapping-key-spec") ?? DEFAULT_WRAPPING_KEY_SPEC;
  if (!isWrappingKeySpec(specName)) {
    throw new UsageError(`unknown --wrapping-key-spec ${specName}`, `use one of ${WRAPPING_KEY_SPECS.join(", ")}`);
  }
  return specName;
}

/** The validated options of `import`. */
function importOptionsFrom(args: readonly string[], command = "import", spec: OptionSpec = IMPORT_OPTIONS): { options: ImportOptions; parsed: ParsedOptions } {
  const parsed = parseCommandOptions(command, args, spec);
  const connection = connectionFrom(parsed, command);
  const material = materialSourceFrom(parsed, command);
  const wrappingKeySpec = wrappingKeySpecFrom(parsed);
  const expiration = expirationFromOptions(parsed.string("valid-to"), parsed.flag("no-expiry"));
  return { options: { ...connection, material, wrappingKeySpec, expiration }, parsed };
}

/** `--description`: printable text on one line (it is shown in every `status` table). */
function descriptionFrom(options: ParsedOptions): string | undefined {
  const description = options.string("description");
  if (description !== undefined && /[\u0000-\u001f\u007f]/.test(description)) {
    throw new UsageError("--description contains a control character (newline, tab, ...)", "give one line of printable text");
  }
  return description;
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
  const { options } = importOptionsFrom(args);
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

async function withApi<T>(
  connection: { region: string; endpointUrl?: string },
  factory: KmsApiFactory | undefined,
  run: (api: KmsImportApi) => Promise<T>,
): Promise<T> {
  const createApi = factory ?? (await defaultKmsApiFactory());
  const api = createApi({ region: connection.region, ...(connection.endpointUrl === undefined ? {} : { endpointUrl: connection.endpointUrl }) });
  try {
    return await run(api);
  } finally {
    api.close();
  }
}

/** The default KeyMaterialDescription of `rotate`: when and by what the material was imported. */
export function defaultRotationDescription(now: Date = new Date()): string {
  return `imported by ${PROGRAM} rotate on ${now.toISOString().slice(0, 10)}`;
}

/** `rotate`: parses its options, imports new material and rotates to it, and reports. */
export async function runRotateCommand(args: readonly string[], stdout: Output, stderr: Output, factory?: KmsApiFactory): Promise<number> {
  const { options: base, parsed } = importOptionsFrom(args, "rotate", ROTATE_OPTIONS);
  const options: RotateOptions = { ...base, description: descriptionFrom(parsed) ?? defaultRotationDescription() };
  preflightImport(options);
  const result = await withApi(options, factory, (api) => rotateKeyMaterial(options, api));
  stdout.write(rotateReport(result, options));
  if (result.reportError !== undefined) {
    stderr.write(`${PROGRAM}: warning: the rotation succeeded but the key materials could not be read back: ${result.reportError.message}\n`);
  }
  return 0;
}

function rotateReport(result: RotateResult, options: RotateOptions): string {
  const now = new Date();
  const expiration =
    options.expiration.model === "KEY_MATERIAL_EXPIRES"
      ? `KEY_MATERIAL_EXPIRES, valid to ${options.expiration.validTo.toISOString()}`
      : options.expiration.model;
  const lines = [
    `rotated ${result.key.arn} to new key material ${result.newMaterialId ?? "(id not returned)"}\n`,
    `  import:       ImportKeyMaterial ImportType NEW_KEY_MATERIAL, description "${options.description}"\n`,
    `  expiration:   ${expiration}\n`,
    `  wrapping key: RSA ${result.wrappingKeyBits}-bit, RSAES_OAEP_SHA_256\n`,
    `  rotation:     RotateKeyOnDemand sent; on-demand rotations used: ${onDemandRotations(result.materials)} of ${ON_DEMAND_ROTATION_LIMIT}\n`,
    `key materials of ${result.key.arn}:\n`,
    formatMaterials(result.materials, now),
  ];
  if (result.materials.some((m) => m.keyMaterialId === result.newMaterialId && m.state === "PENDING_ROTATION")) {
    lines.push(`the rotation is still in progress: the new material becomes CURRENT when it completes (check with \`${PROGRAM} status\`)\n`);
  }
  lines.push("older key materials stay with the key: objects written before this rotation still decrypt with them, so keep every material's backup\n");
  if (result.generatedMaterialPath !== undefined) lines.push(backupNotice(result.generatedMaterialPath));
  return lines.join("");
}

/** `reimport`: parses its options, puts the same material back, and reports. */
export async function runReimportCommand(args: readonly string[], stdout: Output, stderr: Output, factory?: KmsApiFactory): Promise<number> {
  const parsed = parseCommandOptions("reimport", args, REIMPORT_OPTIONS);
  const connection = connectionFrom(parsed, "reimport");
  const materialPath = requireOption(parsed, "material", "reimport", "<backup file>");
  const keyMaterialId = requireOption(parsed, "key-material-id", "reimport", "<id>");
  const description = descriptionFrom(parsed);
  const options: ReimportOptions = {
    ...connection,
    materialPath,
    keyMaterialId,
    wrappingKeySpec: wrappingKeySpecFrom(parsed),
    expiration: expirationFromOptions(parsed.string("valid-to"), parsed.flag("no-expiry")),
    ...(description === undefined ? {} : { description }),
  };
  preflightImport({ material: { kind: "file", path: materialPath } });
  const result = await withApi(options, factory, (api) => reimportKeyMaterial(options, api));
  const now = new Date();
  stdout.write(
    [
      `reimported key material ${keyMaterialId} into ${result.key.arn} (ImportType EXISTING_KEY_MATERIAL)\n`,
      `  key state:    ${result.key.keyState}\n`,
      `  wrapping key: RSA ${result.wrappingKeyBits}-bit, RSAES_OAEP_SHA_256\n`,
      `key materials of ${result.key.arn}:\n`,
      formatMaterials(result.materials, now),
    ].join(""),
  );
  if (result.reportError !== undefined) {
    stderr.write(`${PROGRAM}: warning: the reimport succeeded but the key materials could not be read back: ${result.reportError.message}\n`);
  }
  return 0;
}

/** `status`: lists the key's materials; exit 1 when material that decrypts data lapses within --warn-days. */
export async function runStatusCommand(args: readonly string[], stdout: Output, stderr: Output, factory?: KmsApiFactory): Promise<number> {
  const parsed = parseCommandOptions("status", args, STATUS_OPTIONS);
  const connection = connectionFrom(parsed, "status");
  const warnDaysText = parsed.string("warn-days");
  let warnDays = DEFAULT_WARN_DAYS;
  if (warnDaysText !== undefined) {
    if (!/^\d{1,4}$/.test(warnDaysText))
      throw new UsageError(`--warn-days "${warnDaysText}" is not a whole number of days`, "give 0 to 9999, e.g. --warn-days 45");
    warnDays = Number(warnDaysText);
  }
  const now = new Date();
  const status = await withApi(connection, factory, (api) => keyStatus({ ...connection, warnDays }, api, now));
  stdout.write(statusReport(status, now, warnDays));
  if (status.alerts.length === 0) return 0;
  for (const alert of status.alerts) stderr.write(`${PROGRAM}: alert: ${alert}\n`);
  return 1;
}

function statusReport(status: KeyStatus, now: Date, warnDays: number): string {
  const { key, current } = status;
  const currentExpiry =
    current === undefined
      ? "no CURRENT key material listed"
      : current.expirationModel === "KEY_MATERIAL_EXPIRES" && current.validTo !== undefined
        ? `expires ${current.validTo.toISOString()} (${inDays(current.validTo, now)})`
        : current.expirationModel === "KEY_MATERIAL_DOES_NOT_EXPIRE"
          ? "does not expire"
          : "expiry not reported";
  return [
    `key ${key.arn}\n`,
    `  state:        ${key.keyState}, origin ${key.origin}, ${key.multiRegion === true ? "multi-Region" : "single-Region"}\n`,
    `  current:      ${current?.keyMaterialId ?? "-"}, ${currentExpiry}\n`,
    `  rotations:    ${onDemandRotations(status.materials)} of ${ON_DEMAND_ROTATION_LIMIT} on-demand rotations used\n`,
    `key materials (${status.materials.length}):\n`,
    formatMaterials(status.materials, now),
    status.alerts.length === 0
      ? `ok: no key material that decrypts data expires within ${warnDays} days\n`
      : `${status.alerts.length} alert${status.alerts.length === 1 ? "" : "s"} (see stderr)\n`,
  ].join("");
}
