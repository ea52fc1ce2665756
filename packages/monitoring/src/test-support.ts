/** Test stacks for this package's tests: a key (and optionally a bucket) in a pinned account, plus the alarms. */
import { EncryptedBucket } from "@sse-kms/bucket-encryption";
import { EncryptionKey } from "@sse-kms/key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { type AttachedKeyEventAlarmsProps, attachKeyEventAlarms } from "./attach";
import type { KeyEventAlarms } from "./key-event-alarms";

export const ACCOUNT = "333333333333";
export const REGION = "us-east-1";
export const ADMIN = `arn:aws:iam::${ACCOUNT}:role/platform-key-admin`;
export const USER = `arn:aws:iam::${ACCOUNT}:role/app-data`;
export const BUCKET = "acme-test-data-333333333333";

/** A stack "test-stack" with a data key, a bucket under it, and the alarms of `monitoring`. */
export function monitoredStack(monitoring: AttachedKeyEventAlarmsProps | undefined, options: { production?: boolean } = {}) {
  const stack = new TerraformStack(Testing.app(), "test-stack");
  const provider = new AwsProvider(stack, "aws", { region: REGION, allowedAccountIds: [ACCOUNT] });
  const preventDestroy = options.production ?? false;
  const key = new EncryptionKey(stack, "Key", { name: "data", account: ACCOUNT, region: REGION, administrators: [ADMIN], users: [USER], preventDestroy });
  new EncryptedBucket(stack, "Bucket", { bucketName: BUCKET, region: REGION, encryptionKey: key, preventDestroy });
  const alarms: KeyEventAlarms | undefined = attachKeyEventAlarms({ stack, provider, account: ACCOUNT, region: REGION, preventDestroy }, monitoring);
  return { stack, key, alarms };
}
