module.exports = { ...require("../../jest.preset.js"), displayName: "customer-managed" };
