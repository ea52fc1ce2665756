import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { ConfigError, checkEnvironmentSet, loadEnvironmentFile } from "@sse-kms/config";
import { AnnotationMetadataEntryType, App, type IStackSynthesizer, type ISynthesisSession, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { BLUEPRINTS, type Environment, EnvironmentSchema, buildEnvironment } from "./catalog";

/** The repository root: the nearest folder above `from` that holds cdktf.json. */
export function findRepoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, "cdktf.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no cdktf.json above ${from}: run from inside the sse-kms-blueprints repository`);
    dir = up;
  }
  return dir;
}

/** Every `apps/<env>/environment.json`, sorted by folder name. */
export function environmentFiles(repoRoot: string): string[] {
  const appsDir = join(repoRoot, "apps");
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(appsDir, d.name, "environment.json")))
    .map((d) => join(appsDir, d.name, "environment.json"))
    .sort();
}

/** Loads and validates one environment file with the schema of the registered blueprints. */
export function loadEnvironment(file: string): Environment {
  return loadEnvironmentFile(file, EnvironmentSchema);
}

/**
 * Loads and validates every environment, each file alone and then the set (distinct names,
 * bucket names, aliases per account and region). Throws a ConfigError naming each bad field.
 */
export function loadEnvironments(repoRoot: string): Environment[] {
  const files = environmentFiles(repoRoot).map((f) => ({ file: relative(repoRoot, f), env: loadEnvironment(f) }));
  const problems = checkEnvironmentSet(files, BLUEPRINTS);
  if (problems.length > 0) throw new ConfigError(problems);
  return files.map((f) => f.env);
}

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /** @default "cdktf.out" (or CDKTF_OUTDIR when run by the cdktf CLI) */
  readonly outdir?: string;
  /** Only these environments. @default all */
  readonly environments?: readonly Environment[];
}

/** One annotation (error, warning or info) of a construct, as synth reports it. */
export interface SynthAnnotation {
  readonly level: "error" | "warning" | "info";
  /** Construct path of the annotated construct. */
  readonly path: string;
  readonly message: string;
}

const LEVELS: Readonly<Record<string, SynthAnnotation["level"]>> = {
  [AnnotationMetadataEntryType.ERROR]: "error",
  [AnnotationMetadataEntryType.WARN]: "warning",
  [AnnotationMetadataEntryType.INFO]: "info",
};

/** Every annotation in the tree below `scope` (guardrail findings, construct warnings), in tree order. */
export function annotationsOf(scope: IConstruct): SynthAnnotation[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata.flatMap((m) => {
      const level = LEVELS[m.type];
      return level ? [{ level, path: c.node.path, message: String(m.data) }] : [];
    }),
  );
}

/** One line per annotation: `error: <construct path>: <message>`. */
export function formatAnnotation(a: SynthAnnotation): string {
  return `${a.level}: ${a.path}: ${a.message}`.replace(/\r\n|\r|\n/g, " ");
}

/** Synth found errors (guardrail violations, failed construct validations) in one or more stacks. */
export class SynthError extends Error {
  /** Every error-level annotation of every stack. */
  readonly errors: readonly SynthAnnotation[];
  constructor(errors: readonly SynthAnnotation[]) {
    const stacks = new Set(errors.map((e) => e.path.split("/")[0]));
    super(
      `synth failed: ${errors.length} error${errors.length === 1 ? "" : "s"} in ${stacks.size} stack${stacks.size === 1 ? "" : "s"}\n${errors.map(formatAnnotation).join("\n")}`,
    );
    this.name = "SynthError";
    this.errors = errors;
  }
}

/**
 * Synthesizes one stack through cdktf's own synthesizer, but where that stops at the stack's first
 * failed construct validation or error annotation, it records the problem as error annotations,
 * leaves no `cdk.tf.json` for the stack (not even one of an earlier synth), and lets the app go on
 * with the next stack: one synth lists the errors of every stack.
 */
class ReportingSynthesizer implements IStackSynthesizer {
  constructor(
    private readonly stack: TerraformStack,
    private readonly inner: IStackSynthesizer,
  ) {}

  synthesize(session: ISynthesisSession): void {
    try {
      this.inner.synthesize(session);
    } catch (e) {
      // cdktf threw either for failed validations (it runs them after the aspects) or for error
      // annotations. Validations are plain functions: run them again to record what failed.
      for (const c of this.stack.node.findAll()) {
        for (const message of c.node.validate()) {
          if (!c.node.metadata.some((m) => m.type === AnnotationMetadataEntryType.ERROR && m.data === message))
            c.node.addMetadata(AnnotationMetadataEntryType.ERROR, message);
        }
      }
      if (!annotationsOf(this.stack).some((a) => a.level === "error")) throw e;
      rmSync(join(session.outdir, session.manifest.forStack(this.stack).synthesizedStackPath), { force: true });
    }
  }
}

/** The app of {@link createApp}: `synth()` writes every stack without errors, then throws a {@link SynthError} listing every stack's errors. */
export class BlueprintApp extends App {
  override synth(): void {
    for (const stack of this.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c))) {
      if (!(stack.synthesizer instanceof ReportingSynthesizer)) stack.synthesizer = new ReportingSynthesizer(stack, stack.synthesizer);
    }
    super.synth();
    const errors = annotationsOf(this).filter((a) => a.level === "error");
    if (errors.length > 0) throw new SynthError(errors);
  }

  /** The environment stacks (`<env>-<blueprint>`), by name. */
  get stacks(): TerraformStack[] {
    return this.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c)).sort((a, b) => a.node.id.localeCompare(b.node.id));
  }
}

/** What {@link synthAndReport} returns: the exit code and the lines for stderr. */
export interface SynthReport {
  /** 1 when any stack has an error annotation (those stacks are not written), else 0. */
  readonly exitCode: 0 | 1;
  /** Every warning, then every error, one line each (`warning: <path>: <message>`), then a summary line on failure. */
  readonly lines: readonly string[];
}

/**
 * Synthesizes the app and reports every annotation of every stack, the way `npm run synth` prints
 * them: warnings first, then errors, one line each, no stack traces. Any other error is thrown.
 */
export function synthAndReport(app: BlueprintApp): SynthReport {
  let failed = false;
  try {
    app.synth();
  } catch (e) {
    if (!(e instanceof SynthError)) throw e;
    failed = true;
  }
  const annotations = annotationsOf(app);
  const warnings = annotations.filter((a) => a.level === "warning");
  const errors = annotations.filter((a) => a.level === "error");
  const lines = [...warnings, ...errors].map(formatAnnotation);
  if (!failed) return { exitCode: 0, lines };
  const bad = [...new Set(errors.map((a) => a.path.split("/")[0]))].sort();
  lines.push(`synth failed: errors in ${bad.length} of ${app.stacks.length} stacks (${bad.join(", ")}); fix or suppress them (see the lines above)`);
  return { exitCode: 1, lines };
}

/**
 * The cdktf app with every environment's stacks. Stack traces are off: they hold machine paths.
 *
 * cdktf's construct validations run (our own, such as the key-policy size limit, and cdktf's
 * provider-presence check); only the `cloud` backend's Terraform version check is left out (see
 * `configureBackend` in @sse-kms/stack), so synth needs no Terraform binary.
 */
export function createApp(repoRoot: string, options: CreateAppOptions = {}): BlueprintApp {
  const app = new BlueprintApp({ outdir: options.outdir, stackTraces: false });
  for (const env of options.environments ?? loadEnvironments(repoRoot)) buildEnvironment(app, env);
  return app;
}
