/**
 * A fake AWS KMS for tests, on 127.0.0.1 with a random port, speaking the real KMS wire protocol
 * (AWS JSON 1.1: `POST /`, `X-Amz-Target: TrentService.<Operation>`, blobs as base64, errors as
 * HTTP 400 `{"__type": "...Exception", "message": "..."}`), so the real AWS SDK can be pointed at it
 * with an endpoint URL. It implements DescribeKey, GetParametersForImport and ImportKeyMaterial with
 * KMS's checks: it holds the RSA private wrapping keys, unwraps what it receives with the requested
 * OAEP hash, and moves keys from PendingImport to Enabled.
 */
import { constants, generateKeyPairSync, privateDecrypt, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The operations the fake implements. */
export type FakeKmsOperation = "DescribeKey" | "GetParametersForImport" | "ImportKeyMaterial";

/** A KMS error the fake answers with. */
export interface FakeKmsError {
  readonly type: string;
  readonly message: string;
  /** HTTP status; 400 unless given. */
  readonly status?: number;
}

/** A key held by the fake. Tests read `material` to check what was imported. */
export interface FakeKey {
  readonly keyId: string;
  readonly arn: string;
  alias?: string;
  state: string;
  origin: string;
  keySpec: string;
  expirationModel?: string;
  validTo?: Date;
  /** The plaintext material KMS unwrapped and holds (test inspection only). */
  material?: Buffer;
}

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
  tokenLifetimeMs = 24 * 60 * 60 * 1000;
  private readonly tokens = new Map<string, ImportTokenRecord>();
  private readonly wrappingKeys = new Map<number, { publicDer: Buffer; privateKey: KeyObject }>();
  private server: Server | undefined;
  private baseUrl = "";

  constructor(readonly region = "eu-west-1") {}

  /** The endpoint URL, e.g. http://127.0.0.1:43121. */
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

  /** Adds a key; by default an EXTERNAL SYMMETRIC_DEFAULT key in PendingImport. */
  addKey(settings: Partial<Omit<FakeKey, "keyId" | "arn">> = {}): FakeKey {
    const keyId = randomUUID();
    const key: FakeKey = {
      keyId,
      arn: `arn:aws:kms:${this.region}:${this.account}:key/${keyId}`,
      state: "PendingImport",
      origin: "EXTERNAL",
      keySpec: "SYMMETRIC_DEFAULT",
      ...settings,
    };
    this.keys.set(keyId, key);
    return key;
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
      MultiRegion: false,
      ...(key.expirationModel === undefined ? {} : { ExpirationModel: key.expirationModel }),
      ...(key.validTo === undefined ? {} : { ValidTo: key.validTo.getTime() / 1000 }),
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
    if (key.state !== "PendingImport") throw new KmsFault("KMSInvalidStateException", `${key.arn} is ${key.state} which is not valid for this operation.`);
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
    if (key.state !== "PendingImport") throw new KmsFault("KMSInvalidStateException", `${key.arn} is ${key.state} which is not valid for this operation.`);
    const model = typeof body.ExpirationModel === "string" ? body.ExpirationModel : "KEY_MATERIAL_EXPIRES";
    const validTo = typeof body.ValidTo === "number" ? new Date(body.ValidTo * 1000) : undefined;
    if (model === "KEY_MATERIAL_EXPIRES" && (validTo === undefined || validTo.getTime() <= Date.now())) {
      throw new KmsFault("ValidationException", "ValidTo must be a future date when ExpirationModel is KEY_MATERIAL_EXPIRES");
    }
    if (model === "KEY_MATERIAL_DOES_NOT_EXPIRE" && validTo !== undefined) throw new KmsFault("ValidationException", "ValidTo must be omitted");
    let material: Buffer;
    try {
      material = privateDecrypt(
        { key: token.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: token.oaepHash },
        Buffer.from(String(body.EncryptedKeyMaterial), "base64"),
      );
    } catch {
      throw new KmsFault("InvalidCiphertextException", "The key material could not be unwrapped");
    }
    if (material.length !== 32) throw new KmsFault("IncorrectKeyMaterialException", "key material must be 256 bits");
    if (key.material !== undefined && !key.material.equals(material)) {
      throw new KmsFault("IncorrectKeyMaterialException", "The key material doesn't match the key material previously imported into this key");
    }
    key.material = material;
    key.state = "Enabled";
    key.expirationModel = model;
    key.validTo = model === "KEY_MATERIAL_EXPIRES" ? validTo : undefined;
    return {};
  }
}
