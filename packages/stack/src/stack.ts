import { AWS_PROVIDER_VERSION_CONTEXT, type BackendConfig, type EnvironmentConfig, TERRAFORM_REQUIRED_VERSION, preventDestroyOf } from "@sse-kms/config";
import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import { GuardedSynthesizer, GuardrailPack } from "@sse-kms/guardrails";
import { releaseBucket } from "@sse-kms/bucket-encryption";
import { Aspects, CloudBackend, type CloudBackendConfig, LocalBackend, NamedCloudWorkspace, S3Backend, TaggedCloudWorkspaces, TerraformStack } from "cdktf";
import type { Construct, IValidation } from "constructs";
import { stackDocument } from "./stack-document";

/**
 * cdktf's `cloud` backend without the one construct validation that runs `terraform version` at
 * every synth (cdktf 0.21 adds a ValidateTerraformVersion(">=1.1") to the backend's node). Synth
 * must work where no Terraform is installed (CI, `npm test`), and Terraform itself refuses a `cloud`
 * block below 1.1 when it runs, so nothing is lost. Every other validation still runs.
 */
export class OfflineCloudBackend extends CloudBackend {
  constructor(scope: Construct, props: CloudBackendConfig) {
    super(scope, props);
    // constructs 10 keeps validations in the node's `_validations` list and has no public way to
    // remove one: drop the version check by what it runs, and fail loudly if cdktf changed shape.
    const node = this.node as unknown as { _validations?: IValidation[] };
    const all = node._validations ?? [];
    const kept = all.filter((v) => !isTerraformVersionCheck(v));
    if (all.length - kept.length !== 1) {
      throw new Error(
        `${this.node.path}: expected exactly one Terraform version check on cdktf's CloudBackend, found ${all.length - kept.length}: the cdktf version changed, revisit OfflineCloudBackend`,
      );
    }
    node._validations = kept;
  }
}

/**
 * cdktf's ValidateTerraformVersion (not exported by cdktf): a binary-version check of the Terraform
 * binary (`terraform`, or cdktf's TERRAFORM_BINARY_NAME) that runs `<binary> version`.
 */
function isTerraformVersionCheck(v: IValidation): boolean {
  const check = v as { binary?: unknown; versionCommand?: unknown };
  const binary = process.env.TERRAFORM_BINARY_NAME || "terraform";
  return check.binary === binary && check.versionCommand === `${binary} version`;
}

/** Where `cdktf synth` writes stacks, relative to the repo root (cdktf.json `output`). */
export const OUTDIR = "cdktf.out";

/** Properties of an {@link EnvironmentStack}. */
export interface EnvironmentStackProps {
  /** The validated environment configuration. */
  readonly env: EnvironmentConfig;
  /** The blueprint this stack holds; the stack is named `<env>-<blueprint>`. */
  readonly blueprint: string;
}

/**
 * One deployable unit: `<env>-<blueprint>`, with an explicit backend from config and a default
 * AWS provider pinned to the environment's region and account (`allowed_account_ids`), so a plan
 * run with credentials for the wrong account fails instead of changing it. `required_providers`
 * pins the environment's `awsProviderVersion`, and `required_version` the Terraform CLI (>= 1.10).
 */
export class EnvironmentStack extends TerraformStack {
  readonly env: EnvironmentConfig;
  readonly blueprint: string;
  /** The default AWS provider (the environment's account and region). */
  readonly provider: AwsProvider;
  /** Whether keys and buckets in this stack carry prevent_destroy. */
  readonly preventDestroy: boolean;
  /** Default tags of every AWS provider of the stack: the environment's tags plus the stack name. */
  readonly tags: Readonly<Record<string, string>>;
  /** The hashicorp/aws version pinned in `required_providers` (the environment's `awsProviderVersion`). */
  readonly awsProviderVersion: string;

