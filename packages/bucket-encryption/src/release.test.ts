import { newTestStack, synthJson } from "@sse-kms/construct-kit/testing";
import { EncryptedBucket, type IBucketKey } from "./bucket";
import { ENCRYPTED_BUCKET_RESOURCE_TYPES, encryptedBucketAddresses, releaseBucket } from "./release";

const KEY: IBucketKey = {
  keyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  region: "eu-west-1",
  account: "123456789012",
  scopeUseToBucket: () => undefined,
  grantBucketAccess: () => undefined,
};

/** Every address an EncryptedBucket synthesizes, as `<type>.<name>`. */
function addressesOf(props: { bucketName: string; terraformName?: string }): string[] {
  const stack = newTestStack();
  new EncryptedBucket(stack, "Bucket", { ...props, region: "eu-west-1", encryptionKey: KEY, readers: [`arn:aws:iam::123456789012:role/r`] });
  const resources = synthJson(stack).resource as Record<string, Record<string, unknown>>;
  return Object.entries(resources).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
}

describe("releaseBucket", () => {
  it("names exactly the addresses EncryptedBucket creates (derived or explicit terraformName), so the list cannot drift", () => {
    expect(encryptedBucketAddresses("acme-data-1").sort()).toEqual(addressesOf({ bucketName: "acme-data-1" }).sort());
    expect(encryptedBucketAddresses("acme-data-1", "data").sort()).toEqual(addressesOf({ bucketName: "acme-data-1", terraformName: "data" }).sort());
    expect(ENCRYPTED_BUCKET_RESOURCE_TYPES).toHaveLength(6);
  });

  it("writes one removed block (destroy = false) per resource of the bucket, and nothing else", () => {
    const stack = newTestStack();
    const forgotten = releaseBucket(stack, "acme-data-1");
    const json = synthJson(stack);
    expect(json.removed).toEqual(forgotten.map((from) => ({ from, lifecycle: { destroy: false } })));
    expect(forgotten).toContain("aws_s3_bucket.acme_data_1");
    expect(json.resource).toBeUndefined();
  });
});
