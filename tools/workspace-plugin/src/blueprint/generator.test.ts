/**
 * The fork generator on an in-memory Nx tree holding the real blueprint folders: what it writes,
 * how it renames, where it registers, and the one-line refusals before anything is written.
 * (The whole fork, with npm install, refresh and npm test, is a workflow test: tools/workflows.)
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { type Tree, logger } from "@nx/devkit";
import { BLUEPRINT_NAMES } from "@sse-kms/blueprint-catalog";
import { REGISTRY, blueprintGenerator, camelCase, checkOptions, pascalCase, registrationLine, renameIn } from "./generator";
import * as babel from "prettier/plugins/babel";
import * as estree from "prettier/plugins/estree";
import * as typescript from "prettier/plugins/typescript";
import * as prettier from "prettier/standalone";
import type { Options as PrettierOptions } from "prettier";
import { recordWarnings, workspaceTree } from "../test-tree";

const repoRoot = resolve(__dirname, "../../../..");

/** Copies the repository's blueprint folders and registry into the tree. */
function seed(tree: Tree): void {
  const visit = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const full = join(dir, e);
      if (["node_modules", "dist", "__snapshots__"].includes(e)) continue;
      if (statSync(full).isDirectory()) visit(full);
      else tree.write(relative(repoRoot, full), readFileSync(full));
    }
  };
  visit(join(repoRoot, "blueprints"));
  tree.write(REGISTRY, readFileSync(join(repoRoot, REGISTRY)));
}

let tree: Tree;
let warnings: string[];
beforeEach(() => {
  tree = workspaceTree();
  warnings = recordWarnings();
  seed(tree);
  jest.spyOn(logger, "info").mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  // The generators stay quiet: no formatter complaint (e.g. "Could not format files with oxfmt"), no warning.
  expect(warnings).toEqual([]);
});

async function refusal(options: { name: string; from: string }): Promise<string> {
  const before = tree.listChanges().length;
  try {
    await blueprintGenerator(tree, { ...options, skipInstall: true });
  } catch (e) {
    expect(tree.listChanges()).toHaveLength(before); // nothing written
    const message = (e as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("the generator did not refuse");
}

describe("renameIn", () => {
  test.each([
    ['name: "customer-managed",', 'name: "customer-managed-eu",'],
    ["@sse-kms/blueprint-customer-managed", "@sse-kms/blueprint-customer-managed-eu"],
    ["class CustomerManagedKeyBlueprint extends", "class CustomerManagedEuKeyBlueprint extends"],
    ["customerManagedClaims(config)", "customerManagedEuClaims(config)"],
    ["`${env.name}-customer-managed`", "`${env.name}-customer-managed-eu`"],
    // Not the name: longer tokens, and the AWS term in prose.
    ["customer-managed-key", "customer-managed-key"],
    ["a customer managed key", "a customer managed key"],
  ])("%s", (text, renamed) => {
    expect(renameIn(text, "customer-managed", "customer-managed-eu")).toBe(renamed);
  });
  test("case forms", () => {
    expect([pascalCase("cross-account-replication"), camelCase("cross-account-replication")]).toEqual(["CrossAccountReplication", "crossAccountReplication"]);
  });
});

describe.each(BLUEPRINT_NAMES.map((n) => [n]))("forking %s", (from) => {
  test("copies every file renamed, registers one line, and leaves the source untouched", async () => {
    const name = `${from}-fork`;
    await blueprintGenerator(tree, { name, from, skipInstall: true });
    const changes = tree
      .listChanges()
      .filter((c) => c.type !== "DELETE")
      .map((c) => c.path);
    const sourceFiles = changes.filter((p) => p.startsWith(`blueprints/${from}/`));
    const copied = tree
      .listChanges()
      .map((c) => c.path)
      .filter((p) => p.startsWith(`blueprints/${name}/`));
    expect(copied.length).toBe(sourceFiles.length);
    for (const path of copied) {
      const text = tree.read(path, "utf-8") ?? "";
      // No token of the source name is left (only longer tokens that contain it).
      expect(text.match(new RegExp(`(?<![A-Za-z0-9])${from}(?![A-Za-z0-9-])`, "g"))).toBeNull();
    }
    expect(JSON.parse(tree.read(`blueprints/${name}/package.json`, "utf-8")!).name).toBe(`@sse-kms/blueprint-${name}`);
    expect(tree.read(`blueprints/${name}/src/blueprint.ts`, "utf-8")).toContain(`name: "${name}",`);
    const registry = tree.read(REGISTRY, "utf-8")!;
    expect(registry.split("\n").filter((l) => l === registrationLine(name))).toHaveLength(1);
    const before = readFileSync(join(repoRoot, REGISTRY), "utf8").split("\n");
    expect(registry.split("\n").filter((l) => !before.includes(l))).toEqual([registrationLine(name)]);
    // The registry stays sorted.
    const exports = registry.split("\n").filter((l) => l.startsWith("export {"));
    expect(exports).toEqual([...exports].sort());
  });
});

test("a run prints nothing, and the copy's code is in the repository's prettier format (reflowed where renaming made lines longer)", async () => {
  const from = "customer-managed";
  const name = "customer-managed-with-a-much-longer-name";
  await blueprintGenerator(tree, { name, from, skipInstall: true });
  expect(warnings.filter((l) => /Could not format/.test(l))).toEqual([]);
  expect(warnings).toEqual([]);
  const options = { ...(JSON.parse(readFileSync(join(repoRoot, ".prettierrc.json"), "utf8")) as PrettierOptions), plugins: [babel, estree, typescript] };
  const code = tree
    .listChanges()
    .map((c) => c.path)
    .filter((p) => p.startsWith(`blueprints/${name}/`) && p.endsWith(".ts"));
  expect(code.length).toBeGreaterThan(3);
  let reflowed = 0;
  for (const path of code) {
    const text = tree.read(path, "utf-8")!;
    expect([path, await prettier.format(text, { ...options, filepath: path })]).toEqual([path, text]);
    const source = readFileSync(join(repoRoot, `blueprints/${from}`, path.slice(`blueprints/${name}/`.length).split(name).join(from)), "utf8");
    if (renameIn(source, from, name) !== text) reflowed++;
  }
  expect(reflowed).toBeGreaterThan(0);
});

describe("refusals: one line, before anything is written", () => {
  test.each([
    ["Bad", "customer-managed", /^--name "Bad": a blueprint name is lowercase letters/],
    ["my_cm", "customer-managed", /^--name "my_cm"/],
    ["-x", "customer-managed", /^--name "-x"/],
    ["a".repeat(41), "customer-managed", /at most 40 characters/],
    ["my-cm", "cmk", /^--from "cmk" is not a registered blueprint; choose one of: /],
    ["customer-managed", "customer-managed", /^--name "customer-managed": a blueprint of that name is already registered/],
  ])("--name %s --from %s", async (name, from, message) => {
    expect(await refusal({ name, from })).toMatch(message);
  });

  test("an existing folder", async () => {
    tree.write("blueprints/my-cm/README.md", "someone's work");
    expect(await refusal({ name: "my-cm", from: "customer-managed" })).toBe(
      "blueprints/my-cm already exists; choose another --name, or remove the folder; nothing was written",
    );
  });

  test("checkOptions accepts a good fork", () => {
    expect(() => checkOptions(tree, { name: "my-cm", from: "customer-managed" })).not.toThrow();
  });
});
