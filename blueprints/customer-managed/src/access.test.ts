/**
 * Access proofs (docs/architecture.md, testing layer 4) for the customer-managed blueprint in every shipped
 * environment that enables it: the shared SSE-KMS proofs of @sse-kms/testing (sseKmsAccessProofs)
 * run on the synthesized key and bucket policies through the IAM policy simulator.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type EnvironmentConfig, loadEnvironmentFile } from "@sse-kms/config";
import { terraformName } from "@sse-kms/construct-kit";
import { EnvironmentStack } from "@sse-kms/stack";
import { sseKmsAccessProofs } from "@sse-kms/testing";
import { Testing } from "cdktf";
import { CustomerManagedKeyBlueprint } from "./blueprint";

const appsDir = join(__dirname, "../../../apps");
const ENVIRONMENTS = readdirSync(appsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(appsDir, d.name, "environment.json")))
  .map((d) => loadEnvironmentFile(join(appsDir, d.name, "environment.json")))
  .filter((env) => env.blueprints["customer-managed"] !== undefined)
  .sort((a, b) => (a.name < b.name ? -1 : 1));

function synth(env: EnvironmentConfig): string {
  const stack = new EnvironmentStack(Testing.app({ stackTraces: false }), { env, blueprint: "customer-managed" });
  CustomerManagedKeyBlueprint.forStack(stack);
  return Testing.synth(stack);
}

test("the proofs cover the shipped environments and both enforcement modes", () => {
  expect(ENVIRONMENTS.map((e) => e.name)).toEqual(expect.arrayContaining(["dev", "prod", "staging"]));
  const buckets = ENVIRONMENTS.flatMap((e) => e.blueprints["customer-managed"]!.buckets);
  expect(buckets.some((b) => b.requireEncryptionHeader)).toBe(true);
  expect(buckets.some((b) => !b.requireEncryptionHeader)).toBe(true);
});

describe.each(ENVIRONMENTS.map((env) => [env.name, env] as const))("access proofs: customer-managed in %s", (_name, env) => {
  const config = env.blueprints["customer-managed"]!;
  sseKmsAccessProofs({
    stack: synth(env),
    env,
    keyAddress: `aws_kms_key.${terraformName(config.key.name)}`,
    users: config.key.users,
    administrators: config.key.administrators,
    buckets: config.buckets,
  });
});
