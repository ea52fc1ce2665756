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
import { type GeneratorCallback, type Tree, logger } from "@nx/devkit";
import { BLUEPRINTS, BLUEPRINT_NAMES, ENVIRONMENT_SCHEMA_REF, EnvironmentSchema } from "@sse-kms/blueprint-catalog";
import {
  ConfigError,
  DEFAULT_AWS_PROVIDER_VERSION,
  type EnvironmentConfigInput,
  type Partition,
  formatProblem,
  isKnownRegion,
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
  /** Options of individual blueprints' starters (e.g. cross-account-replication's destination). */
  destinationAccount?: string | number;
  destinationRegion?: string;
  /** The exact hashicorp/aws version to pin. @default the one version every existing environment pins (one fleet, one provider version) */
  awsProviderVersion?: string;
  [option: string]: unknown;
}

/** Options after normalisation: everything a string, blueprints a deduplicated list. */
export interface NormalizedOptions {
  name: string;
  account: string;
  region: string;
  blueprints: string[];
  /** The hashicorp/aws version to pin; undefined: the schema's default. */
  awsProviderVersion?: string;
  /** The starter options given (camelCase name -> value). */
  starterOptions: Record<string, string | undefined>;
}

export const DEFAULT_BLUEPRINTS: readonly string[] = ["customer-managed"];

/** Options of the generator itself; every other option belongs to some blueprint's starter. */
const OWN_OPTIONS = new Set(["name", "account", "region", "blueprints", "awsProviderVersion"]);

const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const kebab = (camel: string) => camel.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `apps/<name>`, as the files are written. */
export function appDirOf(name: string): string {
  return `apps/${name}`;
}

/** The source name every problem carries, as `npm run validate -- apps/<name>/environment.json` prints it. */
export function sourceOf(name: string): string {
  return `${appDirOf(name)}/environment.json`;
}

/** Normalises the options and refuses unknown blueprints and options no selected blueprint reads. */
export function normalizeOptions(options: EnvironmentGeneratorOptions): NormalizedOptions {
  const raw = options.blueprints ?? DEFAULT_BLUEPRINTS;
  const listed = (typeof raw === "string" ? raw.split(",") : [...raw]).map((b) => String(b).trim()).filter((b) => b !== "");
  const blueprints = [...new Set(listed)];
  const unknown = blueprints.filter((b) => !BLUEPRINT_NAMES.includes(b));
  if (unknown.length > 0) {
    throw new Error(
      `unknown blueprint${unknown.length > 1 ? "s" : ""} ${unknown.map((b) => JSON.stringify(b)).join(", ")} in --blueprints; the known blueprints are: ${BLUEPRINT_NAMES.join(", ")}`,
    );
  }
  const selected = BLUEPRINTS.filter((b) => blueprints.includes(b.name));
  const starterOptions: Record<string, string | undefined> = {};
  for (const [option, value] of Object.entries(options)) {
    if (OWN_OPTIONS.has(option) || value === undefined) continue;
    const readers = BLUEPRINTS.filter((b) => b.starter.options?.includes(option));
    if (readers.length === 0)
      throw new Error(
        `unknown option --${kebab(option)}: the options are --name, --account, --region, --blueprints, and those of the blueprints' starters (${BLUEPRINTS.flatMap((b) => (b.starter.options ?? []).map((o) => `--${kebab(o)} (${b.name})`)).join(", ") || "none"})`,
      );
    if (!readers.some((b) => selected.includes(b))) {
      throw new Error(
        `--${kebab(option)} configures the ${readers.map((b) => b.name).join(" or ")} blueprint only: add it to --blueprints (e.g. --blueprints ${[...blueprints, readers[0]!.name].join(",")}) or drop the option`,
      );
    }
    starterOptions[option] = str(value);
  }
  const awsProviderVersion = str(options.awsProviderVersion);
  return {
    name: str(options.name) ?? "",
    account: str(options.account) ?? "",
    region: str(options.region) ?? "",
    blueprints,
    ...(awsProviderVersion === undefined ? {} : { awsProviderVersion }),
    starterOptions,
  };
}

/** The environment.json the options describe (not yet validated): each selected blueprint's starter configuration. */
export function buildEnvironmentConfig(o: NormalizedOptions): EnvironmentConfigInput & { $schema: string } {
  const { name, account } = o;
  // An unknown region is reported by the schema; the ARNs still need some partition meanwhile.
  const partition: Partition = isKnownRegion(o.region) ? partitionOf(o.region) : "aws";
  const blueprints: Record<string, unknown> = {};
  for (const b of BLUEPRINTS.filter((b) => o.blueprints.includes(b.name))) {
    const options = Object.fromEntries((b.starter.options ?? []).map((k) => [k, o.starterOptions[k]]));
    try {
      blueprints[b.name] = b.starter.config({ env: name, account, region: o.region, partition, options });
    } catch (e) {
      throw new Error(`${(e as Error).message}: nothing was generated`);
    }
  }
  return {
    $schema: ENVIRONMENT_SCHEMA_REF,
    name,
    account,
    region: o.region,
    ...(o.awsProviderVersion === undefined ? {} : { awsProviderVersion: o.awsProviderVersion }),
    production: false,
    tags: { environment: name, owner: "platform-team" },
    backend: { type: "local" },
    blueprints,
  };
}

