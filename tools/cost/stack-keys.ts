import type { KeyUsage } from "./model";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** The KMS keys of a synthesized stack, with their rotation period and the buckets they encrypt. */
export function keysOfStack(stack: { resource?: Resources }): KeyUsage[] {
  const resources = stack.resource ?? {};
  const sse = Object.values(resources.aws_s3_bucket_server_side_encryption_configuration ?? {});
  const keyRefs = (type: string, name: string) => `\${${type}.${name}.arn}`;
  const bucketsUsing = (ref: string) => sse.filter((c) => JSON.stringify(c.rule ?? "").includes(JSON.stringify(ref).slice(1, -1))).length;
  const out: KeyUsage[] = [];
  for (const type of ["aws_kms_key", "aws_kms_external_key"]) {
    for (const [name, config] of Object.entries(resources[type] ?? {})) {
      out.push({
        address: `${type}.${name}`,
        rotationPeriodInDays: type === "aws_kms_key" && config.enable_key_rotation === true ? Number(config.rotation_period_in_days ?? 365) : undefined,
        buckets: bucketsUsing(keyRefs(type, name)),
      });
    }
  }
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}
