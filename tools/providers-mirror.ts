/**
 * `npm run providers:mirror` builds the local provider mirror the real-Terraform tier plans from:
 * every hashicorp/aws version an environment pins (`awsProviderVersion`, or the schema's default),
 * fetched with `terraform providers mirror -platform=<this platform> <mirror>` (network, once): a
 * version the mirror already holds is not fetched again, so a CI cache of the folder makes it a no-op.
 * The mirror is `$SSE_KMS_TF_MIRROR`, else the one the tier would use, else `~/.terraform.d/plugins`
 * (one of Terraform's implied local mirror directories).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { parseCliArgs, runCli } from "@sse-kms/config/args";

const USAGE = `npm run providers:mirror [-- --dir <mirror>]
Adds every hashicorp/aws version the environments pin to the local provider mirror (terraform providers mirror; needs network once).
  --dir <mirror>  the mirror directory (default: $SSE_KMS_TF_MIRROR, else the mirror the tests use, else ~/.terraform.d/plugins)`;

async function main(args: readonly string[]): Promise<number> {
  const parsed = parseCliArgs(args, { dir: { type: "string" } });
  const { findRepoRoot, loadEnvironments } = await import("@sse-kms/blueprint-catalog");
  const { findProviderMirror, findTerraform, mirrorAwsVersions, terraformPlatform, PROVIDER_MIRROR_ENV } = await import("@sse-kms/testing/terraform");
  const terraform = findTerraform();
  if (terraform === undefined) {
    console.error("providers:mirror: no terraform binary on PATH (or SSE_KMS_TERRAFORM): install Terraform first");
    return 1;
  }
  const pinned = [...new Set(loadEnvironments(findRepoRoot(__dirname)).map((e) => e.awsProviderVersion))].sort();
  const dir = parsed.strings.dir ?? process.env[PROVIDER_MIRROR_ENV] ?? findProviderMirror()?.path ?? join(homedir(), ".terraform.d", "plugins");
  const present = new Set(mirrorAwsVersions(dir));
  const missing = pinned.filter((v) => !present.has(v));
  for (const v of pinned.filter((x) => present.has(x))) console.log(`providers:mirror: hashicorp/aws ${v}: already in ${dir}`);
  for (const version of missing) {
    const work = mkdtempSync(join(tmpdir(), "sse-kms-mirror-"));
    try {
      writeFileSync(join(work, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version } } } }));
      mkdirSync(dir, { recursive: true });
      const r = spawnSync(terraform, ["providers", "mirror", `-platform=${terraformPlatform()}`, dir], {
        cwd: work,
        encoding: "utf8",
        env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      });
      if (r.status !== 0) {
        console.error(
          `providers:mirror: terraform providers mirror of hashicorp/aws ${version} into ${dir} failed: ${(r.stderr || r.stdout || String(r.error)).trim().split("\n").slice(-3).join(" ")}`,
        );
        return 1;
      }
      console.log(`providers:mirror: hashicorp/aws ${version}: added to ${dir}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  console.log(
    `providers:mirror: ${pinned.length} pinned version(s) (${pinned.join(", ")}), ${missing.length} fetched; the tests find the mirror with ${PROVIDER_MIRROR_ENV}=${dir}`,
  );
  return 0;
}

runCli("providers:mirror", USAGE, main);
