import { blueprint } from "./index";

test("the environment generator's starter block: key byok (alias/<env>-byok), one bucket <env>-byok-<account>", () => {
  const config = blueprint.starter.config({ env: "qa", account: "123456789012", region: "eu-central-1", partition: "aws", options: {} });
  expect(config).toMatchObject({ key: { name: "byok", alias: "alias/qa-byok" }, buckets: [{ name: "qa-byok-123456789012" }] });
  // The block validates (the generator writes nothing invalid).
  expect(blueprint.configSchema.safeParse(config).success).toBe(true);
});
