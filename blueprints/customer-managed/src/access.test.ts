/**
 * Access proofs (docs/architecture.md, testing layer 4) for this blueprint over its own fixture
 * environments: the shared SSE-KMS proofs of @sse-kms/testing (sseKmsAccessProofs) run on the
 * synthesized key and bucket policies through the IAM policy simulator.
 */
import { join } from "node:path";
import { terraformName } from "@sse-kms/construct-kit";
import { isExistingKey } from "@sse-kms/config";
import { configOf, fixtureEnvironments, sseKmsAccessProofs, synthBlueprint } from "@sse-kms/testing";
import { blueprint } from "./blueprint";

const ENVIRONMENTS = fixtureEnvironments(join(__dirname, "../fixtures"), blueprint);

test("the proofs cover per-bucket readers and writers on two buckets of one key", () => {
  const withAccess = ENVIRONMENTS.filter((e) => configOf(blueprint, e).buckets.filter((b) => b.readers.length > 0 && b.writers.length > 0).length >= 2);
  expect(withAccess.length).toBeGreaterThan(0);
});

test("the proofs cover both enforcement modes", () => {
  const buckets = ENVIRONMENTS.flatMap((e) => configOf(blueprint, e).buckets);
  expect(buckets.some((b) => b.requireEncryptionHeader)).toBe(true);
  expect(buckets.some((b) => !b.requireEncryptionHeader)).toBe(true);
});

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))(`access proofs: ${blueprint.name} in fixture %s`, (_name, env) => {
  const config = configOf(blueprint, env);
  if (isExistingKey(config.key)) throw new Error(`fixture ${env.name}: existing keys are proven in existing-key.test.ts`);
  sseKmsAccessProofs({
    stack: synthBlueprint(blueprint, env).text,
    env,
    keyAddress: `aws_kms_key.${terraformName(config.key.name)}`,
    users: config.key.users,
    administrators: config.key.administrators,
    buckets: config.buckets,
  });
});
