/**
 * The real CLI process: `bin/sse-kms-key-material.js` (the npm bin) loading the bundle that the
 * repository build writes, run as a child process against the fake KMS on loopback. The bundle is
 * rebuilt first (`node tools/build.mjs key-material`, what `npm ci` runs), so it is this source.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { FakeKms } from "./test-support/fake-kms";
import { childAwsEnv } from "./test-support/fake-env";
import { removeDir, tempDir } from "./test-support/cli-harness";

jest.setTimeout(120_000);

const root = join(__dirname, "..", "..", "..");
const bin = join(__dirname, "..", "bin", "sse-kms-key-material.js");
const kms = new FakeKms("eu-west-1");
let dir: string;

beforeAll(async () => {
  const built = spawnSync(process.execPath, [join(root, "tools", "build.mjs"), "--quiet", "key-material"], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`node tools/build.mjs key-material failed (${built.status}): ${built.stderr}${built.stdout}`);
  dir = tempDir();
  await kms.start();
});

afterAll(async () => {
  await kms.stop();
  removeDir(dir);
});

/** Runs the bin asynchronously (the fake KMS answers from this process's event loop). */
function runBin(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: childAwsEnv(dir), cwd: dir, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

test("--help lists rotate and status; rotate --help names NEW_KEY_MATERIAL", async () => {
  const help = await runBin(["--help"]);
  expect(help).toMatchObject({ code: 0, stderr: "" });
  expect(help.stdout).toMatch(/\n {2}rotate /);
  expect(help.stdout).toMatch(/\n {2}status /);
  const rotate = await runBin(["rotate", "--help"]);
  expect(rotate).toMatchObject({ code: 0, stderr: "" });
  expect(rotate.stdout).toContain("NEW_KEY_MATERIAL");
});

test("rotate against a KMS endpoint on loopback: ImportKeyMaterial with ImportType NEW_KEY_MATERIAL, then RotateKeyOnDemand, exit 0", async () => {
  const key = kms.addKey({ state: "Enabled", material: randomBytes(32) });
  const start = kms.requests.length;
  const run = await runBin([
    "rotate",
    "--key-id",
    key.arn,
    "--region",
    "eu-west-1",
    "--endpoint-url",
    kms.url,
    "--generate",
    "--material-out",
    join(dir, "rotated.material"),
  ]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const calls = kms.requests.slice(start);
  const importAt = calls.findIndex((r) => r.operation === "ImportKeyMaterial");
  const rotateAt = calls.findIndex((r) => r.operation === "RotateKeyOnDemand");
  expect(importAt).toBeGreaterThan(-1);
  expect(calls[importAt]?.body).toMatchObject({ KeyId: key.arn, ImportType: "NEW_KEY_MATERIAL" });
  expect(rotateAt).toBeGreaterThan(importAt);
  expect(calls[rotateAt]?.body).toEqual({ KeyId: key.arn });
  expect(String(calls[rotateAt]?.headers["user-agent"])).toMatch(/aws-sdk-js/);
  expect(key.materials.map((m) => m.state)).toEqual(["NON_CURRENT", "CURRENT"]);
  expect(run.stdout).toContain(`rotated ${key.arn} to new key material ${key.materials[1]!.id}`);
});

test("status exits 1 from the process when a material lapses within --warn-days", async () => {
  const key = kms.addKey({ state: "Enabled", material: randomBytes(32) });
  key.materials[0]!.expirationModel = "KEY_MATERIAL_EXPIRES";
  key.materials[0]!.validTo = new Date(Date.now() + 3 * 86_400_000);
  const run = await runBin(["status", "--key-id", key.keyId, "--region", "eu-west-1", "--endpoint-url", kms.url, "--warn-days", "7"]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^sse-kms-key-material: alert: key material [0-9a-f]{64} \(CURRENT\) expires .* within 7 days\n$/);
});
