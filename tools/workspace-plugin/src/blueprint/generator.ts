/**
 * `npx nx g @sse-kms/workspace-plugin:blueprint --name <new-name> --from <existing-blueprint>`
 *
 * Forks a registered blueprint: copies blueprints/<from> to blueprints/<name> and renames what
 * names it (the blueprint name, which is the config key `blueprints.<name>` and the stack suffix
 * `-<name>`; the npm package @sse-kms/blueprint-<name>; classes and other identifiers spelled from
 * the name), adds its one registration line to apps/catalog/src/blueprints.ts, then runs
 * `npm install` (links the new workspace package) and `npm run refresh` (the JSON Schema now
 * offers `blueprints.<name>`). Terraform addresses stay as the source derives them from
 * configuration: every blueprint has stacks of its own, so nothing collides in state; names that
 * must be unique in AWS (buckets, aliases, role names) are checked across blueprints by the
 * environment schema.
 *
 * Bad names, an unknown --from and an existing folder are refused with one line before anything
 * is written. Nx loads the esbuild bundle of this file (tools/build.mjs entry "blueprint-generator").
 * It prints nothing but its summary: the copy is formatted with prettier directly (see formatCode).
 */
import { execSync } from "node:child_process";
import { type GeneratorCallback, type Tree, installPackagesTask, logger } from "@nx/devkit";
import * as babel from "prettier/plugins/babel";
import * as estree from "prettier/plugins/estree";
import * as typescript from "prettier/plugins/typescript";
import * as prettier from "prettier/standalone";
import type { Options as PrettierOptions } from "prettier";
import { BLUEPRINT_NAMES } from "@sse-kms/blueprint-catalog";
import { BLUEPRINT_NAME, BLUEPRINT_NAME_MAX } from "@sse-kms/config";

/** The generator's options (schema.json). */
export interface BlueprintGeneratorOptions {
  /** The new blueprint's name. */
  name: string;
  /** The registered blueprint to copy. */
  from: string;
  /** Skip `npm install` and `npm run refresh` (tests on an in-memory tree). @default false */
  skipInstall?: boolean;
}

/** The file that registers blueprints, one line each. */
export const REGISTRY = "apps/catalog/src/blueprints.ts";

/** What is never copied: installed or generated content. */
const SKIPPED = new Set(["node_modules", "dist", "__snapshots__", ".nx", "coverage"]);

const words = (kebab: string) => kebab.split("-");
export const pascalCase = (kebab: string) =>
  words(kebab)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
export const camelCase = (kebab: string) => {
  const p = pascalCase(kebab);
  return p.charAt(0).toLowerCase() + p.slice(1);
};
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Renames every spelling of `from` in a text: the kebab-case name as a whole token (in strings,
 * paths, package names, stack names, docs), and the PascalCase and camelCase forms that start an
 * identifier (classes, types, functions: `CustomerManagedKeyBlueprint`, `customerManagedClaims`).
 */
export function renameIn(text: string, from: string, to: string): string {
  return text
    .replace(new RegExp(`(?<![A-Za-z0-9])${escape(from)}(?![A-Za-z0-9-])`, "g"), to)
    .replace(new RegExp(`(?<![A-Za-z0-9_$])${escape(pascalCase(from))}(?![a-z0-9])`, "g"), pascalCase(to))
    .replace(new RegExp(`(?<![A-Za-z0-9_$])${escape(camelCase(from))}(?![a-z0-9])`, "g"), camelCase(to));
}

/** Refuses a bad fork before anything is written; the Error's message is one line. */
export function checkOptions(tree: Tree, o: BlueprintGeneratorOptions, registered: readonly string[] = BLUEPRINT_NAMES): void {
  const name = String(o.name ?? "");
  const from = String(o.from ?? "");
  if (!BLUEPRINT_NAME.test(name) || name.length > BLUEPRINT_NAME_MAX) {
    throw new Error(
      `--name ${JSON.stringify(name)}: a blueprint name is lowercase letters and digits in words joined by '-', starting with a letter, at most ${BLUEPRINT_NAME_MAX} characters (e.g. customer-managed-eu); nothing was written`,
    );
  }
  if (!registered.includes(from)) {
    throw new Error(`--from ${JSON.stringify(from)} is not a registered blueprint; choose one of: ${registered.join(", ")}; nothing was written`);
  }
  if (registered.includes(name))
    throw new Error(`--name ${JSON.stringify(name)}: a blueprint of that name is already registered (${REGISTRY}); choose another name; nothing was written`);
  if (tree.exists(`blueprints/${name}`)) throw new Error(`blueprints/${name} already exists; choose another --name, or remove the folder; nothing was written`);
  if (!tree.exists(`blueprints/${from}/package.json`))
    throw new Error(`blueprints/${from}/package.json not found: --from must name a blueprint folder of this repository; nothing was written`);
  if (!tree.exists(REGISTRY)) throw new Error(`${REGISTRY} not found: run the generator from the repository root; nothing was written`);
}

