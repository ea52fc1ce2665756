import { createHash } from "node:crypto";
import { isAccountId } from "@sse-kms/config";
import { dnsSuffixOf, isKnownRegion, partitionOf } from "@sse-kms/policy";
import { type SynthesizedStack, isRecord, pick } from "./stacks";

/** The account, region and partition a resource is created in: those of its AWS provider. */
export interface ProviderScope {
  /** `aws` or `aws.<alias>`. */
  readonly provider: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  /** DNS suffix of the partition's endpoints (`amazonaws.com`, `amazonaws.com.cn`). */
  readonly dnsSuffix: string;
}

/** The account id inside an ARN (its fifth field), if any. */
export function accountOfArn(arn: string): string | undefined {
  const account = arn.split(":")[4];
  return isAccountId(account) ? account : undefined;
}

/**
 * The scope of the provider a block names in its `provider` attribute (`aws.<alias>`), or of the
 * default `aws` provider. The account is the provider's `allowed_account_ids[0]` (or the account of
 * its `assume_role` role ARN); the region its `region`.
 */
export function providerScope(stack: SynthesizedStack, block: Record<string, unknown>, where: string): ProviderScope {
  const ref = typeof block.provider === "string" ? block.provider : "aws";
  const [type, alias] = ref.split(".");
  if (type !== "aws") throw new Error(`${where}: provider "${ref}" is not an AWS provider`);
  const raw = pick(stack.json, "provider", "aws");
  const configs = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(isRecord);
  const config = configs.find((c) => (alias === undefined ? c.alias === undefined : c.alias === alias));
  if (!config) throw new Error(`${where}: stack ${stack.name} has no AWS provider ${ref}`);
  const region = config.region;
  if (typeof region !== "string" || region.includes("${")) {
    throw new Error(`${where}: provider ${ref} of stack ${stack.name} has no literal region; set region on the provider`);
  }
  const allowed = config.allowed_account_ids;
  let account = Array.isArray(allowed) && typeof allowed[0] === "string" ? allowed[0] : undefined;
  if (account === undefined) {
    const assume = Array.isArray(config.assume_role) ? config.assume_role[0] : config.assume_role;
    const roleArn = isRecord(assume) && typeof assume.role_arn === "string" ? assume.role_arn : undefined;
    account = roleArn === undefined ? undefined : accountOfArn(roleArn);
  }
  if (!isAccountId(account)) {
    throw new Error(`${where}: cannot tell the account of provider ${ref} in stack ${stack.name}: set allowed_account_ids (or an assume_role role_arn)`);
  }
  if (!isKnownRegion(region))
    throw new Error(`${where}: provider ${ref} in stack ${stack.name} names region ${JSON.stringify(region)}, which is not a known AWS region`);
  const partition = partitionOf(region);
  return { provider: ref, account, region, partition, dnsSuffix: dnsSuffixOf(partition) };
}

/**
 * A stable, uuid-shaped placeholder id for a resource whose real id only exists after apply:
 * derived from the stack name and the Terraform address, so it is the same on every run.
 */
export function placeholderId(stackName: string, address: string): string {
  const h = createHash("sha256").update(`${stackName}/${address}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
