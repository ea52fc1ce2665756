/**
 * The buckets a stack adopts (`buckets[].adopt`: Terraform `import` blocks), created in moto before
 * the apply, in the shape the import blocks say they have. Against AWS the bucket is the user's own
 * and already exists; in an empty emulator it does not, and "Cannot import non-existent remote
 * object" would stop the apply (the failure the adoption design avoids for real legacy buckets).
 *
 * What a seeded bucket holds, per import target of the bucket:
 * - `aws_s3_bucket` (always): the bucket, never versioned, with SSE-S3 default encryption. AWS gives
 *   every bucket that default: "Amazon S3 now applies server-side encryption with Amazon S3 managed
 *   keys (SSE-S3) as the base level of encryption for every bucket in Amazon S3. Starting January 5,
 *   2023, all new object uploads to Amazon S3 are automatically encrypted"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html); moto 5.2.1
 *   gives a new bucket none (docs/re-encryption.md, moto gaps), so it is set here as AWS would have it.
 * - `aws_s3_bucket_policy`, `aws_s3_bucket_ownership_controls`, `aws_s3_bucket_public_access_block`
 *   (only when `adopt.existing` names them): a legacy policy statement, `ObjectWriter` ownership and a
 *   partial public access block, so that the import finds them and the apply changes them.
 * Used only against moto (never with `--aws`).
 */
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";

/** One adopted bucket of a stack: its name, region, and the configurations its import blocks take. */
export interface AdoptedBucket {
  readonly bucket: string;
  readonly region: string;
  /** Resource types of the stack's import blocks for this bucket, e.g. `aws_s3_bucket_policy`. */
  readonly imports: readonly string[];
}

interface StackDoc {
  import?: Array<{ to?: string; id?: string; provider?: string }>;
  resource?: { aws_s3_bucket?: Record<string, { bucket?: string; provider?: string }> };
  provider?: { aws?: Array<{ alias?: string; region?: string }> };
}

/** The buckets a synthesized stack imports (its `import` blocks), with the region of each one's provider. */
export function adoptedBuckets(stackJson: string): AdoptedBucket[] {
  const doc = JSON.parse(stackJson) as StackDoc;
  const regionOf = (provider: string | undefined): string => {
    const alias = provider?.replace(/^aws\./, "");
    const block = (doc.provider?.aws ?? []).find((p) => (alias === undefined || alias === "aws" ? p.alias === undefined : p.alias === alias));
    return block?.region ?? "us-east-1";
  };
  const byBucket = new Map<string, { region: string; imports: string[] }>();
  for (const block of doc.import ?? []) {
    const [type, name] = (block.to ?? "").split(".");
    if (!type?.startsWith("aws_s3_bucket") || block.id === undefined) continue;
    const resource = type === "aws_s3_bucket" && name ? doc.resource?.aws_s3_bucket?.[name] : undefined;
    const entry = byBucket.get(block.id) ?? { region: regionOf(resource?.provider ?? block.provider), imports: [] };
    if (resource) entry.region = regionOf(resource.provider);
    entry.imports.push(type);
    byBucket.set(block.id, entry);
  }
  return [...byBucket].map(([bucket, e]) => ({ bucket, region: e.region, imports: e.imports.sort() }));
}

/** Creates each adopted bucket in moto at `endpoint` (loopback), as {@link adoptedBuckets} describes it. */
export async function seedAdoptedBuckets(
  buckets: readonly AdoptedBucket[],
  endpoint: string,
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string },
): Promise<void> {
  for (const b of buckets) {
    const s3 = new S3Client({ region: b.region, endpoint, forcePathStyle: true, credentials, maxAttempts: 2 });
    try {
      await s3.send(
        new CreateBucketCommand({
          Bucket: b.bucket,
          ...(b.region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: b.region as never } }),
        }),
      );
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket: b.bucket,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
        }),
      );
      if (b.imports.includes("aws_s3_bucket_policy"))
        await s3.send(
          new PutBucketPolicyCommand({
            Bucket: b.bucket,
            Policy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [{ Sid: "LegacyDenyDelete", Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: `arn:aws:s3:::${b.bucket}` }],
            }),
          }),
        );
      if (b.imports.includes("aws_s3_bucket_ownership_controls"))
        await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: b.bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "ObjectWriter" }] } }));
      if (b.imports.includes("aws_s3_bucket_public_access_block"))
        await s3.send(new PutPublicAccessBlockCommand({ Bucket: b.bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true } }));
    } finally {
      s3.destroy();
    }
  }
}
