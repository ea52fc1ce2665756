/**
 * Access proofs for this (BYOK) blueprint over its own fixture environments: the shared SSE-KMS
 * proofs, plus the import ceremony's actions.
 */
import { join } from "node:path";
import { terraformName } from "@sse-kms/construct-kit";
import { configOf, fixtureEnvironments, simulateAccess, sseKmsAccessProofs, synthBlueprint } from "@sse-kms/testing";
import { blueprint } from "./blueprint";

const ENVIRONMENTS = fixtureEnvironments(join(__dirname, "../fixtures"), blueprint);
const synth = (env: (typeof ENVIRONMENTS)[number]) => synthBlueprint(blueprint, env).text;

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))(`access proofs: ${blueprint.name} in fixture %s`, (_name, env) => {
  const config = configOf(blueprint, env);
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
