// Runs once per jest run, before any worker starts (workers inherit the environment set here).
// - TMPDIR: cdktf's Testing helpers create a `cdktf.outdir.*` folder in os.tmpdir() for every
//   synth and never remove it (about 388 per cold `npm test`). Pointing TMPDIR at one folder per
//   run lets jest.global-teardown.js remove them all.
// - CHECKPOINT_DISABLE: no HashiCorp version check (offline it prints `getaddrinfo ENOTFOUND`).
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = async function globalSetup() {
  const dir = mkdtempSync(join(tmpdir(), "sse-kms-jest-"));
  process.env.SSE_KMS_JEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
  process.env.CHECKPOINT_DISABLE = "1";
};
