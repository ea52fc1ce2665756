/**
 * `npm run test:live [-- --aws] [--jobs N] [--timeout SECONDS] [stack...]`: the terratest-style
 * lifecycle of each synthesized stack: `terraform apply`, `verify`, a second `terraform plan
 * -detailed-exitcode` that must be empty, `terraform destroy` (always attempted once something was
 * applied). Every Terraform command is bounded by --timeout.
 *
 * Default: against moto_server on loopback, one server per stack (started as the stack's account,
 * multi-account for stacks that assume a role in another account), with fake static keys; prints a
 * `skipped:` line and exits 0 where moto_server or terraform and a provider mirror are missing.
 * `--aws`: against the user's own sandbox account through the standard credential chain (never the
 * instance metadata service); refuses a stack of an environment with `production: true` and refuses
 * in one line without credentials. npm test never runs it against AWS.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CliError, UsageError, parseCliArgs, runCli, wholeNumber } from "@sse-kms/config/args";
import type { StepResult, TerraformSession } from "@sse-kms/testing/terraform";

process.env.AWS_EC2_METADATA_DISABLED = "true";

const USAGE = `npm run test:live -- [--aws] [--jobs <n>] [--timeout <seconds>] [stack...]
For each stack (default: every folder of cdktf.out/stacks): terraform apply, verify, a re-plan that must be empty, terraform destroy.
Default against moto_server on loopback (started and stopped here; "skipped:" where moto_server or terraform is missing).
--aws: against your sandbox account (standard credential chain; refuses production environments).
--jobs: stacks at once (default 2). --timeout: limit of each terraform command (default 600).`;

/** One stack's outcome. */
interface StackOutcome {
  readonly stack: string;
  readonly ok: boolean;
  readonly lines: readonly string[];
  readonly seconds: number;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseCliArgs(argv, { aws: { type: "boolean" }, jobs: { type: "string" }, timeout: { type: "string" } }, { positionals: true });
  const jobs = args.strings.jobs === undefined ? 2 : wholeNumber("jobs", args.strings.jobs, { min: 1, max: 16 });
  const timeoutMs = (args.strings.timeout === undefined ? 600 : wholeNumber("timeout", args.strings.timeout, { min: 10, max: 7200 })) * 1000;
  const aws = args.flags.has("aws");
  for (const s of args.positionals)
    if (!/^[a-z0-9][a-z0-9-]{0,99}$/.test(s)) throw new UsageError(`a stack must be a folder name of cdktf.out/stacks (got ${JSON.stringify(s)})`);
  const { findRepoRoot } = await import("@sse-kms/blueprint-catalog");
  const root = findRepoRoot(process.cwd());
  const stacksDir = join(root, "cdktf.out", "stacks");
  const all = existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [];
  const stacks = args.positionals.length > 0 ? [...args.positionals] : all;
  for (const s of stacks) if (!all.includes(s)) throw new CliError(`no synthesized stack ${s} under cdktf.out/stacks (run npm run synth first)`);
  if (stacks.length === 0) throw new CliError("no synthesized stacks under cdktf.out/stacks (run npm run synth first)");

