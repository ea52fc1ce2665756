/**
 * A fake AWS KMS for tests, on 127.0.0.1 with a random port, speaking the real KMS wire protocol
 * (AWS JSON 1.1: `POST /`, `X-Amz-Target: TrentService.<Operation>`, blobs as base64, errors as
 * HTTP 400 `{"__type": "...Exception", "message": "..."}`), so the real AWS SDK can be pointed at it
 * with an endpoint URL. It implements DescribeKey, GetParametersForImport, ImportKeyMaterial,
 * ListKeyRotations, RotateKeyOnDemand, DeleteImportedKeyMaterial, Encrypt and Decrypt with KMS's
 * checks: it holds the RSA private wrapping keys, unwraps what it receives with the requested OAEP
 * hash, keeps every key material of a key (state, import state, expiry, description), and encrypts
 * under the current material and decrypts with the material a ciphertext was made under.
 *
 * What it models, from the AWS documentation (the CLI's code cites the same pages):
 * - "KMS uses CURRENT key material for both encryption and decryption and NON_CURRENT key material
 *   only for decryption. PENDING_ROTATION identifies key material that has been imported for
 *   on-demand key rotation but the rotation hasn't completed."
 *   (https://docs.aws.amazon.com/kms/latest/APIReference/API_RotationsListEntry.html)
 * - "When you use a rotated KMS key to decrypt ciphertext, AWS KMS uses the key material that was
 *   used to encrypt it. You cannot choose a particular key material for decrypt operations"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html)
 * - "the deletion or expiration of any key material in a state other than PENDING_ROTATION changes
 *   the key state to Pending import" (https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-delete-key-material.html)
 * - "KMS assigns a unique identifier to the key material based on the KMS key ID and the imported
 *   key material" (API_ImportKeyMaterial.html, KeyMaterialId): here SHA-256 over both, so the same
 *   bytes get the same id and a reimport is checked against it. The real derivation is not published.
 *
 * Where the documentation is silent the fake chooses, and says so next to the choice ("fake
 * assumption"): the error names for a second staged material, for rotating with nothing staged and
 * for importing material the key already holds as new; rotations complete at once (KMS documents
 * RotateKeyOnDemand as initiating a rotation); the ciphertext format is the fake's own.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  generateKeyPairSync,
  privateDecrypt,
  randomBytes,
  randomUUID,
  type KeyObject,
} from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The operations the fake implements. */
export type FakeKmsOperation =
  | "DescribeKey"
  | "GetParametersForImport"
  | "ImportKeyMaterial"
  | "ListKeyRotations"
  | "RotateKeyOnDemand"
  | "DeleteImportedKeyMaterial"
  | "Encrypt"
  | "Decrypt";

/** A KMS error the fake answers with. */
export interface FakeKmsError {
  readonly type: string;
  readonly message: string;
  /** HTTP status; 400 unless given. */
  readonly status?: number;
}

/** One key material of a key, as ListKeyRotations reports it, plus its bytes (test inspection only). */
export interface FakeMaterial {
  readonly id: string;
  readonly bytes: Buffer;
  /** KeyMaterialState: CURRENT, NON_CURRENT or PENDING_ROTATION. */
  state: "CURRENT" | "NON_CURRENT" | "PENDING_ROTATION";
  /** ImportState: IMPORTED, or PENDING_IMPORT after it expired or was deleted. */
  importState: "IMPORTED" | "PENDING_IMPORT";
  expirationModel?: string;
  validTo?: Date;
  description?: string;
  rotationDate?: Date;
  rotationType?: "ON_DEMAND" | "AUTOMATIC";
}

/** A key held by the fake. Tests read `material` (the current material's bytes) to check what was imported. */
export interface FakeKey {
  readonly keyId: string;
  readonly arn: string;
  alias?: string;
  state: string;
  origin: string;
  keySpec: string;
  multiRegion: boolean;
  expirationModel?: string;
  validTo?: Date;
  /** Every key material of the key, first import first. */
  readonly materials: FakeMaterial[];
  /** The bytes of the CURRENT material, if any (test inspection only). */
  readonly material?: Buffer;
}

