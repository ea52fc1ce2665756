/**
 * Access proofs (docs/architecture.md, testing layer 4) for this blueprint over its own fixture
 * environments: the shared SSE-KMS proofs of @sse-kms/testing (sseKmsAccessProofs) run on the
 * synthesized key and bucket policies through the IAM policy simulator.
 */
import { join } from "node:path";
import { terraformName } from "@sse-kms/construct-kit";
import { configOf, fixtureEnvironments, sseKmsAccessProofs, synthBlueprint } from "@sse-kms/testing";
import { blueprint } from "./definition";

const ENVIRONMENTS = fixtureEnvironments(join(__dirname, "../fixtures"), blueprint);

test("the proofs cover both enforcement modes", () => {
  const buckets = ENVIRONMENTS.flatMap((e) => configOf(blueprint, e).buckets);
  expect(buckets.some((b) => b.requireEncryptionHeader)).toBe(true);
  expect(buckets.some((b) => !b.requireEncryptionHeader)).toBe(true);
});

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))(`access proofs: ${blueprint.name} in fixture %s`, (_name, env) => {
  const config = configOf(blueprint, env);
  sseKmsAccessProofs({
    stack: synthBlueprint(blueprint, env).text,
    env,
    keyAddress: `aws_kms_key.${terraformName(config.key.name)}`,
    users: config.key.users,
    administrators: config.key.administrators,
    buckets: config.buckets,
  });
});
