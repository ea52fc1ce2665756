import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadEnvironments } from "@sse-kms/blueprint-catalog";
import { mirrorAwsVersions, terraformPlatform } from "@sse-kms/testing";

/**
 * `npm run providers:mirror` with a stand-in terraform binary (no registry is reachable here): it asks
 * for exactly the pinned versions it lacks, in the packed layout the tier then discovers, and asks
 * nothing once they are there (the CI cache case).
 */
const repoRoot = resolve(__dirname, "..");
const tmp = mkdtempSync(join(tmpdir(), "sse-kms-mirror-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fake = join(tmp, "terraform");
const log = join(tmp, "calls.log");
writeFileSync(
  fake,
  [
    "#!/bin/sh",
    `echo "$@" >> ${JSON.stringify(log)}`,
    "v=$(node -e 'console.log(require(\"./main.tf.json\").terraform.required_providers.aws.version)')",
    'mkdir -p "$4/registry.terraform.io/hashicorp/aws"',
    'touch "$4/registry.terraform.io/hashicorp/aws/terraform-provider-aws_${v}_$(echo "$3" | cut -d= -f2).zip"',
    "",
  ].join("\n"),
);
chmodSync(fake, 0o755);

const mirror = (dir: string) =>
  spawnSync("node", ["tools/run.mjs", "providers-mirror", "--dir", dir], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, SSE_KMS_TERRAFORM: fake } });

test("mirrors every pinned version once, in a layout the tier finds", () => {
  const pinned = [...new Set(loadEnvironments(repoRoot).map((e) => e.awsProviderVersion))].sort();
  const dir = join(tmp, "mirror");
  const first = mirror(dir);
  expect(first.status).toBe(0);
  expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(pinned.map(() => `providers mirror -platform=${terraformPlatform()} ${dir}`));
  expect(mirrorAwsVersions(dir)).toEqual(pinned);
  const second = mirror(dir);
  expect(second.status).toBe(0);
  expect(second.stdout).toContain(`, 0 fetched`);
  expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(pinned.length); // nothing asked again
});

test("a failing terraform is one line, exit 1", () => {
  const broken = join(tmp, "ro");
  mkdirSync(broken);
  writeFileSync(join(broken, "registry.terraform.io"), "a file where the mirror needs a folder");
  const r = spawnSync("node", ["tools/run.mjs", "providers-mirror", "--dir", broken], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, SSE_KMS_TERRAFORM: "/bin/false" },
  });
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(existsSync(broken)).toBe(true);
});
