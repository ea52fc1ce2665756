/**
 * The validation rows of the imported-material blueprint: one row per rule of its configuration
 * (blueprints.imported-material), run by `validationRows` (@sse-kms/testing) against an environment that enables
 * this blueprint only. A config that breaks the rule fails with the rule's message at the exact field
 * path; a config that keeps it passes. The rules of every environment are the catalog's rows.
 */
import { createEnvironmentSchema } from "@sse-kms/config";
import { type RawConfig as Config, validationRows } from "@sse-kms/testing";
import { blueprint } from "./index";

/** A valid base: the dev environment with an imported-material block only. */
function devConfig(): Config {
  return {
    $schema: "../catalog/schema/environment.schema.json",
    name: "dev",
    account: "111111111111",
    region: "eu-west-1",
    production: false,
    tags: { environment: "dev", owner: "platform-team" },
    backend: { type: "local" },
    blueprints: {
      "imported-material": {
        key: { name: "byok", alias: "alias/dev-byok", administrators: ["arn:aws:iam::111111111111:role/platform-key-admin"] },
        buckets: [{ name: "acme-dev-byok-111111111111" }],
      },
    },
  };
}

const im = (c: Config): Config => c.blueprints["imported-material"];

// The messages, spelled out: a changed message must be a deliberate change of this table.
const M = {
  lockOut:
    "no principal could manage this key: a key policy without administrators and without root management locks the key out forever; add an administrator or set rootManagement to true",
  unknown: "unknown field (check its spelling against the schema; unknown fields are errors)",
} as const;

validationRows({
  schema: createEnvironmentSchema([blueprint]),
  base: devConfig,
  rejects: [
    {
      rule: "lock-out of the imported-material key",
      mutate: (c) => {
        im(c).key.administrators = [];
        im(c).key.rootManagement = false;
      },
      path: "blueprints.imported-material.key.administrators",
      message: M.lockOut,
    },
    {
      rule: "rotation period on an imported key (EXTERNAL keys do not rotate)",
      mutate: (c) => (im(c).key.rotationPeriodInDays = 365),
      path: "blueprints.imported-material.key.rotationPeriodInDays",
      message: M.unknown,
    },
    {
      rule: "key material expiry without time zone",
      mutate: (c) => (im(c).keyMaterial = { validTo: "2027-12-31T23:59:59" }),
      path: "blueprints.imported-material.keyMaterial.validTo",
      message: "must be an ISO-8601 timestamp with a time zone, e.g. 2027-12-31T23:59:59Z",
    },
  ],
  accepts: [{ rule: "key material expiry with a time zone", mutate: (c) => (im(c).keyMaterial = { validTo: "2027-12-31T23:59:59Z" }) }],
});
