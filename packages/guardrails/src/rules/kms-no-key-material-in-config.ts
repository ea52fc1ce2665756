/**
 * SKB-KMS-8: no key material in the configuration. `key_material_base64` is absent (material
 * imported out of band by the ceremony CLI, the default) or exactly a reference to a sensitive
 * Terraform variable without a default (`${var.key_material_base64}`, the explicit opt-in), never a
 * literal; and no sensitive attribute of any resource (`*secret*`, `*password*`, `plaintext`,
 * `private_key`, `key_material*`, ...) holds a literal that is base64 of exactly 32 bytes.
 *
 * No checkov / cdk-nag equivalent for KMS material (checkov's secret scanning, CKV_SECRET_*, looks
 * for known credential formats, not raw key material).
 */
import { failAll, isObject } from "../json";
import { wholeReference } from "@sse-kms/policy";
import type { GuardrailRule, Json, RuleContext } from "../types";

const SENSITIVE_ATTRIBUTE = /(key_material|plaintext|secret|password|passphrase|private_key|token)/i;
const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$|^[A-Za-z0-9_-]{43}=?$/;

/** Whether a literal looks like 32 bytes of base64 (a 256-bit key). */
export function looksLike256BitKeyMaterial(value: string): boolean {
  return BASE64_32_BYTES.test(value.trim()) && Buffer.from(value.trim().replace(/-/g, "+").replace(/_/g, "/"), "base64").length === 32;
}

function sensitiveLiterals(value: Json, path: string, inSensitive: boolean, out: string[]): void {
  if (typeof value === "string") {
    if (inSensitive && !value.includes("${") && looksLike256BitKeyMaterial(value)) out.push(`${path} holds a literal 32-byte base64 value`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => sensitiveLiterals(v, `${path}[${i}]`, inSensitive, out));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) sensitiveLiterals(v, path ? `${path}.${k}` : k, inSensitive || SENSITIVE_ATTRIBUTE.test(k), out);
  }
}

function checkMaterialAttribute(value: Json | undefined, ctx: RuleContext): string | undefined {
  if (value === undefined || value === null) return undefined;
  const ref = wholeReference(value);
  if (!ref || ref.type !== "var" || ref.attribute !== "") {
    return "key_material_base64 is set to something other than a reference to a sensitive variable: the material would be part of the configuration";
  }
  const variable = ctx.variables[ref.name];
  if (!variable) return `key_material_base64 references var.${ref.name}, which the stack does not declare`;
  if (variable.sensitive !== true) return `var.${ref.name} carries key material but is not sensitive = true`;
  if (variable.default !== undefined) return `var.${ref.name} carries key material and has a default: the material is in the configuration`;
  return undefined;
}

export const kmsNoKeyMaterialInConfig: GuardrailRule = {
  id: "SKB-KMS-8",
  name: "kms-no-key-material-in-config",
  description: "Key material (or another 256-bit secret) is written into the Terraform configuration.",
  rationale:
    "cdk.tf.json is committed, cached and shared: material in it is material in every clone, CI log and artifact store. Even through a variable it lands in Terraform state in plaintext, so that path is an explicit, sensitive opt-in.",
  fix: "Create the EXTERNAL key without material and import it with the ceremony CLI (sse-kms-key-material import). If material must go through Terraform, set keyMaterial.importThroughTerraform = true: it references the sensitive variable key_material_base64, supplied at apply time (TF_VAR_key_material_base64), never a literal.",
  appliesTo: ["*"],
  mappings: { other: ["docs/architecture.md: key material never enters Terraform state by default"] },
  check(resource, ctx) {
    const problems: string[] = [];
    const material = checkMaterialAttribute(resource.config.key_material_base64, ctx);
    if (material) problems.push(material);
    const literals: string[] = [];
    sensitiveLiterals(resource.config, "", false, literals);
    problems.push(...literals.filter((p) => !(material && p.startsWith("key_material_base64 "))));
    return failAll(problems);
  },
};
