/**
 * Applies a synthesized stack to `moto_server` with the real Terraform CLI and the aws provider from
 * the local mirror, in a temporary copy ({@link TerraformSession.workdir}) whose override points
 * every provider at moto ({@link motoOverride}). Every Terraform command is bounded by a timeout, so
 * a provider retry loop against an emulator that never converges fails the run instead of hanging it.
 * Used by `npm run test:live` (tools/live) and by adoption tests that apply to buckets made in moto.
 */
import { arnAccount, arnRegExp } from "@sse-kms/config";
import type { StackWorkdir, StepResult, TerraformSession } from "../terraform/session";
import { motoOverride } from "./override";
import type { MotoServer, MotoServerOptions } from "./server";

interface ProviderBlock {
  alias?: string;
  region?: string;
  allowed_account_ids?: string[];
  assume_role?: Array<{ role_arn?: string }>;
}

/** One AWS provider block of a stack, and the account its resources live in. */
export interface StackProvider {
  /** `undefined` for the default provider. */
  readonly alias?: string;
  readonly region: string;
  /** The account: the role's account when the provider assumes a role, else its `allowed_account_ids[0]`. */
  readonly accountId?: string;
  /** The role the provider assumes, if any. */
  readonly roleArn?: string;
}

const ROLE_ARN = arnRegExp("iam", "", "role/.+");

/** The AWS provider blocks of a synthesized stack (`provider.aws`). */
export function stackProviders(stackJson: string): readonly StackProvider[] {
  const doc = JSON.parse(stackJson) as { provider?: { aws?: ProviderBlock[] } };
  return (doc.provider?.aws ?? [{}]).map((p) => {
    const roleArn = p.assume_role?.[0]?.role_arn;
    const roleAccount = roleArn !== undefined && ROLE_ARN.test(roleArn) ? arnAccount(roleArn) : undefined;
    return {
      ...(p.alias === undefined ? {} : { alias: p.alias }),
      region: p.region ?? "us-east-1",
      ...((roleAccount ?? p.allowed_account_ids?.[0]) ? { accountId: roleAccount ?? p.allowed_account_ids?.[0] } : {}),
      ...(roleArn ? { roleArn } : {}),
    };
  });
}

/**
 * How to start moto for a stack: as the default provider's account; in multi-account mode when the
 * stack's providers live in more than one account (a provider assuming a role in another account:
 * with `MOTO_ACCOUNT_ID` set, moto would ignore the assumed role's credentials and put everything in
 * one account, see {@link MotoServerOptions.multiAccount}).
 */
export function motoServerOptionsFor(stackJson: string): MotoServerOptions {
  const providers = stackProviders(stackJson);
  const main = providers.find((p) => p.alias === undefined) ?? providers[0];
  const accounts = new Set(providers.map((p) => p.accountId).filter((a) => a !== undefined));
  return { ...(main?.accountId ? { accountId: main.accountId } : {}), multiAccount: accounts.size > 1 };
}

/** Options of {@link applyStackAgainstMoto}. */
export interface MotoApplyOptions {
  /** The running server (see {@link motoServerOptionsFor} for how to start it). */
  readonly moto: MotoServer;
  /** The session whose temporary root holds the working copy. */
  readonly session: TerraformSession;
  /** The working copy's folder name. */
  readonly name: string;
  /** Extra files of the copy (e.g. an `imports.tf.json`). @default none */
  readonly files?: Readonly<Record<string, string>>;
  /** Limit of each Terraform command, in milliseconds. @default 600000 */
  readonly timeoutMs?: number;
  /** Lift `prevent_destroy` in the copy so that {@link MotoStackRun.destroy} can run. @default true */
  readonly allowDestroy?: boolean;
  /**
   * Runs before `terraform init`, with the keys the providers will use: e.g. create in moto the
   * buckets that the stack's `import` blocks adopt. @default nothing
   */
  readonly prepare?: (credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }) => Promise<void>;
}

/** A stack applied to moto (or as far as it got). */
export interface MotoStackRun {
  readonly work: StackWorkdir;
  /** `terraform init` and `terraform apply`, as far as they got. */
  readonly steps: readonly StepResult[];
  /** Whether init and apply succeeded. */
  readonly ok: boolean;
  /** The static keys the providers used (the default provider's account). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** `terraform plan -detailed-exitcode -out=replan.tfplan`: exit 0 when nothing would change, 2 when something would. */
  plan(): Promise<StepResult>;
  /** `terraform destroy -auto-approve`. */
  destroy(): Promise<StepResult>;
  /** `terraform show -json` of the state. */
  state(): Promise<StepResult>;
}

/**
 * Writes the stack's copy with the moto override, then `terraform init` and `terraform apply
 * -auto-approve`; never throws for a Terraform failure (see `ok` and `steps`).
 */
export async function applyStackAgainstMoto(stackJson: string, options: MotoApplyOptions): Promise<MotoStackRun> {
  const { moto, session } = options;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const main = stackProviders(stackJson).find((p) => p.alias === undefined);
  const credentials = moto.multiAccount
    ? await moto.accessKeyFor(main?.accountId ?? moto.accountId)
    : { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
  const override = motoOverride(stackJson, moto.endpoint, { credentials, allowDestroy: options.allowDestroy ?? true });
  const work = session.workdir(options.name, stackJson, options.files ?? {}, override);
  const run = (args: readonly string[]) => session.run(work.dir, args, { timeoutMs });
  const steps: StepResult[] = [];
  if (options.prepare) await options.prepare(credentials);
  const init = await run(["init", "-input=false", "-no-color"]);
  steps.push(init);
  if (init.ok) steps.push(await run(["apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"]));
  return {
    work,
    steps,
    ok: steps.length === 2 && steps.every((s) => s.ok),
    credentials,
    plan: () => run(["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", "-out=replan.tfplan"]),
    destroy: () => run(["destroy", "-auto-approve", "-input=false", "-no-color", "-lock=false"]),
    state: () => run(["show", "-json"]),
  };
}
