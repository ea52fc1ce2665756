import type { StackInventory } from "./inventory";
import type { AccessRequest } from "./request";
import { arnAccount, arnPartition, arnRegExp } from "@sse-kms/config";
import { dnsSuffixOf, isServicePrincipal, partitionOf } from "@sse-kms/policy";
import { findBucket, type Target } from "./target";

/** Context keys the layer fills unless the request sets them. */
export const DEFAULT_CONTEXT_KEYS = [
  "aws:SecureTransport",
  "aws:PrincipalArn",
  "aws:PrincipalAccount",
  "aws:ResourceAccount",
  "aws:RequestedRegion",
  "kms:CallerAccount",
] as const;

const ASSUMED_ROLE = arnRegExp("sts", "", "assumed-role/(?<role>[^/]+)/.+");

/** `arn:<p>:sts::<acct>:assumed-role/<role>/<session>` -> `arn:<p>:iam::<acct>:role/<role>` (the path is not in the session ARN). */
export function principalArnOf(principal: string): string {
  const role = ASSUMED_ROLE.exec(principal)?.groups?.role;
  return role === undefined ? principal : `arn:${arnPartition(principal)}:iam::${arnAccount(principal)}:role/${role}`;
}

type Context = Record<string, string | readonly string[]>;

const setIfAbsent = (ctx: Context, key: string, value: string | undefined) => {
  if (value === undefined) return;
  if (!Object.keys(ctx).some((k) => k.toLowerCase() === key.toLowerCase())) ctx[key] = value;
};

/**
 * The request context: the caller's values (Terraform references resolved), then the `viaS3` keys
 * and the defaults for whatever the caller did not set.
 */
export function buildContext(inv: StackInventory, request: AccessRequest, target: Target, principalAccount: string | undefined): Context {
  const ctx: Context = {};
  const resolve = (v: string) => (target.stack && v.includes("${") ? inv.resolver.resolve(target.stack, v, `context of ${request.action}`) : v);
  for (const [key, value] of Object.entries(request.context ?? {})) {
    ctx[key] = typeof value === "string" ? resolve(value) : value.map(resolve);
  }
  const anonymous = request.principal === "*";
  const kms = request.action.toLowerCase().startsWith("kms:");
  if (request.viaS3) {
    if (!target.key) throw new Error(`viaS3 models S3 calling KMS: the resource of ${request.action} must be a KMS key`);
    const via = request.viaS3;
    const bucket = findBucket(inv, via.bucket);
    const partition = target.key.scope.partition;
    const region = via.region ?? bucket?.scope.region ?? target.key.scope.region;
    const bucketArn = bucket?.arn ?? `arn:${partition}:s3:::${via.bucket}`;
    const form = via.encryptionContext ?? (bucket === undefined || (bucket.encryption()?.bucketKeyEnabled ?? true) ? "bucket" : "object");
    setIfAbsent(ctx, "kms:ViaService", `s3.${region}.${dnsSuffixOf(partitionOf(region))}`);
    setIfAbsent(ctx, "kms:EncryptionContext:aws:s3:arn", form === "bucket" ? bucketArn : `${bucketArn}/${via.objectKey ?? "example-object"}`);
  }
  // A service principal's request holds only what the caller put in (checked against the table of
  // documented service-principal conditions by simulateAccess): no default keys, because the layer
  // must not assume a service sends a key that AWS does not document it sending.
  if (isServicePrincipal(request.principal)) return ctx;
  setIfAbsent(ctx, "aws:SecureTransport", "true");
  if (!anonymous) {
    if (request.principal.startsWith("arn:")) setIfAbsent(ctx, "aws:PrincipalArn", principalArnOf(request.principal));
    setIfAbsent(ctx, "aws:PrincipalAccount", principalAccount);
    if (kms) setIfAbsent(ctx, "kms:CallerAccount", principalAccount);
  }
  setIfAbsent(ctx, "aws:ResourceAccount", target.account);
  setIfAbsent(ctx, "aws:RequestedRegion", target.region);
  return ctx;
}