/** Copies `from` into `to`, renaming contents and file names. Returns the paths written. */
export function copyBlueprint(tree: Tree, from: string, to: string): string[] {
  const written: string[] = [];
  const visit = (dir: string) => {
    for (const child of tree.children(dir)) {
      if (SKIPPED.has(child)) continue;
      const path = `${dir}/${child}`;
      if (!tree.isFile(path)) {
        visit(path);
        continue;
      }
      const target = `blueprints/${to}/${renameIn(path.slice(`blueprints/${from}/`.length), from, to)}`;
      const content = tree.read(path);
      if (content === null) continue;
      // Text files are renamed; anything with a NUL byte is copied as it is.
      tree.write(target, content.includes(0) ? content : renameIn(content.toString("utf8"), from, to));
      written.push(target);
    }
  };
  visit(`blueprints/${from}`);
  return written.sort();
}

/** The registration line of a blueprint. */
export const registrationLine = (name: string) => `export { blueprint as ${camelCase(name)} } from "@sse-kms/blueprint-${name}";`;

/** Adds the registration line, keeping the lines sorted by package. */
export function register(tree: Tree, name: string): void {
  const lines = (tree.read(REGISTRY, "utf-8") ?? "").split("\n");
  const line = registrationLine(name);
  const exports = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith("export { blueprint as "));
  const after = exports.filter(([l]) => l < line).pop();
  const at = after ? after[1] + 1 : (exports[0]?.[1] ?? lines.length);
  lines.splice(at, 0, line);
  tree.write(REGISTRY, lines.join("\n"));
}

/** What `npm run format` formats (package.json): code, not data or documents (.prettierignore). */
const CODE = /\.(ts|js|mjs|cjs)$/;

/**
 * Formats the code files among `paths` the way `npm run format` does: prettier with the
 * repository's .prettierrc.json (read through the tree), renamed identifiers having changed line
 * lengths; JSON and Markdown are copied as they are (.prettierignore). Prettier's standalone build
 * is called directly, not through Nx's formatFiles(): that picks a formatter by what it detects (an
 * `.oxfmtrc.json`, which Nx's own test trees carry, or `oxfmt` in package.json) and prints "Could
 * not format files with ..." where it cannot load it; prettier's main entry loads itself with a
 * dynamic import(), which jest cannot run.
 */
export async function formatCode(tree: Tree, paths: readonly string[]): Promise<void> {
  const rc = tree.read(".prettierrc.json", "utf-8");
  const options: PrettierOptions = { ...(rc !== null ? (JSON.parse(rc) as PrettierOptions) : {}), plugins: [babel, estree, typescript] };
  for (const path of paths.filter((p) => CODE.test(p))) {
    const text = tree.read(path, "utf-8");
    if (text !== null) tree.write(path, await prettier.format(text, { ...options, filepath: path }));
  }
}

export async function blueprintGenerator(tree: Tree, options: BlueprintGeneratorOptions): Promise<GeneratorCallback> {
  checkOptions(tree, options);
  const { name, from } = options;
  const written = copyBlueprint(tree, from, name);
  register(tree, name);
  // Renamed identifiers change line lengths: keep the copy in the repository's format (npm run format).
  await formatCode(tree, [...written, REGISTRY]);
  return () => {
    if (!options.skipInstall) {
      installPackagesTask(tree, true);
      execSync("npm run refresh", { cwd: tree.root, stdio: "inherit" });
    }
    logger.info(
      [
        `Forked ${from} into blueprints/${name} (${written.length} files) and registered it in ${REGISTRY}.`,
        options.skipInstall
          ? "Run now: npm install && npm run refresh"
          : "Ran: npm install (links @sse-kms/blueprint-" + name + "), npm run refresh (the JSON Schema offers blueprints." + name + ")",
        `Enable it in an environment under "blueprints": { "${name}": { ... } } (the same shape as ${from}; bucket names and aliases must differ), then:`,
        "  npm run validate -- apps/<env>/environment.json && npm run synth && npm run refresh && npm test",
      ].join("\n"),
    );
  };
}

export default blueprintGenerator;
