import {
  DescribeKeyCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  KMSClient,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
  type KMSClientConfig,
  type KeyMetadata,
} from "@aws-sdk/client-kms";
import type { ImportParameters, KeyDescription, KeyMaterialEntry, KmsConnection, KmsImportApi, WrappingKeySpec } from "./kms-types";

/** Network limits: fail with a clear error instead of hanging a ceremony forever. */
const CONNECTION_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;

function clientConfig(connection: KmsConnection, maxAttempts: number): KMSClientConfig {
  return {
    region: connection.region,
    maxAttempts,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    ...(connection.endpointUrl === undefined ? {} : { endpoint: connection.endpointUrl }),
  };
}

function toKeyDescription(metadata: KeyMetadata | undefined, requested: string): KeyDescription {
  if (metadata?.KeyId === undefined || metadata.Arn === undefined) {
    throw new Error(`DescribeKey returned no key metadata for ${requested}`);
  }
  return {
    keyId: metadata.KeyId,
    arn: metadata.Arn,
    keyState: metadata.KeyState ?? "unknown",
    origin: metadata.Origin ?? "unknown",
    ...(metadata.KeySpec === undefined ? {} : { keySpec: metadata.KeySpec }),
    ...(metadata.KeyUsage === undefined ? {} : { keyUsage: metadata.KeyUsage }),
    ...(metadata.ExpirationModel === undefined ? {} : { expirationModel: metadata.ExpirationModel }),
    ...(metadata.ValidTo === undefined ? {} : { validTo: metadata.ValidTo }),
    ...(metadata.MultiRegion === undefined ? {} : { multiRegion: metadata.MultiRegion }),
    ...(metadata.CurrentKeyMaterialId === undefined ? {} : { currentKeyMaterialId: metadata.CurrentKeyMaterialId }),
  };
}

/** Most pages ListKeyRotations is followed for (100 entries each): far beyond the 25 on-demand rotations a key can have. */
const MAX_ROTATION_PAGES = 50;

/**
 * The ceremony's KMS operations on the AWS SDK's KMSClient, with the standard credential chain
 * (environment, shared config/SSO, container and instance roles). DescribeKey and
 * GetParametersForImport and ListKeyRotations use the SDK's default retries; ImportKeyMaterial and
 * RotateKeyOnDemand are sent once.
 */
export function createKmsImportApi(connection: KmsConnection): KmsImportApi {
  const client = new KMSClient(clientConfig(connection, 3));
  const importClient = new KMSClient(clientConfig(connection, 1));
  return {
    async describeKey(keyId: string): Promise<KeyDescription> {
      const out = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
      return toKeyDescription(out.KeyMetadata, keyId);
    },
    async getParametersForImport(keyId: string, wrappingKeySpec: WrappingKeySpec): Promise<ImportParameters> {
      const out = await client.send(
        new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: wrappingKeySpec }),
      );
      if (out.PublicKey === undefined || out.ImportToken === undefined) {
        throw new Error("GetParametersForImport returned no PublicKey or ImportToken");
      }
      return {
        publicKey: out.PublicKey,
        importToken: out.ImportToken,
        ...(out.ParametersValidTo === undefined ? {} : { parametersValidTo: out.ParametersValidTo }),
      };
    },
    async importKeyMaterial({ keyId, importToken, encryptedKeyMaterial, expiration, importType, keyMaterialDescription, keyMaterialId }) {
      // ImportType, KeyMaterialDescription and KeyMaterialId are in @aws-sdk/client-kms 3.1164.0's
      // ImportKeyMaterialRequest ("Indicates whether the key material being imported is previously
      // associated with this KMS key or not. This parameter is optional and only usable with symmetric
      // encryption keys." https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html).
      const out = await importClient.send(
        new ImportKeyMaterialCommand({
          KeyId: keyId,
          ImportToken: importToken,
          EncryptedKeyMaterial: encryptedKeyMaterial,
          ExpirationModel: expiration.model,
          ...(expiration.model === "KEY_MATERIAL_EXPIRES" ? { ValidTo: expiration.validTo } : {}),
          ...(importType === undefined ? {} : { ImportType: importType }),
          ...(keyMaterialDescription === undefined ? {} : { KeyMaterialDescription: keyMaterialDescription }),
          ...(keyMaterialId === undefined ? {} : { KeyMaterialId: keyMaterialId }),
        }),
      );
      return out.KeyMaterialId === undefined ? {} : { keyMaterialId: out.KeyMaterialId };
    },
    async listKeyMaterials(keyId: string): Promise<KeyMaterialEntry[]> {
      // "When you specify a value of ALL_KEY_MATERIAL, KMS adds the first key material and any imported
      // key material pending rotation to the response." (IncludeKeyMaterial,
      // https://docs.aws.amazon.com/kms/latest/APIReference/API_ListKeyRotations.html)
      const entries: KeyMaterialEntry[] = [];
      let marker: string | undefined;
      for (let page = 0; page < MAX_ROTATION_PAGES; page++) {
        const out = await client.send(
          new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: "ALL_KEY_MATERIAL", ...(marker === undefined ? {} : { Marker: marker }) }),
        );
        for (const r of out.Rotations ?? []) {
          if (r.KeyMaterialId === undefined) continue;
          entries.push({
            keyMaterialId: r.KeyMaterialId,
            ...(r.KeyMaterialState === undefined ? {} : { state: r.KeyMaterialState }),
            ...(r.ImportState === undefined ? {} : { importState: r.ImportState }),
            ...(r.ExpirationModel === undefined ? {} : { expirationModel: r.ExpirationModel }),
            ...(r.ValidTo === undefined ? {} : { validTo: r.ValidTo }),
            ...(r.KeyMaterialDescription === undefined ? {} : { description: r.KeyMaterialDescription }),
            ...(r.RotationDate === undefined ? {} : { rotationDate: r.RotationDate }),
            ...(r.RotationType === undefined ? {} : { rotationType: r.RotationType }),
          });
        }
        if (out.Truncated !== true || out.NextMarker === undefined) return entries;
        marker = out.NextMarker;
      }
      throw new Error(`ListKeyRotations returned more than ${MAX_ROTATION_PAGES} pages for ${keyId}`);
    },
    async rotateKeyOnDemand(keyId: string): Promise<void> {
      await importClient.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    },
    close(): void {
      client.destroy();
      importClient.destroy();
    },
  };
}
