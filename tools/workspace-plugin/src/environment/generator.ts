/**
 * `npx nx g @sse-kms/workspace-plugin:environment --name qa --account 123456789012 --region eu-central-1
 *  [--blueprints customer-managed,imported-material] [--destination-account ... --destination-region ...]`
 *
 * Creates apps/<name>: environment.json (defaults derived from name, account and region, validated
 * by packages/config before anything is written), package.json, tsconfig.json, jest.config.js and
 * environment.test.ts, the same files as apps/dev. apps/main.ts synthesizes every
 * apps/<env>/environment.json, so the next `npm run synth` writes the new stacks with no code edit.
 *
 * Invalid options are refused with the lines `npm run validate` prints for the same file
 * (`apps/<name>/environment.json: <field>: <message> (got <value>)`).
 *
 * Nx loads the esbuild bundle of this file (tools/build.mjs entry "workspace-plugin", written to
 * tools/workspace-plugin/dist/environment/generator.js by `npm ci`'s prepare script): this
 * workspace has neither @swc-node/register nor ts-node, so Nx cannot load TypeScript plugins.
 * After editing this file run `node tools/build.mjs workspace-plugin`.
 */
import { type GeneratorCallback, type Tree, installPackagesTask, logger } from "@nx/devkit";
import {
  BLUEPRINT_NAMES,
  type BlueprintName,
  ConfigError,
  type EnvironmentConfigInput,
  isKnownRegion,
  type Partition,
  formatProblem,
  parseEnvironment,
  partitionOf,
} from "@sse-kms/config";

/** The generator's options (schema.json). CLI values may arrive as numbers: Nx parses `--account 123456789012` as one. */
export interface EnvironmentGeneratorOptions {
  name: string | number;
  account: string | number;
  region: string;
  /** Comma-separated or a list; default customer-managed. */
  blueprints?: string | readonly string[];
  destinationAccount?: string | number;
  destinationRegion?: string;
  skipInstall?: boolean;
}

/** Options after normalisation: everything a string, blueprints a deduplicated list. */
export interface NormalizedOptions {
  name: string;
  account: string;
  region: string;
  blueprints: string[];
  destinationAccount?: string;
  destinationRegion?: string;
}

export const DEFAULT_BLUEPRINTS: readonly BlueprintName[] = ["customer-managed"];

/** Fields whose value comes straight from an option: a problem there is the cause of any other. */
const OPTION_PATHS = new Set([
  "name",
  "account",
  "region",
  "blueprints",
  "blueprints.cross-account-replication.destination.account",
  "blueprints.cross-account-replication.destination.region",
]);

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

/** `apps/<name>`, as the files are written. */
export function appDirOf(name: string): string {
  return `apps/${name}`;
}

/** The source name every problem carries, as `npm run validate -- apps/<name>/environment.json` prints it. */
export function sourceOf(name: string): string {
  return `${appDirOf(name)}/environment.json`;
}

/** Normalises the options and refuses what the environment schema cannot express (unknown blueprints, a replication without destination). */
export function normalizeOptions(options: EnvironmentGeneratorOptions): NormalizedOptions {
  const raw = options.blueprints ?? DEFAULT_BLUEPRINTS;
  const listed = (typeof raw === "string" ? raw.split(",") : [...raw]).map((b) => String(b).trim()).filter((b) => b !== "");
  const blueprints = [...new Set(listed)];
  const unknown = blueprints.filter((b) => !(BLUEPRINT_NAMES as readonly string[]).includes(b));
  if (unknown.length > 0) {
    throw new Error(
      `unknown blueprint${unknown.length > 1 ? "s" : ""} ${unknown.map((b) => JSON.stringify(b)).join(", ")} in --blueprints; the known blueprints are: ${BLUEPRINT_NAMES.join(", ")}`,
    );
  }
  const name = str(options.name) ?? "";
  const destinationAccount = str(options.destinationAccount);
  const destinationRegion = str(options.destinationRegion);
  const replication = blueprints.includes("cross-account-replication");
  if (replication && destinationAccount === undefined) {
    throw new Error(
      [
        "the cross-account-replication blueprint needs a destination account: nothing was generated.",
        "Either pass --destination-account <12 digits> (and optionally --destination-region <region>, default: --region):",
        "the generator then creates the destination key and bucket in that account (destination mode \"create\");",
        `or generate without cross-account-replication and add "blueprints.cross-account-replication" to ${sourceOf(name)} by hand`,
        "(apps/prod/environment.json shows mode \"create\", apps/staging/environment.json mode \"existing\" for a bucket another team owns),",
        `then check it with npm run validate -- ${sourceOf(name)}.`,
      ].join("\n"),
    );
  }
  if (!replication && (destinationAccount !== undefined || destinationRegion !== undefined)) {
    throw new Error(
      "--destination-account and --destination-region configure the cross-account-replication blueprint only: add it to --blueprints (e.g. --blueprints customer-managed,cross-account-replication) or drop them",
    );
  }
  return {
    name,
    account: str(options.account) ?? "",
    region: str(options.region) ?? "",
    blueprints,
    ...(replication ? { destinationAccount, destinationRegion: destinationRegion ?? str(options.region) ?? "" } : {}),
  };
}

