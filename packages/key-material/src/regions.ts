import { UsageError } from "./errors";

/**
 * AWS regions, by partition, where KMS runs. Kept in step with `REGIONS_BY_PARTITION` in
 * `@sse-kms/config` (packages/config/src/primitives.ts); duplicated on purpose so that the
 * air-gapped `wrap` path and this CLI carry no dependency on the config package (and zod).
 */
export const KMS_REGIONS_BY_PARTITION = {
  aws: [
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1",
    "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
    "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
    "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  ],
  "aws-cn": ["cn-north-1", "cn-northwest-1"],
  "aws-us-gov": ["us-gov-east-1", "us-gov-west-1"],
} as const;

/** Every region name `--region` accepts. */
export const KMS_REGIONS: readonly string[] = Object.values(KMS_REGIONS_BY_PARTITION).flat();

/**
 * Checks `--region`. Throws a {@link UsageError} naming the problem for an unknown region, with a
 * hint when the value is an availability zone (`eu-west-1a`) rather than a region.
 */
export function assertKnownRegion(region: string): void {
  if (KMS_REGIONS.includes(region)) return;
  const zoneOf = /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$/.exec(region)?.[1];
  if (zoneOf !== undefined && KMS_REGIONS.includes(zoneOf)) {
    throw new UsageError(`unknown region "${region}": that is an availability zone`, `use --region ${zoneOf}`);
  }
  throw new UsageError(
    `unknown region "${region}"`,
    "use an AWS region name such as eu-west-1 or us-east-1 (not an availability zone or a display name)",
  );
}