/** Settings of {@link FakeKms.addKey}: `material` adds a first (CURRENT) material with these bytes. */
export type FakeKeySettings = Partial<Pick<FakeKey, "alias" | "state" | "origin" | "keySpec" | "multiRegion" | "expirationModel" | "validTo">> & {
  readonly material?: Buffer;
};

/** One request as the fake received it. */
export interface FakeKmsRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly headers: IncomingMessage["headers"];
}

interface ImportTokenRecord {
  readonly keyArn: string;
  readonly privateKey: KeyObject;
  readonly oaepHash: "sha1" | "sha256";
  readonly expiresAt: number;
}

class KmsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const MODULUS_BITS: Record<string, number> = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 };
const OAEP_HASH: Record<string, "sha1" | "sha256"> = { RSAES_OAEP_SHA_1: "sha1", RSAES_OAEP_SHA_256: "sha256" };
const JSON_11 = "application/x-amz-json-1.1";

/** The fake KMS's settings as KMS has them; a test that changes one gets it back from {@link FakeKms.resetFaults}. */
const FAKE_KMS_DEFAULTS: Readonly<{ tokenLifetimeMs: number; onDemandRotationLimit: number; listPageSize: number }> = {
  tokenLifetimeMs: 24 * 60 * 60 * 1000,
  onDemandRotationLimit: 25,
  listPageSize: 100,
};

/** The fake KMS server. `start()` it, use `url` as the endpoint, `stop()` it after the tests. */
export class FakeKms {
  readonly account = "111122223333";
  readonly keys = new Map<string, FakeKey>();
  readonly requests: FakeKmsRequest[] = [];
  /** Answer every call of an operation with this error instead of doing it. */
  readonly failures = new Map<FakeKmsOperation, FakeKmsError>();
  /** Do the operation, then drop the connection without answering (the client sees a reset). */
  readonly dropAfter = new Set<FakeKmsOperation>();
  /** How long an import token is valid. KMS: 24 hours. */
  tokenLifetimeMs = FAKE_KMS_DEFAULTS.tokenLifetimeMs;
  /**
   * On-demand rotations allowed per key. The KMS documentation gives 25 in the current API reference
   * and Developer Guide, 10 in older copies; the CLI works with either (see rotation.ts).
   */
  onDemandRotationLimit = FAKE_KMS_DEFAULTS.onDemandRotationLimit;
  /** Entries per ListKeyRotations page (KMS's default Limit is 100); tests lower it to exercise paging. */
  listPageSize = FAKE_KMS_DEFAULTS.listPageSize;
  /** Clears the injected failures and dropped connections and restores the KMS settings (between tests). Keys and requests stay. */
  resetFaults(): void {
    this.failures.clear();
    this.dropAfter.clear();
    Object.assign(this, FAKE_KMS_DEFAULTS);
  }
  private readonly tokens = new Map<string, ImportTokenRecord>();
  private readonly wrappingKeys = new Map<number, { publicDer: Buffer; privateKey: KeyObject }>();
  private server: Server | undefined;
  private baseUrl = "";

  constructor(readonly region = "eu-west-1") {}

  /** The endpoint URL, e.g. http://127.0.0.1:43121. */
  /** An online command line against this fake: `<command> --key-id <id> --region <region> --endpoint-url <url> ...rest`. */
  args(command: string, keyId: string, ...rest: string[]): string[] {
    return [command, "--key-id", keyId, "--region", this.region, "--endpoint-url", this.url, ...rest];
  }

  get url(): string {
    return this.baseUrl;
  }

