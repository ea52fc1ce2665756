module.exports = {
  ...require("../jest.preset.js"),
  displayName: "tools",
  testPathIgnorePatterns: ["/node_modules/", "/dist/", "/bench/", "/workspace-plugin/", "/cdktn/"],
};
