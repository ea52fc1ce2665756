module.exports = { ...require("../../jest.preset.js"), displayName: "construct-kit" };
