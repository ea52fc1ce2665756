/**
 * The jest environment every project shares (jest.preset.js): temporary files, among them the
 * cdktf.outdir.* folder cdktf's Testing helpers create per synth, go to one folder per run that
 * jest.global-teardown.js removes; HashiCorp's version check is off.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename } from "node:path";
import { Testing, TerraformStack } from "cdktf";

test("os.tmpdir() is this run's own folder, so the teardown removes every cdktf.outdir.*", () => {
  const dir = process.env.SSE_KMS_JEST_TMPDIR;
  expect(dir).toBeDefined();
  expect(basename(dir!)).toMatch(/^sse-kms-jest-/);
  expect(tmpdir()).toBe(dir);
  const app = Testing.app();
  new TerraformStack(app, "probe");
  expect(app.outdir.startsWith(`${dir}/cdktf.outdir.`)).toBe(true);
  expect(existsSync(app.outdir)).toBe(true);
});

test("CHECKPOINT_DISABLE is set (no version check over the network)", () => {
  expect(process.env.CHECKPOINT_DISABLE).toBe("1");
});
