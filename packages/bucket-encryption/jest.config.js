module.exports = { ...require("../../jest.preset.js"), displayName: "bucket-encryption" };
