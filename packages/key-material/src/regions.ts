import { UsageError } from "./errors";

import { KNOWN_REGIONS, REGIONS_BY_PARTITION, isKnownRegion } from "@sse-kms/policy";

/**
 * AWS regions, by partition: the one table of the repository (`@sse-kms/policy`, which has no
 * dependency, so the air-gapped `wrap` path and this CLI do not load the config schemas).
 */
export const KMS_REGIONS_BY_PARTITION = REGIONS_BY_PARTITION;

/** Every region name `--region` accepts. */
export const KMS_REGIONS: readonly string[] = KNOWN_REGIONS;

/**
 * Checks `--region`. Throws a {@link UsageError} naming the problem for an unknown region, with a
 * hint when the value is an availability zone (`eu-west-1a`) rather than a region.
 */
export function assertKnownRegion(region: string): void {
  if (isKnownRegion(region)) return;
  const zoneOf = /^([a-z]{2}(?:-gov)?-[a-z]+-\d+)[a-z]$/.exec(region)?.[1];
  if (isKnownRegion(zoneOf)) {
    throw new UsageError(`unknown region "${region}": that is an availability zone`, `use --region ${zoneOf}`);
  }
  throw new UsageError(`unknown region "${region}"`, "use an AWS region name such as eu-west-1 or us-east-1 (not an availability zone or a display name)");
}
