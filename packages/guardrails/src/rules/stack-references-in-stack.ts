/**
 * SKB-STACK-1: every block a resource refers to (`${aws_kms_key.data.arn}` in an attribute or inside
 * a policy string, `data.<type>.<name>`, an entry of `depends_on`) is in the same stack.
 *
 * The stacks of this repository are planned and applied alone (each from its own folder, workspace
 * or state), so a reference to a block of another stack is an error at plan time ("Reference to
 * undeclared resource"). cdktf's cross-stack references (an output in one stack read through
 * remote state in another) are not used: EnvironmentStack skips the extra resolution pass cdktf
 * runs to wire them (docs/performance.md), and this rule is what reports one at synth instead.
 *
 * No checkov / cdk-nag equivalent (`terraform validate` reports the same at plan time).
 */
import { isObject } from "../json";
import type { GuardrailRule, Json, RuleContext } from "../types";

/** An interpolation `${...}`, not an escaped `$${...}`. */
const INTERPOLATION = /(?<!\$)\$\{([^}]*)\}/g;
/** A block address inside an expression: `<type>.<name>` or `data.<type>.<name>` (types have an underscore: var., local., each. ... do not). */
const ADDRESS = /(?<![\w.$:/-])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)/g;

/** Every block address a value refers to, with the attribute path it was found at. */
function referencesIn(value: Json, path: string, out: { path: string; address: string }[], dependsOn = false): void {
  if (typeof value === "string") {
    if (dependsOn && /^(?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*$/.test(value)) out.push({ path, address: value });
    for (const m of value.matchAll(INTERPOLATION)) for (const a of (m[1] ?? "").matchAll(ADDRESS)) out.push({ path, address: a[1] as string });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => referencesIn(v, `${path}[${i}]`, out, dependsOn));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) referencesIn(v, path ? `${path}.${k}` : k, out, dependsOn || (path === "" && k === "depends_on"));
  }
}

/** The references of a block to blocks its stack does not hold. */
export function danglingReferences(config: Json, ctx: RuleContext): string[] {
  const found: { path: string; address: string }[] = [];
  referencesIn(config, "", found);
  return [...new Set(found.filter((r) => ctx.byAddress(r.address) === undefined).map((r) => `${r.path} refers to ${r.address}, which is not in this stack`))];
}

export const stackReferencesInStack: GuardrailRule = {
  id: "SKB-STACK-1",
  name: "stack-references-in-stack",
  description: "A resource refers to a resource or data source that is not in its stack.",
  rationale:
    "Each stack is planned and applied alone, from its own folder, workspace and state: a reference to a block of another stack (or to one that was removed) fails the plan with 'Reference to undeclared resource'. Caught at synth, the construct path says where the reference comes from.",
  fix: "Pass the value itself (an ARN from the configuration, an existing key by ARN) instead of a construct of another stack, or create the referenced resource in this stack.",
  appliesTo: ["*"],
  mappings: { other: ["Terraform: references to resources must name a block of the same configuration"] },
  check(resource, ctx) {
    const problems = danglingReferences(resource.config, ctx);
    return problems.length > 0 ? { status: "non-compliant", detail: problems.join("; ") } : "compliant";
  },
};