/** The environment.json the options describe (not yet validated): the shipped environments' shape with derived names. */
export function buildEnvironmentConfig(o: NormalizedOptions): EnvironmentConfigInput & { $schema: string } {
  const { name, account } = o;
  // An unknown region is reported by the schema; the ARNs still need some partition meanwhile.
  const partition: Partition = isKnownRegion(o.region) ? partitionOf(o.region) : "aws";
  const role = (acct: string, roleName: string) => `arn:${partition}:iam::${acct}:role/${roleName}`;
  const administrators = [role(account, "platform-key-admin")];
  const users = [role(account, "app-data")];
  const blueprints: EnvironmentConfigInput["blueprints"] = {};
  for (const bp of BLUEPRINT_NAMES.filter((b) => o.blueprints.includes(b))) {
    if (bp === "customer-managed") {
      blueprints[bp] = {
        key: {
          name: "data",
          alias: `alias/${name}-data`,
          description: `${name} data key for S3 SSE-KMS`,
          rotationPeriodInDays: 365,
          deletionWindowInDays: 30,
          administrators,
          users,
        },
        buckets: [{ name: `${name}-data-${account}` }],
      };
    } else if (bp === "imported-material") {
      blueprints[bp] = {
        key: {
          name: "byok",
          alias: `alias/${name}-byok`,
          description: `${name} BYOK key: material generated and imported by the key ceremony`,
          deletionWindowInDays: 30,
          administrators,
          users,
        },
        buckets: [{ name: `${name}-byok-${account}` }],
      };
    } else {
      const dest = o.destinationAccount ?? "";
      blueprints[bp] = {
        source: {
          key: {
            name: "replicated",
            alias: `alias/${name}-replicated`,
            description: `${name} key of the replicated bucket (replication source)`,
            rotationPeriodInDays: 365,
            deletionWindowInDays: 30,
            administrators,
            users,
          },
          bucket: { name: `${name}-replicated-${account}` },
        },
        destination: {
          mode: "create",
          account: dest,
          region: o.destinationRegion ?? o.region,
          assumeRoleArn: role(dest, "platform-deploy"),
          key: {
            name: "backup",
            alias: `alias/${name}-backup`,
            description: `${name} backup key: encrypts the replicas in account ${dest}`,
            rotationPeriodInDays: 365,
            deletionWindowInDays: 30,
            administrators: [role(dest, "platform-key-admin")],
          },
          bucket: { name: `${name}-backup-${dest}` },
        },
        deleteMarkerReplication: false,
        metrics: true,
      };
    }
  }
  return {
    $schema: "../../packages/config/schema/environment.schema.json",
    name,
    account,
    region: o.region,
    production: false,
    tags: { environment: name, owner: "platform-team" },
    backend: { type: "local" },
    blueprints,
  };
}

/**
 * Validates the config exactly as `npm run validate -- apps/<name>/environment.json` would and
 * throws with its lines. When a field set straight from an option is bad (account, name, ...),
 * only those lines are shown: the derived fields built from the same bad value (an ARN with the
 * 3-digit account, a bucket name with an upper-case name) would only repeat the cause.
 */
export function validateEnvironmentConfig(config: unknown, name: string): void {
  try {
    parseEnvironment(config, sourceOf(name));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const causes = e.problems.filter((p) => OPTION_PATHS.has(p.path));
    const shown = causes.length > 0 ? causes : e.problems;
    throw new Error(
      [`cannot generate ${appDirOf(name)}: the options make an invalid environment.json (the checks of npm run validate); nothing was written:`, ...shown.map(formatProblem)].join("\n"),
    );
  }
}

