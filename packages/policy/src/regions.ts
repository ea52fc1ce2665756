/**
 * AWS partitions and regions: the one region table and the one region check of the repository.
 * Plain data with no dependency, in the lowest package, so the config schemas, the constructs,
 * the access simulator and the air-gapped key-material CLI all use the same list.
 */

/** AWS partitions and the regions we know in each. */
export const REGIONS_BY_PARTITION = {
  aws: [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
  ],
  "aws-cn": ["cn-north-1", "cn-northwest-1"],
  "aws-us-gov": ["us-gov-east-1", "us-gov-west-1"],
} as const;

export type Partition = keyof typeof REGIONS_BY_PARTITION;
export const PARTITIONS = Object.keys(REGIONS_BY_PARTITION) as Partition[];
export const KNOWN_REGIONS: readonly string[] = Object.values(REGIONS_BY_PARTITION).flat();

/** Whether `region` is a region name we know (`eu-west-1`; not an availability zone, not upper case). */
export function isKnownRegion(region: unknown): region is string {
  return typeof region === "string" && KNOWN_REGIONS.includes(region);
}

/** The partition a known region belongs to. Throws for an unknown region. */
export function partitionOf(region: string): Partition {
  for (const p of PARTITIONS) {
    if ((REGIONS_BY_PARTITION[p] as readonly string[]).includes(region)) return p;
  }
  throw new Error(`unknown region "${region}"`);
}

/** The DNS suffix of a partition's service endpoints (for `kms:ViaService`). */
export function dnsSuffixOf(partition: Partition): string {
  return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}
