import { existsSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/**
 * Finding the real Terraform CLI and a local filesystem mirror of the `hashicorp/aws` provider.
 * Nothing here touches the network: the registry is never asked, only directories on this machine.
 */

/** Names the `terraform` binary to use. @default the first `terraform` on PATH */
export const TERRAFORM_BINARY_ENV = "SSE_KMS_TERRAFORM";
/** Names a provider mirror: a directory holding `registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>`. */
export const PROVIDER_MIRROR_ENV = "SSE_KMS_TF_MIRROR";

/** The platform folder of provider packages on this machine, e.g. `linux_amd64`. */
export function terraformPlatform(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch === "ia32" ? "386" : process.arch;
  return `${process.platform === "win32" ? "windows" : process.platform}_${arch}`;
}

/** The `terraform` binary: `$SSE_KMS_TERRAFORM`, else the first on PATH; undefined when there is none. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env[TERRAFORM_BINARY_ENV];
  if (named) return existsSync(named) ? named : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, process.platform === "win32" ? "terraform.exe" : "terraform");
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * The `hashicorp/aws` versions a mirror holds for this platform, oldest first, in either layout a
 * filesystem mirror may use (Terraform CLI docs, "Provider Installation"): unpacked
 * `<version>/<os>_<arch>/` folders, or packed `terraform-provider-aws_<version>_<os>_<arch>.zip`
 * files, which `terraform providers mirror` (and so `npm run providers:mirror`) writes.
 */
export function mirrorAwsVersions(mirror: string): string[] {
  const dir = join(mirror, "registry.terraform.io", "hashicorp", "aws");
  if (!existsSync(dir)) return [];
  const platform = terraformPlatform();
  const versions = new Set<string>();
  for (const entry of readdirSync(dir)) {
    if (existsSync(join(dir, entry, platform))) versions.add(entry);
    const packed = /^terraform-provider-aws_(.+)_([a-z0-9]+_[a-z0-9]+)\.zip$/.exec(entry);
    if (packed && packed[2] === platform) versions.add(packed[1]);
  }
  return [...versions].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

/**
 * Directories searched for a mirror, in order, after `$SSE_KMS_TF_MIRROR`: Terraform's implied local
 * mirror directories (the CLI docs' list for Unix), then every direct child of `/opt` (where images
 * install plugin bundles, e.g. `/opt/tf-plugins`).
 */
export function mirrorCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? homedir();
  const xdg = env.XDG_DATA_HOME ?? join(home, ".local", "share");
  const implied = [
    join(home, ".terraform.d", "plugins"),
    join(xdg, "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ];
  const opt = existsSync("/opt")
    ? readdirSync("/opt")
        .sort()
        .map((d) => join("/opt", d))
    : [];
  return [...implied, ...opt];
}

/** A provider mirror and what it holds. */
export interface ProviderMirror {
  /** The mirror directory (it holds `registry.terraform.io/...`). */
  readonly path: string;
  /** The hashicorp/aws versions it holds for this platform. */
  readonly awsVersions: readonly string[];
}

/**
 * The mirror to install `hashicorp/aws` from: `$SSE_KMS_TF_MIRROR` if set (even when it holds no
 * aws provider, so a wrong setting is reported, not silently replaced), else the first candidate
 * that holds one. Undefined when there is none.
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): ProviderMirror | undefined {
  const named = env[PROVIDER_MIRROR_ENV];
  if (named) return { path: named, awsVersions: mirrorAwsVersions(named) };
  for (const path of mirrorCandidates(env)) {
    const awsVersions = mirrorAwsVersions(path);
    if (awsVersions.length > 0) return { path, awsVersions };
  }
  return undefined;
}
