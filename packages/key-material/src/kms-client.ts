import {
  DescribeKeyCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  KMSClient,
  type KMSClientConfig,
  type KeyMetadata,
} from "@aws-sdk/client-kms";
import type { ImportParameters, KeyDescription, KmsConnection, KmsImportApi, WrappingKeySpec } from "./kms-types";

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
  };
}

/**
 * The ceremony's KMS operations on the AWS SDK's KMSClient, with the standard credential chain
 * (environment, shared config/SSO, container and instance roles). DescribeKey and
 * GetParametersForImport use the SDK's default retries; ImportKeyMaterial is sent once.
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
    async importKeyMaterial({ keyId, importToken, encryptedKeyMaterial, expiration }): Promise<void> {
      await importClient.send(
        new ImportKeyMaterialCommand({
          KeyId: keyId,
          ImportToken: importToken,
          EncryptedKeyMaterial: encryptedKeyMaterial,
          ExpirationModel: expiration.model,
          ...(expiration.model === "KEY_MATERIAL_EXPIRES" ? { ValidTo: expiration.validTo } : {}),
        }),
      );
    },
    close(): void {
      client.destroy();
      importClient.destroy();
    },
  };
}
