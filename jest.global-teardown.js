// Removes the per-run temporary folder of jest.global-setup.js, with every cdktf.outdir.* in it.
const { rmSync } = require("node:fs");

module.exports = async function globalTeardown() {
  const dir = process.env.SSE_KMS_JEST_TMPDIR;
  if (dir && /sse-kms-jest-/.test(dir)) rmSync(dir, { recursive: true, force: true });
};
