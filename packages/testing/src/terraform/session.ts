import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { parsePlan } from "../plan/read";
import type { TerraformPlan } from "../plan/model";
import { type ProviderMirror, PROVIDER_MIRROR_ENV, findProviderMirror, findTerraform } from "./discover";

/**
 * Runs the real Terraform CLI on synthesized stacks, offline: `init` from a local provider mirror
 * (a CLI configuration whose `provider_installation` knows only that mirror), `validate`, `plan`
 * with fake static credentials and a local backend, and `show -json`. Each stack runs in a
 * temporary copy; the credentials and the backend are swapped by an override file written there
 * ({@link offlineOverride}), never in the synthesized output.
 */

/** File name of the override written beside a stack's `cdk.tf.json` in its temporary copy. */
export const OFFLINE_OVERRIDE_FILE = "zz_sse_kms_offline_override.tf.json";

/** Fake static credentials: the provider never looks for real ones (and never reaches AWS). */
const FAKE_CREDENTIALS = {
  access_key: "AKIAIOSFODNN7EXAMPLE",
  secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
} as const;

interface StackJson {
  terraform?: { required_providers?: { aws?: { version?: string } }; backend?: Record<string, unknown>; cloud?: unknown };
  provider?: { aws?: Array<{ alias?: string; assume_role?: unknown }> };
}

/** The `hashicorp/aws` version a synthesized stack pins (`terraform.required_providers.aws.version`). */
export function pinnedAwsVersion(stackJson: string): string | undefined {
  return (JSON.parse(stackJson) as StackJson).terraform?.required_providers?.aws?.version;
}

/**
 * The override file of a stack's temporary copy: a local backend (state in the copy), and for every
 * AWS provider block (by alias) fake static keys, the `skip_*` settings, no `allowed_account_ids`
 * (the fake account matches none) and an `assume_role` without a role (nothing to assume offline).
 */
export function offlineOverride(stackJson: string): string {
  const doc = JSON.parse(stackJson) as StackJson;
  const providers = (doc.provider?.aws ?? [{}]).map((p) => ({
    ...(p.alias === undefined ? {} : { alias: p.alias }),
    ...FAKE_CREDENTIALS,
    allowed_account_ids: null,
    ...(p.assume_role === undefined ? {} : { assume_role: [{ role_arn: null }] }),
  }));
  return `${JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } }, provider: { aws: providers } }, null, 2)}\n`;
}