  /** Listens on 127.0.0.1, on a random free port. */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Adds a key; by default an EXTERNAL SYMMETRIC_DEFAULT single-Region key in PendingImport with no
   * material. With `material`, the key gets it as its first, CURRENT material: imported when the
   * key's state is Enabled, PENDING_IMPORT (expired or deleted) when it is PendingImport.
   */
  addKey(settings: FakeKeySettings = {}): FakeKey {
    const keyId = randomUUID();
    const { material, ...rest } = settings;
    const materials: FakeMaterial[] = [];
    const key = {
      keyId,
      arn: `arn:aws:kms:${this.region}:${this.account}:key/${keyId}`,
      state: "PendingImport",
      origin: "EXTERNAL",
      keySpec: "SYMMETRIC_DEFAULT",
      multiRegion: false,
      materials,
      ...rest,
    } as FakeKey;
    Object.defineProperty(key, "material", { get: () => materials.find((m) => m.state === "CURRENT")?.bytes, enumerable: true });
    if (material !== undefined) {
      materials.push({
        id: materialId(keyId, material),
        bytes: material,
        state: "CURRENT",
        importState: key.state === "PendingImport" ? "PENDING_IMPORT" : "IMPORTED",
      });
    }
    this.keys.set(keyId, key);
    return key;
  }

  /** Lets a material lapse as KMS does when its ValidTo passes: KMS deletes it, the key goes to PendingImport. */
  expire(key: FakeKey, id: string): void {
    const material = key.materials.find((m) => m.id === id);
    if (material === undefined) throw new Error(`no material ${id}`);
    material.validTo = new Date(Date.now() - 1000);
    material.importState = "PENDING_IMPORT";
    updateKeyState(key);
  }