  const { findMotoServer } = await import("@sse-kms/testing/moto");
  if (aws) {
    // A production environment is never a sandbox: the stack's environment is its providers'
    // `environment` default tag (written by the stack from apps/<env>/environment.json).
    for (const s of stacks) {
      const doc = JSON.parse(readFileSync(join(stacksDir, s, "cdk.tf.json"), "utf8")) as {
        provider?: { aws?: Array<{ default_tags?: Array<{ tags?: Record<string, string> }> }> };
      };
      const env = doc.provider?.aws?.[0]?.default_tags?.[0]?.tags?.environment;
      const file = env === undefined ? undefined : join(root, "apps", env, "environment.json");
      if (file === undefined || !existsSync(file))
        throw new CliError(`--aws refuses stack ${s}: cannot tell its environment (no "environment" default tag naming a folder of apps/)`);
      if ((JSON.parse(readFileSync(file, "utf8")) as { production?: boolean }).production === true)
        throw new CliError(
          `--aws refuses stack ${s}: environment ${env} has "production": true (apps/${env}/environment.json); run it against a sandbox environment only`,
        );
    }
    const { credentialChain } = await import("./credentials");
    await credentialChain()();
  } else if (findMotoServer() === undefined) {
    console.log("skipped: test:live: no moto_server on PATH (or SSE_KMS_MOTO_SERVER): the lifecycle against moto did not run");
    return 0;
  }
  const { terraformAvailability, TerraformSession } = await import("@sse-kms/testing/terraform");
  const availability = terraformAvailability();
  if (!availability.available) {
    console.log(`skipped: test:live: ${availability.reason}`);
    return 0;
  }
  const session = new TerraformSession(availability.terraform, availability.mirror, { jobs, passAwsEnvironment: aws });
  const started = Date.now();
  console.log(
    `test:live: ${stacks.length} stacks ${aws ? "against your AWS account (standard credential chain, TLS)" : "against moto_server on loopback (http, fake static keys)"}, ${jobs} at once, each terraform command limited to ${timeoutMs / 1000} s`,
  );
  const outcomes: StackOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < stacks.length) {
      const stack = stacks[next++];
      const json = readFileSync(join(stacksDir, stack, "cdk.tf.json"), "utf8");
      const outcome = aws ? await lifecycleAws(stack, json, session, timeoutMs) : await lifecycleMoto(stack, json, session, timeoutMs);
      for (const l of outcome.lines) console.log(`${stack}: ${l}`);
      console.log(`${stack}: ${outcome.ok ? "PASS" : "FAIL"} (${outcome.seconds.toFixed(0)} s)`);
      outcomes.push(outcome);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, stacks.length) }, worker));
  } finally {
    session.dispose();
  }
  const failed = outcomes.filter((o) => !o.ok);
  console.log(
    `test:live: ${outcomes.length} stacks ran, ${outcomes.length - failed.length} passed, ${failed.length} failed${failed.length ? ` (${failed.map((o) => o.stack).join(", ")})` : ""}; wall ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return failed.length > 0 ? 1 : 0;
}

type Session = TerraformSession;
type Step = StepResult;

/** The slowest resources of an apply or destroy (`aws_kms_key.data: Creation complete after 1m2s`), for the timing line. */
export function slowest(stdout: string, count = 3): string {
  const seconds = (t: string) => [...t.matchAll(/(\d+)([hms])/g)].reduce((n, m) => n + Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1), 0);
  const done = [...stdout.matchAll(/^(\S+): (?:Creation|Destruction|Modifications) complete after (\w+)/gm)].map((m) => ({ address: m[1], s: seconds(m[2]) }));
  return done
    .sort((a, b) => b.s - a.s)
    .slice(0, count)
    .map((d) => `${d.address} ${d.s} s`)
    .join(", ");
}

const tail = (s: Step) =>
  (s.stderr.trim() || s.stdout.trim())
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(-12)
    .map((l) => `    ${l}`)
    .join("\n");

async function lifecycleMoto(stack: string, json: string, session: Session, timeoutMs: number): Promise<StackOutcome> {
  const { applyStackAgainstMoto, motoServerOptionsFor, startMotoServer } = await import("@sse-kms/testing/moto");
  const t0 = Date.now();
  const lines: string[] = [];
  let ok = true;
  const options = motoServerOptionsFor(json);
  const moto = await startMotoServer(options);
  lines.push(
    `moto_server ${moto.endpoint} as ${options.multiAccount ? `accounts by access key (multi-account; stack account ${options.accountId})` : `account ${moto.accountId}`}`,
  );
  try {
    // Buckets the stack adopts exist in a real account; in an empty moto they are created first.
    const { adoptedBuckets, seedAdoptedBuckets } = await import("./adopted-buckets");
    const adopted = adoptedBuckets(json);
    if (adopted.length > 0)
      lines.push(`adopted buckets created in moto first (legacy shape): ${adopted.map((b) => `${b.bucket} (${b.imports.join(", ")})`).join("; ")}`);
    const prepare = (credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }) =>
      seedAdoptedBuckets(adopted, moto.endpoint, credentials);
    const run = await applyStackAgainstMoto(json, { moto, session, name: stack, timeoutMs, prepare });
    for (const s of run.steps)
      lines.push(
        `${s.command.split(" ").slice(0, 2).join(" ")}: exit ${s.exitCode} (${s.seconds.toFixed(0)} s${s.command.includes(" apply") && slowest(s.stdout) ? `; slowest: ${slowest(s.stdout)}` : ""})${s.ok ? "" : `\n${tail(s)}`}`,
      );
    const applied = run.steps.length === 2;
    if (!run.ok) ok = false;
    if (run.ok) {
      const v0 = Date.now();
      const { verifyStack } = await import("./verify");
      const { formatFinding } = await import("./compare");
      const credentials = async () => run.credentials;
      try {
        const result = await verifyStack(json, { credentials, endpoint: moto.endpoint });
        for (const f of result.findings) if (f.kind === "difference") lines.push(`verify ${formatFinding(f)}`);
        const byGap = new Map<string, number>();
        for (const f of result.findings.filter((x) => x.kind === "tolerated")) {
          const id = /moto gap ([\w-]+)/.exec(f.message)?.[1] ?? "?";
          byGap.set(id, (byGap.get(id) ?? 0) + 1);
        }
        for (const [id, n] of byGap) lines.push(`verify tolerated: moto gap ${id} (${n} finding${n === 1 ? "" : "s"})`);
        lines.push(
          `verify: ${result.differences} difference(s), ${result.findings.filter((f) => f.kind === "tolerated").length} tolerated moto gap(s), ${result.findings.filter((f) => f.kind === "note").length} note(s) (${((Date.now() - v0) / 1000).toFixed(0)} s)`,
        );
        if (result.differences > 0) ok = false;
      } catch (e) {
        ok = false;
        lines.push(`verify: error: ${(e as Error).message}`);
      }
      const plan = await run.plan();
      lines.push(`terraform plan -detailed-exitcode: exit ${plan.exitCode} (${plan.seconds.toFixed(0)} s)${plan.exitCode === 0 ? ": empty" : ""}`);
      if (plan.exitCode === 2) {
        // A non-empty re-plan passes only where every changed attribute is a listed moto gap.
        const { motoPlanGap, planChanges } = await import("./moto-gaps");
        const shown = await session.run(run.work.dir, ["show", "-json", "replan.tfplan"], { timeoutMs });
        const changes = shown.ok ? planChanges(shown.stdout) : [];
        if (!shown.ok || changes.length === 0) ok = false;
        for (const c of changes) {
          const gap = motoPlanGap(c.type, c.path, c.before, c.after);
          if (!gap) ok = false;
          lines.push(
            `  re-plan ${gap ? `tolerated (moto gap ${gap.id})` : "difference"}: ${c.address} ${c.actions.join("/")}${c.path ? ` ${c.path}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}` : ""}`,
          );
        }
      } else if (plan.exitCode !== 0) {
        ok = false;
        lines.push(tail(plan));
      }
    }
    if (applied) {
      const d = await run.destroy();
      lines.push(
        `terraform destroy: exit ${d.exitCode} (${d.seconds.toFixed(0)} s${slowest(d.stdout) ? `; slowest: ${slowest(d.stdout)}` : ""})${d.ok ? "" : `\n${tail(d)}`}`,
      );
      if (!d.ok) ok = false;
    }
  } catch (e) {
    ok = false;
    lines.push(`error: ${(e as Error).message}`);
  } finally {
    await moto.stop();
  }
  return { stack, ok, lines, seconds: (Date.now() - t0) / 1000 };
}

async function lifecycleAws(stack: string, json: string, session: Session, timeoutMs: number): Promise<StackOutcome> {
  const t0 = Date.now();
  const lines: string[] = [];
  const { credentialChain } = await import("./credentials");
  // The stack's own providers and account checks, state in the temporary copy (never the team's backend).
  const override = `${JSON.stringify({ terraform: { backend: { local: { path: "terraform.tfstate" } } } }, null, 2)}\n`;
  const work = session.workdir(stack, json, {}, override);
  const run = (a: readonly string[]) => session.run(work.dir, a, { timeoutMs });
  let ok = true;
  const init = await run(["init", "-input=false", "-no-color"]);
  lines.push(`terraform init: exit ${init.exitCode}${init.ok ? "" : `\n${tail(init)}`}`);
  if (!init.ok) return { stack, ok: false, lines, seconds: (Date.now() - t0) / 1000 };
  const apply = await run(["apply", "-auto-approve", "-input=false", "-no-color"]);
  lines.push(`terraform apply: exit ${apply.exitCode} (${apply.seconds.toFixed(0)} s)${apply.ok ? "" : `\n${tail(apply)}`}`);
  if (!apply.ok) ok = false;
  else {
    const { verifyStack } = await import("./verify");
    const { formatFinding } = await import("./compare");
    const result = await verifyStack(json, { credentials: credentialChain() });
    for (const f of result.findings) lines.push(`verify ${formatFinding(f)}`);
    if (result.differences > 0) ok = false;
    const plan = await run(["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    lines.push(`terraform plan -detailed-exitcode: exit ${plan.exitCode}${plan.exitCode === 0 ? ": empty" : `\n${tail(plan)}`}`);
    if (plan.exitCode !== 0) ok = false;
  }
  lines.push(
    "destroy: the stack's prevent_destroy and force_destroy=false stay as configured against AWS; destroy runs, and a protected resource stops it (remove the sandbox stack's resources by hand then)",
  );
  const d = await run(["destroy", "-auto-approve", "-input=false", "-no-color"]);
  lines.push(`terraform destroy: exit ${d.exitCode} (${d.seconds.toFixed(0)} s)${d.ok ? "" : `\n${tail(d)}`}`);
  if (!d.ok) ok = false;
  return { stack, ok, lines, seconds: (Date.now() - t0) / 1000 };
}

runCli("test:live", USAGE, main);