  constructor(scope: Construct, props: EnvironmentStackProps) {
    super(scope, stackName(props.env.name, props.blueprint));
    this.env = props.env;
    this.blueprint = props.blueprint;
    this.preventDestroy = preventDestroyOf(props.env);
    this.tags = { ...props.env.tags, "sse-kms-blueprints:stack": this.node.id };
    this.awsProviderVersion = props.env.awsProviderVersion;
    // Before any child: constructs below read it (awsProviderVersionAt) to write only known attributes.
    this.node.setContext(AWS_PROVIDER_VERSION_CONTEXT, this.awsProviderVersion);
    configureBackend(this, this.node.id, props.env.backend);
    this.provider = new AwsProvider(
      this,
      "aws",
      awsProviderConfig({
        region: props.env.region,
        account: props.env.account,
        assumeRoleArn: props.env.assumeRoleArn,
        tags: this.tags,
      }),
    );
    // The bindings pin the version they were generated for; pin the environment's instead.
    this.addOverride("terraform.required_providers.aws.version", this.awsProviderVersion);
    this.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
    // The pack runs on the resolution the synthesizer writes (one resolution per synth, not two);
    // as an aspect it still runs for Testing.synth and evaluateStack, which bypass the synthesizer.
    const guardrails = new GuardrailPack({ production: props.env.production });
    Aspects.of(this).add(guardrails);
    this.synthesizer = new GuardedSynthesizer(this, guardrails);
    // Buckets this stack created and no longer configures: forgotten, not destroyed (releasedBuckets).
    for (const r of props.env.releasedBuckets ?? []) if (r.blueprint === props.blueprint) releaseBucket(this, r.bucket);
  }

  /**
   * cdktf's prepareStack() ensures the backend, then resolves every element of the stack once more
   * before synth, only to wire cross-stack references (an output in one stack read through remote
   * state in another). These stacks are planned and applied alone, each from its own folder,
   * workspace and state, and never refer to each other: that pass, the costliest of the three
   * resolutions of a synth, is skipped (docs/performance.md); the output is the same. A reference
   * to another stack's block is then a synth error from guardrail SKB-STACK-1 (not a remote state).
   */
  override prepareStack(): void {
    this.ensureBackendExists();
  }

  /**
   * The stack's Terraform JSON, as cdktf's own method builds it, without resolving the whole,
   * already resolved document a second time at the end ({@link stackDocument}).
   */
  override toTerraform(): Record<string, unknown> {
    return stackDocument(this);
  }
}

/** `<env>-<blueprint>` */
export function stackName(env: string, blueprint: string): string {
  return `${env}-${blueprint}`;
}

/** Settings of one AWS provider. */
export interface AwsProviderSettings {
  readonly region: string;
  readonly account: string;
  readonly assumeRoleArn?: string;
  /** Provider alias, for a second account or region. @default none (the default provider) */
  readonly alias?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Provider config pinned to one account and region. */
export function awsProviderConfig(s: AwsProviderSettings): AwsProviderConfig {
  return {
    region: s.region,
    allowedAccountIds: [s.account],
    alias: s.alias,
    assumeRole: s.assumeRoleArn ? [{ roleArn: s.assumeRoleArn }] : undefined,
    defaultTags: s.tags && Object.keys(s.tags).length > 0 ? [{ tags: { ...s.tags } }] : undefined,
  };
}

/**
 * The stack's backend. `local` keeps state outside `cdktf.out` (which synth rewrites), at a path
 * relative to the stack's working directory `cdktf.out/stacks/<stack>`, so output is identical
 * on every machine and no state is lost on re-synth.
 */
export function configureBackend(stack: TerraformStack, name: string, backend: BackendConfig): void {
  switch (backend.type) {
    case "local":
      new LocalBackend(stack, { path: `../../../${backend.directory}/${name}.tfstate` });
      return;
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix}/${name}.tfstate`,
        region: backend.region,
        encrypt: backend.encrypt,
        kmsKeyId: backend.kmsKeyId,
      });
      // S3 native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no typed field for it.
      s3.addOverride("use_lockfile", backend.useLockfile);
      return;
    }
    case "cloud":
      new OfflineCloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces:
          "name" in backend.workspaces
            ? new NamedCloudWorkspace(backend.workspaces.name.replace(/\{stack\}/g, name))
            : new TaggedCloudWorkspaces([...backend.workspaces.tags]),
      });
      return;
  }
}
