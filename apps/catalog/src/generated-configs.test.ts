/**
 * Property test (fast-check): generated VALID environment configurations synthesize stacks that
 * pass the full guardrail pack (it runs as an aspect at synth; synthEnvironment throws on any error finding).
 */
import fc from "fast-check";
import { type EnvironmentConfigInput, REGIONS_BY_PARTITION, enabledBlueprints, parseEnvironment } from "@sse-kms/config";
import { BLUEPRINTS, BLUEPRINT_NAMES, EnvironmentSchema } from "./catalog";
import { synthEnvironment } from "./synth";

/**
 * The shipped blueprints this generator writes configurations for; a fork that removes one from the
 * registry (apps/catalog/src/blueprints.ts) drops it from the generated environments.
 */
const SHIPPED = ["customer-managed", "imported-material", "cross-account-replication"];
const account = fc.stringMatching(/^[0-9]{12}$/);
const label = fc.stringMatching(/^[a-z][a-z0-9]{2,8}$/);
const role = (acct: string, partition: string) => label.map((n) => `arn:${partition}:iam::${acct}:role/${n}`);

const environment = fc
  .record({
    name: label,
    account,
    partition: fc.constantFrom("aws", "aws-cn", "aws-us-gov"),
    production: fc.boolean(),
    blueprints: fc.subarray(
      SHIPPED.filter((b) => BLUEPRINT_NAMES.includes(b)),
      { minLength: 1 },
    ),
    buckets: fc.integer({ min: 1, max: 3 }),
    rotation: fc.integer({ min: 90, max: 2560 }),
    window: fc.integer({ min: 7, max: 30 }),
    strict: fc.boolean(),
    otherAccount: account,
    seed: fc.nat(),
  })
  .filter((e) => e.otherAccount !== e.account)
  .chain((e) => {
    const regions = REGIONS_BY_PARTITION[e.partition as keyof typeof REGIONS_BY_PARTITION];
    return fc.record({
      e: fc.constant(e),
      region: fc.constantFrom(...regions),
      destinationRegion: fc.constantFrom(...regions),
      admin: role(e.account, e.partition),
      user: role(e.account, e.partition),
    });
  })
  .filter(({ admin, user }) => admin !== user)
  .map(({ e, region, destinationRegion, admin, user }): EnvironmentConfigInput => {
    const window = e.production ? 30 : e.window;
    const key = (name: string, rotation = true) => ({
      name,
      alias: `alias/${e.name}-${name}`,
      deletionWindowInDays: window,
      ...(rotation ? { rotationPeriodInDays: e.rotation } : {}),
      administrators: [admin],
      users: [user],
    });
    const buckets = (kind: string) =>
      Array.from({ length: e.buckets }, (_, i) => ({ name: `${e.name}-${kind}-${i}-${e.account}`, requireEncryptionHeader: e.strict && i === 0 }));
    const blueprints: Record<string, unknown> = {};
    if (e.blueprints.includes("customer-managed")) blueprints["customer-managed"] = { key: key("data"), buckets: buckets("data") };
    if (e.blueprints.includes("imported-material")) blueprints["imported-material"] = { key: key("byok", false), buckets: buckets("byok") };
    if (e.blueprints.includes("cross-account-replication")) {
      blueprints["cross-account-replication"] = {
        source: { key: key("repl"), bucket: { name: `${e.name}-repl-${e.account}` } },
        destination: {
          mode: "create",
          account: e.otherAccount,
          region: destinationRegion,
          key: { ...key("backup"), administrators: [], users: [] },
          bucket: { name: `${e.name}-backup-${e.otherAccount}` },
        },
      };
    }
    return { name: e.name, account: e.account, region, production: e.production, blueprints } as EnvironmentConfigInput;
  });

test("generated valid configurations synthesize stacks that pass the full guardrail pack", () => {
  let stacks = 0;
  fc.assert(
    fc.property(environment, (input) => {
      const env = parseEnvironment(EnvironmentSchema, input, "generated");
      const synthesized = synthEnvironment(env); // throws a SynthError on any guardrail violation
      expect(synthesized.map((s) => s.name)).toEqual(enabledBlueprints(env, BLUEPRINTS).map((b) => `${env.name}-${b.name}`));
      stacks += synthesized.length;
    }),
    { numRuns: 40, seed: 20261126 },
  );
  expect(stacks).toBeGreaterThanOrEqual(40);
});
