import { defineBlueprint } from "@sse-kms/stack";
import { ImportedMaterialBlueprint } from "./construct";
import { ImportedMaterialConfigSchema, importedMaterialClaims } from "./config";

/** The imported-material (BYOK) blueprint, as environments enable it (`blueprints.imported-material`). */
export const blueprint = defineBlueprint({
  name: "imported-material",
  summary:
    "BYOK: an EXTERNAL-origin key created without material (the ceremony CLI sse-kms-key-material imports it out of band, so it never enters Terraform state) + alias + buckets encrypted with it",
  configSchema: ImportedMaterialConfigSchema,
  claims: importedMaterialClaims,
  build: (stack, config) => {
    new ImportedMaterialBlueprint(stack, blueprint.name, {
      account: stack.env.account,
      region: stack.env.region,
      config,
      preventDestroy: stack.preventDestroy,
    });
  },
  starter: {
    config: ({ env, account, partition }) => ({
      key: {
        name: "byok",
        alias: `alias/${env}-byok`,
        description: `${env} BYOK key: material generated and imported by the key ceremony`,
        deletionWindowInDays: 30,
        administrators: [`arn:${partition}:iam::${account}:role/platform-key-admin`],
        users: [`arn:${partition}:iam::${account}:role/app-data`],
      },
      buckets: [{ name: `${env}-byok-${account}` }],
    }),
  },
});