  /** Requests for one operation, in order. */
  calls(operation: FakeKmsOperation): FakeKmsRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers["x-amz-target"] ?? "");
    const operation = target.replace(/^TrentService\./, "");
    try {
      if (req.method !== "POST" || req.url !== "/") throw new KmsFault("UnknownOperationException", `${req.method} ${req.url}`, 404);
      if (!String(req.headers["content-type"]).startsWith(JSON_11))
        throw new KmsFault("SerializationException", "content-type must be application/x-amz-json-1.1");
      if (!String(req.headers.authorization).startsWith("AWS4-HMAC-SHA256 Credential=AKIAFAKE")) {
        throw new KmsFault("UnrecognizedClientException", "The security token included in the request is invalid.");
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      this.requests.push({ operation, body, headers: req.headers });
      const failure = this.failures.get(operation as FakeKmsOperation);
      if (failure !== undefined) throw new KmsFault(failure.type, failure.message, failure.status);
      const result = this.dispatch(operation, body);
      if (this.dropAfter.has(operation as FakeKmsOperation)) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { "content-type": JSON_11, "x-amzn-requestid": randomUUID() });
      res.end(JSON.stringify(result));
    } catch (e) {
      const fault = e instanceof KmsFault ? e : new KmsFault("KMSInternalException", String(e), 500);
      res.writeHead(fault.status, { "content-type": JSON_11, "x-amzn-requestid": randomUUID() });
      res.end(JSON.stringify({ __type: fault.type, message: fault.message }));
    }
  }

  private dispatch(operation: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (operation) {
      case "DescribeKey":
        return { KeyMetadata: this.metadata(this.resolve(body.KeyId)) };
      case "GetParametersForImport":
        return this.getParametersForImport(body);
      case "ImportKeyMaterial":
        return this.importKeyMaterial(body);
      case "ListKeyRotations":
        return this.listKeyRotations(body);
      case "RotateKeyOnDemand":
        return this.rotateKeyOnDemand(body);
      case "DeleteImportedKeyMaterial":
        return this.deleteImportedKeyMaterial(body);
      case "Encrypt":
        return this.encrypt(body);
      case "Decrypt":
        return this.decrypt(body);
      default:
        throw new KmsFault("UnknownOperationException", `unknown operation ${operation}`);
    }
  }

  private resolve(id: unknown): FakeKey {
    if (typeof id !== "string" || id === "") throw new KmsFault("ValidationException", "KeyId is required");
    for (const key of this.keys.values()) {
      const alias = key.alias === undefined ? [] : [key.alias, `arn:aws:kms:${this.region}:${this.account}:${key.alias}`];
      if ([key.keyId, key.arn, ...alias].includes(id)) return key;
    }
    if (id.startsWith("alias/") || id.includes(":alias/")) throw new KmsFault("NotFoundException", `Alias ${id} is not found.`);
    throw new KmsFault("NotFoundException", `Key '${id}' does not exist`);
  }

  private metadata(key: FakeKey): Record<string, unknown> {
    const current = key.materials.find((m) => m.state === "CURRENT");
    return {
      AWSAccountId: this.account,
      KeyId: key.keyId,
      Arn: key.arn,
      CreationDate: 1_700_000_000,
      Enabled: key.state === "Enabled",
      Description: "fake",
      KeyUsage: "ENCRYPT_DECRYPT",
      KeyState: key.state,
      Origin: key.origin,
      KeyManager: "CUSTOMER",
      CustomerMasterKeySpec: key.keySpec,
      KeySpec: key.keySpec,
      EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
      MultiRegion: key.multiRegion,
      ...(key.multiRegion ? { MultiRegionConfiguration: { MultiRegionKeyType: "PRIMARY" } } : {}),
      ...(key.expirationModel === undefined ? {} : { ExpirationModel: key.expirationModel }),
      ...(key.validTo === undefined ? {} : { ValidTo: key.validTo.getTime() / 1000 }),
      // "This value is present for ... single-Region, symmetric encryption keys with EXTERNAL origin."
      // (KeyMetadata.CurrentKeyMaterialId, https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html)
      ...(current === undefined || key.multiRegion ? {} : { CurrentKeyMaterialId: current.id }),
    };
  }

  private wrappingKeyPair(bits: number): { publicDer: Buffer; privateKey: KeyObject } {
    let pair = this.wrappingKeys.get(bits);
    if (pair === undefined) {
      const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
      pair = { publicDer: publicKey.export({ format: "der", type: "spki" }), privateKey };
      this.wrappingKeys.set(bits, pair);
    }
    return pair;
  }

  private getParametersForImport(body: Record<string, unknown>): Record<string, unknown> {
    const key = this.resolve(body.KeyId);
    if (typeof body.KeyId === "string" && body.KeyId.includes("alias/")) throw new KmsFault("ValidationException", "KeyId must be a key id or key ARN");
    if (key.origin !== "EXTERNAL")
      throw new KmsFault("UnsupportedOperationException", `${key.arn} origin is ${key.origin} which is not valid for this operation.`);
    // ImportKeyMaterial: "Its Origin must be EXTERNAL and its KeyState must be PendingImport or Enabled."
    // (API_ImportKeyMaterial.html); the fake hands out wrapping keys in the same states.
    if (key.state !== "PendingImport" && key.state !== "Enabled")
      throw new KmsFault("KMSInvalidStateException", `${key.arn} is ${key.state} which is not valid for this operation.`);
    const oaepHash = OAEP_HASH[String(body.WrappingAlgorithm)];
    const bits = MODULUS_BITS[String(body.WrappingKeySpec)];
    if (oaepHash === undefined || bits === undefined) throw new KmsFault("ValidationException", "unsupported WrappingAlgorithm or WrappingKeySpec");
    const { publicDer, privateKey } = this.wrappingKeyPair(bits);
    const token = randomBytes(64);
    const expiresAt = Date.now() + this.tokenLifetimeMs;
    this.tokens.set(token.toString("base64"), { keyArn: key.arn, privateKey, oaepHash, expiresAt });
    return { KeyId: key.arn, ImportToken: token.toString("base64"), PublicKey: publicDer.toString("base64"), ParametersValidTo: expiresAt / 1000 };
  }

  private importKeyMaterial(body: Record<string, unknown>): Record<string, unknown> {
    const key = this.resolve(body.KeyId);
    const token = this.tokens.get(String(body.ImportToken));
    if (token === undefined || token.keyArn !== key.arn) throw new KmsFault("InvalidImportTokenException", "Import token is invalid for this key");
    if (Date.now() > token.expiresAt) throw new KmsFault("ExpiredImportTokenException", "The import token has expired");
    if (key.state !== "PendingImport" && key.state !== "Enabled")
      throw new KmsFault("KMSInvalidStateException", `${key.arn} is ${key.state} which is not valid for this operation.`);
    const model = typeof body.ExpirationModel === "string" ? body.ExpirationModel : "KEY_MATERIAL_EXPIRES";
    const validTo = typeof body.ValidTo === "number" ? new Date(body.ValidTo * 1000) : undefined;
    if (model === "KEY_MATERIAL_EXPIRES" && (validTo === undefined || validTo.getTime() <= Date.now())) {
      throw new KmsFault("ValidationException", "ValidTo must be a future date when ExpirationModel is KEY_MATERIAL_EXPIRES");
    }
    if (model === "KEY_MATERIAL_DOES_NOT_EXPIRE" && validTo !== undefined) throw new KmsFault("ValidationException", "ValidTo must be omitted");
    // "If no key material has ever been imported into the KMS key, and this parameter is omitted, the
    // parameter defaults to NEW_KEY_MATERIAL. After the first key material is imported, if this
    // parameter is omitted then the parameter defaults to EXISTING_KEY_MATERIAL." (API_ImportKeyMaterial.html)
    const importType = body.ImportType ?? (key.materials.length === 0 ? "NEW_KEY_MATERIAL" : "EXISTING_KEY_MATERIAL");
    if (importType !== "NEW_KEY_MATERIAL" && importType !== "EXISTING_KEY_MATERIAL")
      throw new KmsFault("ValidationException", `unknown ImportType ${String(importType)}`);
    // "You cannot specify a key material ID with ImportType set to NEW_KEY_MATERIAL." (API_ImportKeyMaterial.html)
    if (importType === "NEW_KEY_MATERIAL" && body.KeyMaterialId !== undefined)
      throw new KmsFault("ValidationException", "KeyMaterialId is not valid with NEW_KEY_MATERIAL");
    let bytes: Buffer;
    try {
      bytes = privateDecrypt(
        { key: token.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: token.oaepHash },
        Buffer.from(String(body.EncryptedKeyMaterial), "base64"),
      );
    } catch {
      throw new KmsFault("InvalidCiphertextException", "The key material could not be unwrapped");
    }
    if (bytes.length !== 32) throw new KmsFault("IncorrectKeyMaterialException", "key material must be 256 bits");
    const id = materialId(key.keyId, bytes);
    const expiration = { expirationModel: model, ...(model === "KEY_MATERIAL_EXPIRES" ? { validTo } : {}) };
    const description = typeof body.KeyMaterialDescription === "string" ? body.KeyMaterialDescription : undefined;
    if (importType === "NEW_KEY_MATERIAL") {
      if (key.materials.length === 0) {
        key.materials.push({ id, bytes, state: "CURRENT", importState: "IMPORTED", ...expiration, ...(description === undefined ? {} : { description }) });
      } else {
        if (key.state !== "Enabled") throw new KmsFault("KMSInvalidStateException", `${key.arn} is ${key.state} which is not valid for this operation.`);
        // Fake assumption (docs silent): one staged material at a time, and bytes the key already holds are not new.
        if (key.materials.some((m) => m.state === "PENDING_ROTATION"))
          throw new KmsFault("KMSInvalidStateException", "Key material is already pending rotation");
        if (key.materials.some((m) => m.id === id)) throw new KmsFault("IncorrectKeyMaterialException", "This key material is already associated with the key");
        key.materials.push({
          id,
          bytes,
          state: "PENDING_ROTATION",
          importState: "IMPORTED",
          ...expiration,
          ...(description === undefined ? {} : { description }),
        });
      }
    } else {
      // "When you re-import key material with a specified key material ID, KMS: Computes the identifier
      // for the key material; Matches the computed identifier against the specified key material ID;
      // Verifies that the key material ID is already associated with the KMS key" (API_ImportKeyMaterial.html)
      const existing = key.materials.find((m) => m.id === id);
      if (existing === undefined)
        throw new KmsFault("IncorrectKeyMaterialException", "The key material doesn't match the key material previously imported into this key");
      if (body.KeyMaterialId !== undefined && body.KeyMaterialId !== id) {
        throw new KmsFault("IncorrectKeyMaterialException", `The key material doesn't match key material ${String(body.KeyMaterialId)}`);
      }
      existing.importState = "IMPORTED";
      existing.expirationModel = model;
      existing.validTo = expiration.validTo;
      // "If you do not specify a key material description, KMS retains the value you specified when you
      // last imported the same key material into this KMS key." (API_ImportKeyMaterial.html)
      if (description !== undefined) existing.description = description;
    }
    updateKeyState(key);
    const current = key.materials.find((m) => m.state === "CURRENT");
    key.expirationModel = current?.expirationModel;
    key.validTo = current?.validTo;
    return { KeyId: key.arn, KeyMaterialId: id };
  }

  private listKeyRotations(body: Record<string, unknown>): Record<string, unknown> {
    const key = this.resolve(body.KeyId);
    if (key.keySpec !== "SYMMETRIC_DEFAULT" || (key.origin !== "EXTERNAL" && key.origin !== "AWS_KMS")) {
      throw new KmsFault("UnsupportedOperationException", `${key.arn} does not support key rotation`);
    }
    // "When you specify a value of ALL_KEY_MATERIAL, KMS adds the first key material and any imported key
    // material pending rotation to the response." (API_ListKeyRotations.html, IncludeKeyMaterial)
    const all = body.IncludeKeyMaterial === "ALL_KEY_MATERIAL";
    const entries = key.materials.filter((m, i) => all || (i > 0 && m.state !== "PENDING_ROTATION"));
    const start = body.Marker === undefined ? 0 : Number(body.Marker);
    if (!Number.isInteger(start) || start < 0 || start > entries.length) throw new KmsFault("InvalidMarkerException", "bad marker");
    const limit = Math.min(typeof body.Limit === "number" ? body.Limit : 100, this.listPageSize);
    const page = entries.slice(start, start + limit);
    const truncated = start + limit < entries.length;
    return {
      Rotations: page.map((m) => ({
        KeyId: key.keyId,
        KeyMaterialId: m.id,
        ...(m.description === undefined ? {} : { KeyMaterialDescription: m.description }),
        ImportState: m.importState,
        KeyMaterialState: m.state,
        ...(m.expirationModel === undefined ? {} : { ExpirationModel: m.expirationModel }),
        ...(m.validTo === undefined ? {} : { ValidTo: m.validTo.getTime() / 1000 }),
        ...(m.rotationDate === undefined ? {} : { RotationDate: m.rotationDate.getTime() / 1000 }),
        ...(m.rotationType === undefined ? {} : { RotationType: m.rotationType }),
      })),
      Truncated: truncated,
      ...(truncated ? { NextMarker: String(start + limit) } : {}),
    };
  }

  private rotateKeyOnDemand(body: Record<string, unknown>): Record<string, unknown> {
    const key = this.resolve(body.KeyId);
    if (key.state === "Disabled") throw new KmsFault("DisabledException", `${key.arn} is disabled.`);
    if (key.state !== "Enabled") throw new KmsFault("KMSInvalidStateException", `${key.arn} is ${key.state} which is not valid for this operation.`);
    const pending = key.materials.find((m) => m.state === "PENDING_ROTATION");
    // "you must have already imported new key material and that key material's state should be
    // PENDING_ROTATION" (API_RotateKeyOnDemand.html). Fake assumption: the error name.
    if (key.origin === "EXTERNAL" && pending === undefined) throw new KmsFault("KMSInvalidStateException", "No key material is pending rotation");
    if (key.materials.filter((m) => m.rotationType === "ON_DEMAND").length >= this.onDemandRotationLimit) {
      throw new KmsFault("LimitExceededException", "The on-demand rotation limit has been reached for this key");
    }
    if (pending !== undefined) {
      for (const m of key.materials) if (m.state === "CURRENT") m.state = "NON_CURRENT";
      pending.state = "CURRENT";
      pending.rotationDate = new Date();
      pending.rotationType = "ON_DEMAND";
      key.expirationModel = pending.expirationModel;
      key.validTo = pending.validTo;
    }
    return { KeyId: key.arn };
  }

  private deleteImportedKeyMaterial(body: Record<string, unknown>): Record<string, unknown> {
    const key = this.resolve(body.KeyId);
    if (key.origin !== "EXTERNAL")
      throw new KmsFault("UnsupportedOperationException", `${key.arn} origin is ${key.origin} which is not valid for this operation.`);
    // "If no KeyMaterialId is specified, KMS deletes the current key material." (API_DeleteImportedKeyMaterial.html)
    const material =
      body.KeyMaterialId === undefined ? key.materials.find((m) => m.state === "CURRENT") : key.materials.find((m) => m.id === body.KeyMaterialId);
    if (material === undefined) throw new KmsFault("NotFoundException", `Key material ${String(body.KeyMaterialId)} is not found`);
    if (material.state === "PENDING_ROTATION") key.materials.splice(key.materials.indexOf(material), 1);
    else material.importState = "PENDING_IMPORT";
    updateKeyState(key);
    return { KeyId: key.arn, KeyMaterialId: material.id };
  }

  private encrypt(body: Record<string, unknown>): Record<string, unknown> {
    const key = this.resolve(body.KeyId);
    if (key.state !== "Enabled") throw new KmsFault("KMSInvalidStateException", `${key.arn} is ${key.state} which is not valid for this operation.`);
    const material = key.materials.find((m) => m.state === "CURRENT");
    if (material === undefined) throw new KmsFault("KMSInvalidStateException", `${key.arn} has no key material`);
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", material.bytes, iv);
    const sealed = Buffer.concat([cipher.update(Buffer.from(String(body.Plaintext), "base64")), cipher.final()]);
    // Fake ciphertext format: key id (36 ASCII bytes) | material id (32 bytes) | IV | tag | data.
    const blob = Buffer.concat([Buffer.from(key.keyId, "ascii"), Buffer.from(material.id, "hex"), iv, cipher.getAuthTag(), sealed]);
    // EncryptResponse has no KeyMaterialId (DecryptResponse has: "The identifier of the key material used to
    // decrypt the ciphertext.", https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html).
    return { CiphertextBlob: blob.toString("base64"), KeyId: key.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" };
  }

  private decrypt(body: Record<string, unknown>): Record<string, unknown> {
    const blob = Buffer.from(String(body.CiphertextBlob), "base64");
    if (blob.length < 36 + 32 + 12 + 16) throw new KmsFault("InvalidCiphertextException", "ciphertext too short");
    const key = this.keys.get(blob.subarray(0, 36).toString("ascii"));
    if (key === undefined) throw new KmsFault("InvalidCiphertextException", "unknown key");
    if (key.state !== "Enabled") throw new KmsFault("KMSInvalidStateException", `${key.arn} is ${key.state} which is not valid for this operation.`);
    const id = blob.subarray(36, 68).toString("hex");
    const material = key.materials.find((m) => m.id === id && m.importState === "IMPORTED" && m.state !== "PENDING_ROTATION");
    if (material === undefined) throw new KmsFault("InvalidCiphertextException", "key material not available");
    try {
      const decipher = createDecipheriv("aes-256-gcm", material.bytes, blob.subarray(68, 80));
      decipher.setAuthTag(blob.subarray(80, 96));
      const plaintext = Buffer.concat([decipher.update(blob.subarray(96)), decipher.final()]);
      return { Plaintext: plaintext.toString("base64"), KeyId: key.arn, EncryptionAlgorithm: "SYMMETRIC_DEFAULT", KeyMaterialId: material.id };
    } catch {
      throw new KmsFault("InvalidCiphertextException", "ciphertext does not decrypt");
    }
  }
}

/** The fake's key material id: SHA-256 over the key id and the material, hex (64 characters like KMS's). */
export function materialId(keyId: string, material: Buffer): string {
  return createHash("sha256").update(keyId).update(material).digest("hex");
}

/**
 * A key whose material was (re)imported, expired or deleted: Enabled when every permanently associated
 * material (CURRENT or NON_CURRENT) is imported, PendingImport otherwise. Other states (Disabled, ...)
 * are left alone.
 */
function updateKeyState(key: FakeKey): void {
  if (key.state !== "Enabled" && key.state !== "PendingImport") return;
  const associated = key.materials.filter((m) => m.state !== "PENDING_ROTATION");
  key.state = associated.length > 0 && associated.every((m) => m.importState === "IMPORTED") ? "Enabled" : "PendingImport";
}
