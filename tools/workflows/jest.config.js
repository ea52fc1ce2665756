// `npm run test:workflows`: the README's day-two workflows, end to end, in a temporary clone.
// Not part of `npm test` (each workflow runs `npm test` itself); .ci/run runs both.
module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "workflows",
  rootDir: __dirname,
  testMatch: ["<rootDir>/*.e2e.ts"],
  testTimeout: 60 * 60 * 1000,
};
