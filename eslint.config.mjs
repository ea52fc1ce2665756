// Lint rules that guard the architecture, not style:
// - module boundaries by Nx tags: apps -> catalog -> blueprints -> packages, never back (tools may
//   use the catalog, blueprints and packages);
// - deep @cdktf/provider-aws imports only (the barrel makes synth ~10x slower);
// - our own packages only through their `exports` map: `@sse-kms/<name>` or a subpath the map
//   names, never `@sse-kms/<name>/src/...` (tsc's node10 resolution ignores `exports`, so this rule
//   is what stops a deep import in the typecheck; jest and esbuild refuse it by the map itself).
import nx from "@nx/eslint-plugin";
import tseslint from "typescript-eslint";

export default [
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/cdktf.out/**",
      "**/cdktf.out.hcl/**",
      "**/.nx/**",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
      "tools/bench/baseline/**",
    ],
  },
  {
    files: ["**/*.ts"],
    languageOptions: { parser: tseslint.parser },
    plugins: { "@nx": nx, "@typescript-eslint": tseslint.plugin },
    rules: {
      "@nx/enforce-module-boundaries": [
        "error",
        {
          enforceBuildableLibDependency: false,
          allow: [],
          // The CLIs parse their arguments first and load these (cdktf, the provider) with a
          // dynamic import() only then, so a usage error answers at once; tests and other
          // modules import them statically. Both are fine in one bundle (esbuild inlines them).
          checkDynamicDependenciesExceptions: [
            "@sse-kms/blueprint-catalog",
            "@sse-kms/blueprint-cross-account-replication",
            "@sse-kms/config",
            "@sse-kms/guardrails",
            "@sse-kms/testing",
          ],
          depConstraints: [
            { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:catalog", "type:blueprint", "type:package"] },
            { sourceTag: "type:catalog", onlyDependOnLibsWithTags: ["type:blueprint", "type:package"] },
            { sourceTag: "type:blueprint", onlyDependOnLibsWithTags: ["type:blueprint", "type:package"] },
            { sourceTag: "type:package", onlyDependOnLibsWithTags: ["type:package"] },
            { sourceTag: "type:tool", onlyDependOnLibsWithTags: ["type:catalog", "type:blueprint", "type:package"] },
          ],
        },
      ],
      "no-restricted-imports": [
        "error",
        {
          // Any provider package's barrel, under cdktf or CDK Terrain (cdktn) alike.
          patterns: [
            {
              regex: "^@cdkt[fn]/provider-[a-z0-9-]+$",
              message: "Import the resource from its deep path (<provider package>/lib/<resource>): the barrel makes synth ~10x slower.",
            },
            {
              regex: "^@sse-kms/[^/]+/src(/|$)",
              message: "Import the package (@sse-kms/<name>) or a subpath its package.json `exports` map names, not its src/ files.",
            },
          ],
        },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
];
