/** Small ARN builders. Partition-aware; no wildcards. */

export function accountRootArn(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:root`;
}

export function bucketArn(partition: string, bucketName: string): string {
  return `arn:${partition}:s3:::${bucketName}`;
}

/** Every object in a bucket. */
export function bucketObjectsArn(bucketArnValue: string): string {
  return `${bucketArnValue}/*`;
}

export function roleArn(partition: string, account: string, roleName: string, path = "/"): string {
  return `arn:${partition}:iam::${account}:role${path}${roleName}`;
}

/** The service endpoint S3 calls KMS through, for `kms:ViaService`. */
export function s3ViaService(region: string, dnsSuffix = "amazonaws.com"): string {
  return `s3.${region}.${dnsSuffix}`;
}
