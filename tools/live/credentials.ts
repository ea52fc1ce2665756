/**
 * The credentials `verify` and `test:live --aws` use: the standard chain of the AWS SDK for
 * JavaScript v3 WITHOUT its last two links, the ECS container endpoint and the EC2 instance metadata
 * service. Those two are how a process would reach 169.254.169.254 (or 169.254.170.2): on a
 * developer's machine or a CI runner without credentials they are never the intended source, and
 * probing them turns "no credentials" into a slow network timeout. `AWS_EC2_METADATA_DISABLED=true`
 * is set as well, for any SDK code that would consult IMDS on its own (SDK docs, "IMDS client":
 * "AWS_EC2_METADATA_DISABLED ... If set to true, the SDK will not use IMDS to fetch credentials",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-client.html).
 */
import { fromEnv, fromIni, fromProcess, fromSSO, fromTokenFile } from "@aws-sdk/credential-providers";

/** Static or temporary AWS credentials. */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** A function that resolves credentials (the SDK's `credentials` option accepts it). */
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** The links of the chain, in order: the standard chain's, minus `fromContainerMetadata` and `fromInstanceMetadata`. */
export const CREDENTIAL_CHAIN = ["env", "sso", "ini", "process", "tokenFile"] as const;

/** Sources the chain never uses (they reach link-local metadata addresses). */
export const EXCLUDED_SOURCES = ["containerMetadata (169.254.170.2)", "instanceMetadata (169.254.169.254)"] as const;

/** A credential provider over {@link CREDENTIAL_CHAIN}; rejects with one line naming credentials when none yields any. */
export function credentialChain(env: NodeJS.ProcessEnv = process.env): AwsCredentialIdentityProvider {
  env.AWS_EC2_METADATA_DISABLED = "true";
  const profile = env.AWS_PROFILE;
  const links: Record<(typeof CREDENTIAL_CHAIN)[number], AwsCredentialIdentityProvider> = {
    env: fromEnv(),
    sso: fromSSO(profile ? { profile } : {}),
    ini: fromIni(profile ? { profile } : {}),
    process: fromProcess(profile ? { profile } : {}),
    tokenFile: fromTokenFile(),
  };
  return async (): Promise<AwsCredentialIdentity> => {
    for (const name of CREDENTIAL_CHAIN) {
      try {
        return await links[name]();
      } catch {
        // this link has no credentials: try the next one
      }
    }
    throw new NoCredentialsError();
  };
}

/** No link of the chain found credentials. */
export class NoCredentialsError extends Error {
  constructor() {
    super(
      `no AWS credentials found (looked in: environment variables, SSO, shared config/credentials files${process.env.AWS_PROFILE ? ` profile ${process.env.AWS_PROFILE}` : ""}, credential_process, web identity token file; never the instance or container metadata service): set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
    );
    this.name = "NoCredentialsError";
  }
}

/** `--endpoint-url` must be loopback (moto_server, a fake): the URL, or a one-line error. */
export function loopbackEndpoint(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--endpoint-url must be a URL such as http://127.0.0.1:5000 (got ${JSON.stringify(value)})`);
  }
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || !["http:", "https:"].includes(url.protocol))
    throw new Error(`--endpoint-url must be on loopback (127.0.0.1, localhost or [::1]): got ${JSON.stringify(value)}`);
  return url;
}
