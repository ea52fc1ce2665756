import { defineBlueprint } from "@sse-kms/stack";
import { CrossAccountReplicationBlueprint } from "./construct";
import { CrossAccountReplicationConfigSchema, checkReplicationEnvironment, replicationClaims } from "./config";
import { handoverPath, renderHandover, replicationHandover } from "./handover";

/** The cross-account-replication blueprint, as environments enable it (`blueprints.cross-account-replication`). */
export const blueprint = defineBlueprint({
  name: "cross-account-replication",
  summary:
    "replication of SSE-KMS objects into another AWS account, or within the account into another region or the same one, with optional Replication Time Control and prefix/tag filters, and the role, key policies and bucket policies it needs",
  configSchema: CrossAccountReplicationConfigSchema,
  claims: replicationClaims,
  checkEnvironment: checkReplicationEnvironment,
  build: (stack, config) => {
    const env = stack.env;
    new CrossAccountReplicationBlueprint(stack, blueprint.name, {
      environmentName: env.name,
      account: env.account,
      region: env.region,
      config,
      preventDestroy: stack.preventDestroy,
      destinationTags: stack.tags,
      assumeRoleArn: env.assumeRoleArn,
    });
  },
  starter: {
    options: ["destinationAccount", "destinationRegion"],
    config: ({ env, account, region, partition, options }) => {
      const dest = options.destinationAccount;
      if (dest === undefined) {
        throw new Error(
          `the ${blueprint.name} blueprint needs a destination account: pass --destination-account <12 digits> (and optionally --destination-region <region>, default: --region) to create the destination key and bucket there (destination mode "create"); for a destination bucket another team owns (mode "existing"), generate without this blueprint and add it by hand`,
        );
      }
      const role = (acct: string, name: string) => `arn:${partition}:iam::${acct}:role/${name}`;
      return {
        source: {
          key: {
            name: "replicated",
            alias: `alias/${env}-replicated`,
            description: `${env} key of the replicated bucket (replication source)`,
            rotationPeriodInDays: 365,
            deletionWindowInDays: 30,
            administrators: [role(account, "platform-key-admin")],
            users: [role(account, "app-data")],
          },
          bucket: { name: `${env}-replicated-${account}` },
        },
        destination: {
          mode: "create" as const,
          account: dest,
          region: options.destinationRegion ?? region,
          // Same account: the environment's provider settings apply (a destination in its own region
          // must not name a role at all).
          ...(dest === account ? {} : { assumeRoleArn: role(dest, "platform-deploy") }),
          key: {
            name: "backup",
            alias: `alias/${env}-backup`,
            description: dest === account ? `${env} backup key: encrypts the replicas` : `${env} backup key: encrypts the replicas in account ${dest}`,
            rotationPeriodInDays: 365,
            deletionWindowInDays: 30,
            administrators: [role(dest, "platform-key-admin")],
          },
          bucket: { name: `${env}-backup-${dest}` },
        },
        deleteMarkerReplication: false,
        metrics: true,
      };
    },
  },
  pages: (env, config) => {
    const handover = replicationHandover(env, blueprint.name, config);
    return new Map(handover ? [[handoverPath(handover.stackName), renderHandover(handover)]] : []);
  },
});
