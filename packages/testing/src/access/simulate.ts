import { type RequestAnalysis, type SimulationIdentityPolicy, anonymousPrincipal, runSimulation } from "@cloud-copilot/iam-simulate";
import { buildContext, principalArnOf } from "./context";
import { type PreparedPolicy, applyEncryptionContextConditions, isSelfEvaluatedKey } from "./encryption-context";
import { explain } from "./explain";
import { StackInventory } from "./inventory";
import { arnRegExp } from "@sse-kms/config";
import { type IamPolicyDocument, conditionKeyVerdict, isServicePrincipal } from "@sse-kms/policy";
import { allowAll, parsePolicyAt } from "./policy";
import type { AccessRequest, AccessResult } from "./request";
import { accountOfArn } from "./scope";
import { type StackInput, loadStacks } from "./stacks";
import { resolveTarget } from "./target";

const ROOT_USER = arnRegExp("iam", "", "root");

/** Stacks can be loaded once and reused across many requests (the access matrix does). */
export function inventoryOf(stacks: StackInput | StackInventory): StackInventory {
  return stacks instanceof StackInventory ? stacks : new StackInventory(loadStacks(stacks));
}

/**
 * Evaluates one request against the policies of synthesized stacks with `@cloud-copilot/iam-simulate`:
 * the resource policy that governs the resource (the key policy of a KMS key, the bucket policy of a
 * bucket or object, the trust policy of a role) and the principal's identity policies (the given ones
 * plus any the stacks define for a role of the stacks). Terraform references are resolved to stable
 * placeholder ARNs (see {@link ReferenceResolver}); `kms:EncryptionContext:*` conditions are evaluated
 * by {@link applyEncryptionContextConditions} because the simulator drops those keys.
 *
 * The account root user (`arn:...:root` as principal) holds every permission in its own account, so
 * its identity side is modelled as {@link allowAll}; anonymous (`"*"`) requests and service principals
 * (`s3.amazonaws.com`) have no identity side.
 *
 * Throws when the request cannot be evaluated faithfully: the resource is not in the stacks, a
 * reference cannot be resolved, the simulator rejects the input, or it ignores a context key the
 * caller set (a typo, or a key that does not apply to the action).
 */