/** The package.json of apps/<name>: apps/dev's, renamed. */
export function packageJsonOf(name: string): Record<string, unknown> {
  return {
    name: `@sse-kms/app-${name}`,
    version: "0.1.0",
    private: true,
    scripts: {
      test: "jest",
      plan: `cd ../.. && node tools/build.mjs --quiet plan && node dist/plan.js --env ${name}`,
    },
    dependencies: {
      "@sse-kms/blueprint-catalog": "*",
      "@sse-kms/config": "*",
    },
    nx: { tags: ["type:app"] },
  };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Every file of apps/<name>, path relative to the workspace root -> content. */
export function environmentFiles(name: string, config: unknown): Record<string, string> {
  const dir = appDirOf(name);
  return {
    [`${dir}/environment.json`]: json(config),
    [`${dir}/package.json`]: json(packageJsonOf(name)),
    [`${dir}/tsconfig.json`]: json({ extends: "../../tsconfig.base.json", include: ["**/*.ts"], exclude: ["node_modules", "dist"] }),
    [`${dir}/jest.config.js`]: `module.exports = { ...require("../../jest.preset.js"), displayName: "app-${name}" };\n`,
    [`${dir}/environment.test.ts`]: `import { environmentSuite } from "@sse-kms/blueprint-catalog";\n\nenvironmentSuite(__dirname);\n`,
  };
}

/** The environment names already used by apps/<env>/environment.json files in the tree. */
function existingEnvironmentNames(tree: Tree): Map<string, string> {
  const names = new Map<string, string>();
  if (!tree.exists("apps") || tree.isFile("apps")) return names;
  for (const child of tree.children("apps")) {
    const file = `apps/${child}/environment.json`;
    if (!tree.exists(file)) continue;
    try {
      const name = (JSON.parse(tree.read(file, "utf-8") ?? "") as { name?: unknown }).name;
      if (typeof name === "string") names.set(name, file);
    } catch {
      // An unreadable neighbour is validate's business, not ours.
    }
  }
  return names;
}

/** The next steps, printed after the files are written (and after npm install when it ran). */
export function nextSteps(o: NormalizedOptions, installed: boolean): string {
  const source = sourceOf(o.name);
  const install = installed
    ? "  npm install                  (done: linked the new workspace package into node_modules and package-lock.json)"
    : `  npm install                  run it now: the npm workspace and package-lock.json must learn @sse-kms/app-${o.name}, or npm ci fails`;
  return [
    `Created ${appDirOf(o.name)}: environment ${o.name}, account ${o.account}, ${o.region}; blueprints: ${o.blueprints.join(", ")}.`,
    "Next:",
    install,
    `  npm run validate -- ${source}`,
    `  npm run synth                writes cdktf.out/stacks/${o.name}-<blueprint>`,
    "  npm run lock:update          adds the new keys and buckets to stateful-resources.lock.json (a test fails until you do)",
    `  npm test                     writes the snapshots of ${appDirOf(o.name)}`,
    `Review ${source} before deploying: the principals (role/platform-key-admin, role/app-data${o.destinationAccount ? ", role/platform-deploy" : ""}) and bucket names are defaults.`,
  ].join("\n");
}

export async function environmentGenerator(tree: Tree, options: EnvironmentGeneratorOptions): Promise<GeneratorCallback> {
  const o = normalizeOptions(options);
  const config = buildEnvironmentConfig(o);
  validateEnvironmentConfig(config, o.name);
  // The name passed the schema: it is a safe single path segment.
  const dir = appDirOf(o.name);
  if (tree.exists(dir)) {
    throw new Error(`${dir} already exists: nothing was generated. Choose another --name, or edit ${sourceOf(o.name)} by hand.`);
  }
  const taken = existingEnvironmentNames(tree).get(o.name);
  if (taken) throw new Error(`${taken} already uses the environment name "${o.name}": nothing was generated. Choose another --name.`);

  for (const [path, content] of Object.entries(environmentFiles(o.name, config))) tree.write(path, content);

  return () => {
    if (!options.skipInstall) installPackagesTask(tree, true);
    logger.info(nextSteps(o, !options.skipInstall));
  };
}

export default environmentGenerator;
