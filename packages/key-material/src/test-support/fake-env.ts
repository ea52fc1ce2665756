/** Test environment for talking to the fake KMS through the real AWS SDK, with fake static credentials. */
import { join } from "node:path";

const CLEARED = [
  "AWS_PROFILE",
  "AWS_SESSION_TOKEN",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
];

/** The variables the fake-credential environment sets (also for child processes). */
export function fakeAwsEnv(dir: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: "AKIAFAKEFAKEFAKEFAKE",
    AWS_SECRET_ACCESS_KEY: "fake",
    // Never ask the instance metadata service (169.254.169.254) for anything.
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: join(dir, "no-such-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-such-credentials"),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/** Switches process.env to fake static credentials (no ~/.aws files, no metadata lookups); returns the undo. */
export function useFakeAwsEnv(dir: string): () => void {
  const saved = { ...process.env };
  for (const name of CLEARED) delete process.env[name];
  Object.assign(process.env, fakeAwsEnv(dir));
  return () => {
    process.env = saved;
  };
}

/** A child-process environment: the parent's minus AWS settings, plus the fake credentials. */
export function childAwsEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLEARED) delete env[name];
  return { ...env, ...fakeAwsEnv(dir) };
}