export async function simulateAccess(stacks: StackInput | StackInventory, request: AccessRequest): Promise<AccessResult> {
  const inv = inventoryOf(stacks);
  const target = resolveTarget(inv, request.resource);
  const anonymous = request.principal === "*";
  const rootUser = ROOT_USER.test(request.principal);
  const principalAccount = anonymous ? undefined : (request.principalAccount ?? accountOfArn(request.principal));
  const service = !anonymous && !request.principal.startsWith("arn:");
  if (!anonymous && !service && principalAccount === undefined)
    throw new Error(`principal ${request.principal}: give principalAccount (the ARN names no account)`);
  const given = request.identityPolicies ?? [];
  if ((anonymous || service) && given.length > 0)
    throw new Error(`${anonymous ? 'an anonymous request (principal "*")' : `the service principal ${request.principal}`} has no identity policies`);
  if (rootUser && given.length > 0)
    throw new Error(`${request.principal} is the root user: it has no identity policies (it holds every permission in its own account)`);

  if (isServicePrincipal(request.principal)) checkServiceContext(request);
  const context = buildContext(inv, request, target, principalAccount);
  const remarks: string[] = [];
  const rawIdentity: { name: string; document: IamPolicyDocument }[] = [];
  if (rootUser) {
    rawIdentity.push({ name: "root user (implicit full access)", document: allowAll });
    if (principalAccount !== target.account)
      remarks.push("the root user of another account is modelled with full access in its own account only; the resource policy decides");
  }
  given.forEach((document, i) => {
    const text = JSON.stringify(document);
    const resolved = target.stack && text.includes("${") ? inv.resolver.resolve(target.stack, text, `identityPolicies[${i}]`) : text;
    rawIdentity.push({ name: `identityPolicies[${i}]`, document: parsePolicyAt(resolved, `identityPolicies[${i}]`) });
  });
  for (const role of inv.roles.filter((r) => !anonymous && !service && r.arn === principalArnOf(request.principal))) {
    for (const p of role.identityPolicies()) rawIdentity.push({ name: p.source, document: p.document });
    const missing = role.unmodelledPolicies();
    if (missing.length > 0) remarks.push(`${role.address} has attached policies not in the stacks, not evaluated: ${missing.join(", ")}`);
  }

  const resourcePolicy = target.policy ? applyEncryptionContextConditions(target.policy.document, context, target.policyLabel) : undefined;
  const identity = new Map<string, PreparedPolicy>();
  for (const { name, document } of rawIdentity) identity.set(name, applyEncryptionContextConditions(document, context, `identity policy ${name}`));

  const response = await runSimulation(
    {
      request: {
        principal: anonymous ? anonymousPrincipal : request.principal,
        action: request.action,
        resource: { resource: target.arn, accountId: target.account },
        contextVariables: Object.fromEntries(Object.entries(context).map(([k, v]) => [k, typeof v === "string" ? v : [...v]])),
      },
      identityPolicies: [...identity].map(([name, p]): SimulationIdentityPolicy => ({ name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy: resourcePolicy.document } : {}),
    },
    { simulationMode: "Strict" },
  );
  if (response.resultType === "error") {
    throw new Error(
      `iam-simulate rejected the request ${request.action} on ${target.arn}: ${response.errors.message}\n${JSON.stringify(response.errors, null, 2)}`,
    );
  }
  if (response.resultType !== "single") throw new Error(`iam-simulate ran a wildcard simulation for ${target.arn}; name one resource`);
  const ignored = (response.result.ignoredContextKeys ?? []).filter(
    (k) => !isSelfEvaluatedKey(k) && Object.keys(request.context ?? {}).some((c) => c.toLowerCase() === k.toLowerCase()),
  );
  if (ignored.length > 0) {
    throw new Error(`context keys ${ignored.join(", ")} do not apply to ${request.action} (the simulator ignores them): check the spelling or drop them`);
  }
  const analysis: RequestAnalysis = response.result.analysis;
  const decision = response.overallResult;
  const notes = [...(resourcePolicy?.notes ?? []), ...[...identity.values()].flatMap((p) => p.notes)];
  const { text, decisive } = explain({
    decision,
    principal: request.principal,
    action: request.action,
    resourceArn: target.arn,
    analysis,
    resourceLabel: target.policyLabel,
    ...(resourcePolicy ? { resourcePolicy } : {}),
    identityPolicies: identity,
    notes,
    remarks,
    context,
  });
  return {
    decision,
    explanation: text,
    decisiveStatements: decisive,
    request: {
      principal: request.principal,
      action: request.action,
      resourceArn: target.arn,
      resourceAccount: target.account,
      resourcePolicy: target.policyLabel,
      identityPolicies: [...identity.keys()],
      context,
    },
  };
}

/**
 * A request of a service principal may carry only condition keys that the table of documented
 * service-principal conditions (`SERVICE_PRINCIPAL_CALLS`, `@sse-kms/policy`) lists for that principal
 * and action, as documented or possibly sent: a proof must not assume a service sends a key AWS does
 * not document it sending (the policy would be proven against a request that never happens). A key
 * listed as only possibly sent is allowed; the proofs then also show the request without it.
 */
export function checkServiceContext(request: Pick<AccessRequest, "principal" | "action" | "context" | "viaS3">): void {
  if (request.viaS3) throw new Error(`viaS3 models S3 calling KMS for an IAM principal; ${request.principal} is a service principal`);
  for (const key of Object.keys(request.context ?? {})) {
    const v = conditionKeyVerdict(request.principal, request.action, key);
    if (v.kind === "documented" || v.kind === "possibly") continue;
    const why =
      v.kind === "not-sent"
        ? `AWS documents it as not sent (${v.entry.source.url}: "${v.entry.source.quote}")`
        : v.kind === "unknown-call"
          ? "the table of documented service-principal conditions has no row for this call"
          : `the table documents only ${v.call.keys.map((k) => k.key).join(", ") || "no key"} for this call`;
    throw new Error(`context key ${key} cannot be put into a request of ${request.principal} for ${request.action}: ${why}`);
  }
}