/** Fields whose value comes straight from an option: a problem there is the cause of any other. */
const OPTION_PATHS = new Set(["name", "account", "region", "blueprints", "awsProviderVersion"]);

/**
 * Validates the config exactly as `npm run validate -- apps/<name>/environment.json` would and
 * throws with its lines. When a field set straight from an option is bad (account, name, ...),
 * only those lines are shown: the derived fields built from the same bad value (an ARN with the
 * 3-digit account, a bucket name with an upper-case name) would only repeat the cause.
 */
export function validateEnvironmentConfig(config: unknown, name: string): void {
  try {
    parseEnvironment(EnvironmentSchema, config, sourceOf(name));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // An account or region anywhere (a starter option such as a destination account) is a cause too.
    const causes = e.problems.filter((p) => OPTION_PATHS.has(p.path) || /\.(account|region)$/.test(p.path));
    const shown = causes.length > 0 ? causes : e.problems;
    throw new Error(
      [
        `cannot generate ${appDirOf(name)}: the options make an invalid environment.json (the checks of npm run validate); nothing was written:`,
        ...shown.map(formatProblem),
      ].join("\n"),
    );
  }
}

/** The project.json of apps/<name>: an Nx project named after its folder, with the environment's test target. */
export function projectJsonOf(): Record<string, unknown> {
  return {
    $schema: "../../node_modules/nx/schemas/project-schema.json",
    tags: ["type:app"],
    targets: { test: { command: "jest", options: { cwd: "{projectRoot}" } } },
  };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Every file of apps/<name>, path relative to the workspace root -> content. */
export function environmentFiles(name: string, config: unknown): Record<string, string> {
  const dir = appDirOf(name);
  return {
    [`${dir}/environment.json`]: json(config),
    [`${dir}/project.json`]: json(projectJsonOf()),
    [`${dir}/tsconfig.json`]: json({ extends: "../../tsconfig.base.json", include: ["**/*.ts"], exclude: ["node_modules", "dist"] }),
    [`${dir}/jest.config.js`]: `module.exports = { ...require("../../jest.preset.js"), displayName: "app-${name}" };\n`,
    [`${dir}/environment.test.ts`]: `import * as catalog from "@sse-kms/blueprint-catalog";\nimport { environmentSuite } from "@sse-kms/testing/environment";\n\nenvironmentSuite(__dirname, catalog);\n`,
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

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

/** The next steps, printed after the files are written. */
export function nextSteps(o: NormalizedOptions): string {
  const source = sourceOf(o.name);
  return [
    `Created ${appDirOf(o.name)}: environment ${o.name}, account ${o.account}, ${o.region}; blueprints: ${o.blueprints.join(", ")}.`,
    "Next:",
    `  npm run validate -- ${source}`,
    `  npm run synth                writes cdktf.out/stacks/${o.name}-<blueprint>`,
    `  npm run refresh              writes the snapshots of ${appDirOf(o.name)}, its docs, and adds its keys and buckets to the lock`,
    "  npm test",
    `Review ${source} before deploying: the principals (role/platform-key-admin, role/app-data, ...) and bucket names are defaults.`,
  ].join("\n");
}

/**
 * The hashicorp/aws version the existing environments pin (`awsProviderVersion`; a file without it
 * pins the schema's default): one fleet, one provider version, so a new environment plans from the
 * same provider mirror as the others. Undefined when there is no environment yet; throws when they
 * disagree (then the version must be chosen: --aws-provider-version).
 */
export function fleetAwsProviderVersion(tree: Tree, schemaDefault: string): string | undefined {
  const pinned = new Map<string, string[]>();
  if (!tree.exists("apps") || tree.isFile("apps")) return undefined;
  for (const child of tree.children("apps").sort()) {
    const file = `apps/${child}/environment.json`;
    if (!tree.exists(file)) continue;
    let version: unknown;
    try {
      version = (JSON.parse(tree.read(file, "utf-8") ?? "") as { awsProviderVersion?: unknown }).awsProviderVersion ?? schemaDefault;
    } catch {
      continue; // validate's business
    }
    if (typeof version === "string") pinned.set(version, [...(pinned.get(version) ?? []), file]);
  }
  if (pinned.size > 1)
    throw new Error(
      `the environments pin several hashicorp/aws versions (${[...pinned].map(([v, files]) => `${v}: ${files.join(", ")}`).join("; ")}): pass --aws-provider-version <version>: nothing was generated`,
    );
  return [...pinned.keys()][0];
}

export async function environmentGenerator(tree: Tree, options: EnvironmentGeneratorOptions): Promise<GeneratorCallback> {
  const given = normalizeOptions(options);
  const o: NormalizedOptions =
    given.awsProviderVersion !== undefined
      ? given
      : { ...given, ...optional("awsProviderVersion", fleetAwsProviderVersion(tree, DEFAULT_AWS_PROVIDER_VERSION)) };
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
    logger.info(nextSteps(o));
  };
}

export default environmentGenerator;