/** The CLI configuration: install providers from the mirror only; never from the network. */
export function cliConfiguration(mirror: string): string {
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path = ${JSON.stringify(mirror)}`,
    "  }",
    "  direct {",
    '    exclude = ["*/*/*"]',
    "  }",
    "}",
    "",
  ].join("\n");
}

/** The outcome of one Terraform command. */
export interface StepResult {
  readonly command: string;
  readonly ok: boolean;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Why the tier cannot run here (no binary, no mirror), or undefined when it can. */
export type Availability =
  { readonly available: true; readonly terraform: string; readonly mirror: ProviderMirror } | { readonly available: false; readonly reason: string };

/** Whether the real-Terraform tier can run on this machine, and with what. */
export function terraformAvailability(env: NodeJS.ProcessEnv = process.env): Availability {
  const terraform = findTerraform(env);
  if (terraform === undefined) return { available: false, reason: "no terraform binary on PATH (or SSE_KMS_TERRAFORM)" };
  const mirror = findProviderMirror(env);
  if (mirror === undefined)
    return {
      available: false,
      reason: `no local mirror of the hashicorp/aws provider found (set ${PROVIDER_MIRROR_ENV} to a directory holding registry.terraform.io/hashicorp/aws/<version>/<os>_<arch>)`,
    };
  if (mirror.awsVersions.length === 0)
    return { available: false, reason: `${PROVIDER_MIRROR_ENV}=${mirror.path} holds no hashicorp/aws provider for this platform` };
  return { available: true, terraform, mirror };
}

/** Options of {@link TerraformSession}. */
export interface SessionOptions {
  /** How many Terraform commands run at once. @default os.availableParallelism() */
  readonly jobs?: number;
  /**
   * Keep this process's `AWS_*` variables (profile, keys) for Terraform: only for a deliberate run
   * against the user's own account (`npm run test:live -- --aws`). Instance metadata stays off.
   * @default false (every `AWS_*` variable is removed)
   */
  readonly passAwsEnvironment?: boolean;
}

/** One stack's temporary working copy. */
export interface StackWorkdir {
  readonly name: string;
  readonly dir: string;
}

/**
 * A temporary root (CLI configuration, one folder per stack) and a bounded pool of Terraform
 * processes. {@link dispose} deletes the root. No plugin cache: `init` links each working copy's
 * provider straight to the unpacked mirror (a symlink, under a second). A shared cache raced: a
 * plan failed with "there is no package for registry.terraform.io/hashicorp/aws 5.100.0 cached"
 * while another copy's `init` ran.
 */
export class TerraformSession {
  readonly root: string;
  readonly terraform: string;
  readonly mirror: ProviderMirror;
  private readonly env: NodeJS.ProcessEnv;
  private readonly jobs: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(terraform: string, mirror: ProviderMirror, options: SessionOptions = {}) {
    this.terraform = terraform;
    this.mirror = mirror;
    this.jobs = Math.max(1, options.jobs ?? availableParallelism());
    this.root = mkdtempSync(join(tmpdir(), "sse-kms-terraform-"));
    const cliConfig = join(this.root, "terraform.rc");
    writeFileSync(cliConfig, cliConfiguration(mirror.path));
    const env: NodeJS.ProcessEnv = { ...process.env };
    // No credentials from the environment, no instance metadata, no version check (network).
    if (!options.passAwsEnvironment) for (const k of Object.keys(env)) if (/^AWS_/.test(k)) delete env[k];
    Object.assign(env, {
      TF_CLI_CONFIG_FILE: cliConfig,
      AWS_EC2_METADATA_DISABLED: "true",
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
    });
    delete env.TF_LOG;
    delete env.TF_DATA_DIR;
    delete env.TF_WORKSPACE;
    this.env = env;
  }

  /**
   * Writes a stack's temporary copy: `cdk.tf.json` as given, an override file (by default the offline
   * one; e.g. `motoOverride(stackJson, endpoint)` for an apply against moto_server), and `files`.
   */
  workdir(name: string, stackJson: string, files: Readonly<Record<string, string>> = {}, override: string = offlineOverride(stackJson)): StackWorkdir {
    const dir = join(this.root, "stacks", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "cdk.tf.json"), stackJson);
    writeFileSync(join(dir, OFFLINE_OVERRIDE_FILE), override);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, ".."), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return { name, dir };
  }

  /** Writes a folder of the temporary root holding exactly `files` (e.g. an HCL stack's `cdk.tf`). */
  folder(name: string, files: Readonly<Record<string, string>>): StackWorkdir {
    const dir = join(this.root, "stacks", name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return { name, dir };
  }

  /**
   * `terraform validate` of several folders in one run: a wrapper configuration calls each as a
   * child module (see {@link planTogether}), `init -backend=false`, then `validate`.
   */
  async validateTogether(
    label: string,
    works: readonly StackWorkdir[],
  ): Promise<{ readonly ok: boolean; readonly steps: readonly StepResult[]; readonly name: string }> {
    const dir = this.wrapper(label, works);
    const steps: StepResult[] = [];
    const init = await this.init(dir, ["-backend=false"]);
    steps.push(init);
    if (init.ok) steps.push(await this.run(dir, ["validate", "-no-color"]));
    return { name: label, ok: steps.every((s) => s.ok), steps };
  }

  /**
   * Runs `terraform <args>` in `dir` within the pool; never throws for a non-zero exit. With
   * `timeoutMs`, a command still running then is stopped (SIGTERM, Terraform's graceful stop; SIGKILL
   * 15 s later) and reported as failed with exit code 124 and "timed out" in its stderr.
   */
  async run(dir: string, args: readonly string[], options: { readonly timeoutMs?: number } = {}): Promise<StepResult> {
    await this.acquire();
    try {
      return await this.exec(dir, args, options.timeoutMs);
    } finally {
      this.release();
    }
  }

  /** `terraform init` from the mirror (the provider is linked, never copied); `extra` e.g. `-backend=false`. */
  init(dir: string, extra: readonly string[] = []): Promise<StepResult> {
    return this.run(dir, ["init", "-input=false", "-no-color", ...extra]);
  }

  /** `init`, then `terraform test -no-color` with `extra` arguments; the init's result when it fails. */
  async test(dir: string, extra: readonly string[] = []): Promise<StepResult> {
    const init = await this.init(dir);
    return init.ok ? this.run(dir, ["test", "-no-color", ...extra]) : init;
  }

  /**
   * `init`, `validate`, `plan -out` and `show -json` of one working copy; stops at the first failure.
   * Without `validate` the separate command is left out: `terraform plan` validates the
   * configuration itself first (the same checks, one provider-schema load less).
   */
  async planStack(work: StackWorkdir, options: PlanOptions = {}): Promise<StackPlanRun> {
    const planArgs = options.planArgs ?? [];
    const steps: StepResult[] = [];
    const step = async (p: Promise<StepResult>): Promise<boolean> => {
      const r = await p;
      steps.push(r);
      return r.ok;
    };
    const ok =
      (await step(this.init(work.dir))) &&
      (options.validate === false || (await step(this.run(work.dir, ["validate", "-no-color"])))) &&
      (await step(this.run(work.dir, ["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.tfplan", ...planArgs]))) &&
      (await step(this.run(work.dir, ["show", "-json", "plan.tfplan"])));
    const show = steps.find((s) => s.command.startsWith("terraform show"));
    return {
      name: work.name,
      dir: work.dir,
      steps,
      ok,
      planText: steps.find((s) => s.command.startsWith("terraform plan"))?.stdout,
      plan: ok && show ? parsePlan(show.stdout, `terraform show -json (${work.name})`) : undefined,
    };
  }

  /**
   * Plans several stacks in ONE Terraform run: a wrapper configuration under `runs/<label>` calls
   * each stack's unmodified copy as a child module (`module "<stack>" { source = "../../stacks/<stack>" }`),
   * then `init`, `validate`, `plan -out`, `show -json`. The provider schema (seconds of CPU per
   * command) is loaded once per command instead of once per stack and command. A stack's own
   * `backend` is ignored as a child module (Terraform warns); the run's state is `state` when given.
   * The stacks must pin the same hashicorp/aws version.
   */
  async planTogether(label: string, works: readonly StackWorkdir[], options: PlanOptions & { readonly state?: string } = {}): Promise<CombinedPlanRun> {
    const dir = this.wrapper(label, works);
    if (options.state !== undefined) writeFileSync(join(dir, "terraform.tfstate"), options.state);
    const run = await this.planStack({ name: label, dir }, options);
    const plans = new Map<string, TerraformPlan>();
    if (run.plan) for (const w of works) plans.set(w.name, modulePlan(run.plan, w.name));
    return { ...run, stacks: works.map((w) => w.name), plans };
  }

  /** A wrapper configuration under `runs/<label>` calling each folder as a child module named after it. */
  private wrapper(label: string, works: readonly StackWorkdir[]): string {
    const dir = join(this.root, "runs", label);
    mkdirSync(dir, { recursive: true });
    const modules = Object.fromEntries(works.map((w) => [w.name, { source: relative(dir, w.dir).split(sep).join("/") }]));
    writeFileSync(join(dir, "main.tf.json"), `${JSON.stringify({ module: modules }, null, 2)}\n`);
    return dir;
  }

  /** Deletes the temporary root. */
  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private exec(dir: string, args: readonly string[], timeoutMs?: number): Promise<StepResult> {
    const started = process.hrtime.bigint();
    return new Promise((resolve) => {
      let timedOut = false;
      let hardKill: NodeJS.Timeout | undefined;
      const child = execFile(
        this.terraform,
        [...args],
        { cwd: dir, env: this.env, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" },
        (error, stdout, stderr) => {
          clearTimeout(timer);
          clearTimeout(hardKill);
          const exitCode = timedOut ? 124 : error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolve({
            command: `terraform ${args.join(" ")}`,
            ok: exitCode === 0,
            exitCode,
            stdout,
            stderr: timedOut ? `${stderr}\nterraform ${args[0]} timed out after ${Math.round((timeoutMs ?? 0) / 1000)} s (stopped)` : stderr,
            seconds: Number(process.hrtime.bigint() - started) / 1e9,
          });
        },
      );
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              child.kill("SIGTERM");
              hardKill = setTimeout(() => child.kill("SIGKILL"), 15_000);
            }, timeoutMs);
    });
  }

  private acquire(): Promise<void> {
    if (this.running < this.jobs) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

/** Options of {@link TerraformSession.planStack} and {@link TerraformSession.planTogether}. */
export interface PlanOptions {
  /** Extra arguments of `terraform plan` (e.g. `-refresh=false`). @default none */
  readonly planArgs?: readonly string[];
  /** Run `terraform validate` as its own step before the plan (which validates anyway). @default true */
  readonly validate?: boolean;
}

/** The result of {@link TerraformSession.planStack}. */
export interface StackPlanRun {
  readonly name: string;
  readonly dir: string;
  /** init, validate, plan, show: as far as they got. */
  readonly steps: readonly StepResult[];
  /** Whether every step succeeded. */
  readonly ok: boolean;
  /** `terraform plan`'s human-readable output. */
  readonly planText?: string;
  /** The parsed `terraform show -json` plan. */
  readonly plan?: TerraformPlan;
}

/** The result of {@link TerraformSession.planTogether}: the combined run, and each stack's part of the plan. */
export interface CombinedPlanRun extends StackPlanRun {
  /** The stacks (module names) of the run. */
  readonly stacks: readonly string[];
  /** Each stack's changes and configuration, with addresses relative to its module (as in its own root). */
  readonly plans: ReadonlyMap<string, TerraformPlan>;
}

/**
 * The part of a combined plan that belongs to `module.<name>`: its resource changes with the module
 * prefix removed (`module.x.aws_kms_key.data` becomes `aws_kms_key.data`, `previous_address` too)
 * and its configuration as the root module, so the plan matchers read it as that stack's own plan.
 */
export function modulePlan(plan: TerraformPlan, name: string): TerraformPlan {
  const prefix = `module.${name}.`;
  const raw = plan.raw as Record<string, unknown>;
  const strip = (a: unknown) => (typeof a === "string" && a.startsWith(prefix) ? a.slice(prefix.length) : a);
  const changes = (Array.isArray(raw.resource_changes) ? raw.resource_changes : [])
    .filter((rc: Record<string, unknown>) => rc.module_address === `module.${name}`)
    .map((rc: Record<string, unknown>) => {
      const { module_address: _omit, ...rest } = rc;
      return { ...rest, address: strip(rc.address), ...(rc.previous_address === undefined ? {} : { previous_address: strip(rc.previous_address) }) };
    });
  const configuration = raw.configuration as { root_module?: { module_calls?: Record<string, { module?: unknown }> } } | undefined;
  const moduleConfig = configuration?.root_module?.module_calls?.[name]?.module;
  return parsePlan(
    {
      format_version: raw.format_version,
      terraform_version: raw.terraform_version,
      resource_changes: changes,
      ...(moduleConfig === undefined ? {} : { configuration: { root_module: moduleConfig } }),
    },
    `${plan.source}, module.${name}`,
  );
}

/** One line naming the first failed step of a run and Terraform's error output. */
export function describeFailure(run: { readonly name: string; readonly steps: readonly StepResult[] }): string {
  const failed = run.steps.find((s) => !s.ok);
  if (!failed) return `${run.name}: no step failed`;
  return `${run.name}: ${failed.command} failed (exit ${failed.exitCode}):\n${(failed.stderr || failed.stdout).trim()}`;
}
