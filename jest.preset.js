// Shared jest preset: TypeScript is transformed by SWC (no type checking here;
// `typecheck` is its own cached Nx target).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.(t|j)s$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  testMatch: ["<rootDir>/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  moduleFileExtensions: ["ts", "js", "json"],
  // One temporary folder per run, removed at the end (cdktf leaves a cdktf.outdir.* per synth),
  // and no HashiCorp version check: see jest.global-setup.js.
  globalSetup: require.resolve("./jest.global-setup.js"),
  globalTeardown: require.resolve("./jest.global-teardown.js"),
};
