import { checkExistingKeyEnvironment } from "@sse-kms/config";
import { defineBlueprint } from "@sse-kms/stack";
import { CustomerManagedKeyBlueprint } from "./construct";
import { CustomerManagedConfigSchema, customerManagedClaims } from "./config";
import { existingKeyHandover, existingKeyHandoverPath, renderExistingKeyHandover } from "./handover";

/** The customer-managed blueprint, as environments enable it (`blueprints.customer-managed`). */
export const blueprint = defineBlueprint({
  name: "customer-managed",
  summary:
    "KMS key (rotation on) + alias + least-privilege key policy with separation of duties + buckets with SSE-KMS default encryption, Bucket Key, and a bucket policy that enforces TLS and the key; or buckets under an existing key (key.existingKeyArn) with a generated key-policy hand-over",
  configSchema: CustomerManagedConfigSchema,
  claims: customerManagedClaims,
  checkEnvironment: checkExistingKeyEnvironment,
  build: (stack, config) => {
    new CustomerManagedKeyBlueprint(stack, blueprint.name, {
      account: stack.env.account,
      region: stack.env.region,
      config,
      preventDestroy: stack.preventDestroy,
    });
  },
  starter: {
    config: ({ env, account, partition }) => ({
      key: {
        name: "data",
        alias: `alias/${env}-data`,
        description: `${env} data key for S3 SSE-KMS`,
        rotationPeriodInDays: 365,
        deletionWindowInDays: 30,
        administrators: [`arn:${partition}:iam::${account}:role/platform-key-admin`],
        users: [`arn:${partition}:iam::${account}:role/app-data`],
      },
      buckets: [
        {
          name: `${env}-data-${account}`,
          readers: [`arn:${partition}:iam::${account}:role/app-data-reader`],
          writers: [`arn:${partition}:iam::${account}:role/app-data-writer`],
        },
      ],
    }),
  },
  pages: (env, config) => {
    const handover = existingKeyHandover(env, blueprint.name, config);
    return new Map(handover ? [[existingKeyHandoverPath(handover.stackName), renderExistingKeyHandover(handover)]] : []);
  },
});
