module.exports = { ...require("../../jest.preset.js"), displayName: "imported-material" };
