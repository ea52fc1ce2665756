/**
 * Access proofs for the imported-material (BYOK) blueprint in every shipped environment that
 * enables it: the same SSE-KMS proofs as the customer-managed blueprint (sseKmsAccessProofs), on
 * the EXTERNAL-origin key's policy and its buckets' policies.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type EnvironmentConfig, loadEnvironmentFile } from "@sse-kms/config";
import { terraformName } from "@sse-kms/construct-kit";
import { EnvironmentStack } from "@sse-kms/stack";
import { simulateAccess, sseKmsAccessProofs } from "@sse-kms/testing";
import { Testing } from "cdktf";
import { ImportedMaterialBlueprint } from "./blueprint";

const appsDir = join(__dirname, "../../../apps");
const ENVIRONMENTS = readdirSync(appsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(appsDir, d.name, "environment.json")))
  .map((d) => loadEnvironmentFile(join(appsDir, d.name, "environment.json")))
  .filter((env) => env.blueprints["imported-material"] !== undefined)
  .sort((a, b) => (a.name < b.name ? -1 : 1));

function synth(env: EnvironmentConfig): string {
  const stack = new EnvironmentStack(Testing.app({ stackTraces: false }), { env, blueprint: "imported-material" });
  ImportedMaterialBlueprint.forStack(stack);
  return Testing.synth(stack);
}

test("the proofs cover staging and prod", () => {
  expect(ENVIRONMENTS.map((e) => e.name)).toEqual(expect.arrayContaining(["prod", "staging"]));
});

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))("access proofs: imported-material in %s", (_name, env) => {
  const config = env.blueprints["imported-material"]!;
  sseKmsAccessProofs({
    stack: synth(env),
    env,
    keyAddress: `aws_kms_external_key.${terraformName(config.key.name)}`,
    users: config.key.users,
    administrators: config.key.administrators,
    buckets: config.buckets,
  });

  test("administrators may run the import ceremony (GetParametersForImport, ImportKeyMaterial) but users may not", async () => {
    const stack = synth(env);
    const key = { kmsKey: `aws_kms_external_key.${terraformName(config.key.name)}` };
    for (const action of ["kms:GetParametersForImport", "kms:ImportKeyMaterial"]) {
      expect((await simulateAccess(stack, { principal: config.key.administrators[0]!, action, resource: key })).decision).toBe("Allowed");
      expect((await simulateAccess(stack, { principal: config.key.users[0]!, action, resource: key })).decision).toBe("ImplicitlyDenied");
    }
  });
});
