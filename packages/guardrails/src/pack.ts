/**
 * The guardrail pack: a cdktf Aspect that, at synth, resolves the stack exactly as it will be written
 * (`stack.toTerraform()`), runs every rule over every resource and provider block, and reports each
 * finding as an annotation on its construct, cdk-nag style: an error (fails synth) per violation, a
 * warning per advisory, each one line with the rule id, what is wrong, how to fix it or suppress it.
 *
 *     Aspects.of(stack).add(new GuardrailPack({ production: env.production }));
 */
import { AnnotationMetadataEntryType, Annotations, type IAspect, TerraformElement, TerraformProvider, TerraformStack } from "cdktf";
import { Aspects } from "cdktf";
import type { IConstruct } from "constructs";
import { contextFromStackJson } from "./context";
import { ALL_RULES } from "./all-rules";
import { SUPPRESSIONS_JSON_KEY, declaredOn, suppressionProblem, suppressionsFor } from "./suppressions";
import type { Finding, FindingLevel, GuardrailRule, JsonObject, RuleContext, RuleResult, Suppression, SynthesizedResource } from "./types";

/** Properties of a {@link GuardrailPack}. */
export interface GuardrailPackProps {
  /** Production stacks get the stricter thresholds (deletion window 30, prevent_destroy). @default false */
  readonly production?: boolean;
  /** The rules to run. @default ALL_RULES */
  readonly rules?: readonly GuardrailRule[];
}

/** What one evaluation found. */
export interface GuardrailReport {
  readonly stackName: string;
  /** Every non-"not-applicable" outcome, in stack order then rule order. */
  readonly findings: readonly Finding[];
  /** Error-level non-compliant findings without a suppression: these fail synth. */
  readonly violations: readonly Finding[];
  /** Warning-level non-compliant findings without a suppression: reported, synth goes on. */
  readonly advisories: readonly Finding[];
  /** Non-compliant findings silenced by a suppression. */
  readonly suppressed: readonly Finding[];
  /** Suppressions declared in the evaluated scope that silenced nothing. */
  readonly unusedSuppressions: readonly Suppression[];
  /** Unusable suppressions (malformed, or naming a rule the pack does not have): these fail synth. */
  readonly suppressionProblems: readonly { readonly path: string; readonly message: string }[];
}

/** Whether a rule looks at a block. */
export function ruleAppliesTo(rule: GuardrailRule, resource: SynthesizedResource): boolean {
  return rule.appliesTo.includes(resource.type) || (rule.appliesTo.includes("*") && resource.kind === "resource");
}

/**
 * Whether a rule has anything to check in a stack holding these block types (`SynthesizedResource.type`):
 * one of its `appliesTo` types is present (any resource for `*`), and one of its `needsInStack`
 * types when it declares them. Tests use it to expect a finding from exactly these rules.
 */
export function ruleIsRelevant(rule: GuardrailRule, types: ReadonlySet<string>): boolean {
  const applies = rule.appliesTo.some((t) => (t === "*" ? [...types].some((x) => !x.startsWith("data.") && !x.startsWith("provider.")) : types.has(t)));
  return applies && (rule.needsInStack === undefined || rule.needsInStack.length === 0 || rule.needsInStack.some((t) => types.has(t)));
}

function normalize(result: RuleResult | RuleResult["status"]): RuleResult {
  return typeof result === "string" ? { status: result } : result;
}

/** Runs rules over a rule context (plain JSON is enough: no constructs needed). */
export function evaluateContext(
  ctx: RuleContext,
  rules: readonly GuardrailRule[] = ALL_RULES,
  options: { inScope?: (r: SynthesizedResource) => boolean; suppressionsOf?: (r: SynthesizedResource) => readonly Suppression[] } = {},
): Finding[] {
  const findings: Finding[] = [];
  // The rules that look at each kind of block, worked out once per block type.
  const rulesByType = new Map<string, readonly GuardrailRule[]>();
  for (const resource of ctx.resources) {
    if (options.inScope && !options.inScope(resource)) continue;
    const key = `${resource.kind}:${resource.type}`;
    let applicable = rulesByType.get(key);
    if (applicable === undefined) {
      applicable = rules.filter((rule) => ruleAppliesTo(rule, resource));
      rulesByType.set(key, applicable);
    }
    for (const rule of applicable) {
      let result: RuleResult;
      let crashed = false;
      try {
        result = normalize(rule.check(resource, ctx));
      } catch (e) {
        // A broken rule is a finding on the block it broke on, not an abort of the whole synth.
        crashed = true;
        result = { status: "non-compliant", detail: `the rule crashed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
      }
      if (result.status === "not-applicable") continue;
      const suppression = result.status === "non-compliant" ? options.suppressionsOf?.(resource).find((s) => s.ruleId === rule.id) : undefined;
      findings.push({
        ruleId: rule.id,
        status: result.status,
        level: crashed ? "error" : (rule.level ?? "error"),
        ...(crashed ? { crashed } : {}),
        address: resource.address,
        path: resource.path,
        ...(result.detail !== undefined ? { detail: result.detail } : {}),
        ...(suppression ? { suppression } : {}),
      });
    }
  }
  return findings;
}

/** Construct paths of provider blocks (their JSON carries no `//` metadata), by address. */
function providerPaths(stack: TerraformStack): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of stack.node.findAll()) {
    if (!TerraformProvider.isTerraformProvider(c)) continue;
    const alias = c.alias;
    const address = alias ? `provider.${c.terraformResourceType}.${alias}` : `provider.${c.terraformResourceType}`;
    out.set(address, c.node.path);
  }
  return out;
}

function isWithin(path: string, scopePath: string): boolean {
  return scopePath === "" || path === scopePath || path.startsWith(`${scopePath}/`);
}

/**
 * Evaluates the guardrails for a stack (or the part of it below `scope`) as it would synthesize now,
 * records the suppressions that silenced findings into the resources' `//` metadata (overrides: a
 * later resolution writes them), and warns about suppressions that silence nothing. Does not throw
 * on violations: {@link GuardrailPack} and {@link GuardedSynthesizer} report them.
 *
 * `resolved` is the stack as it will be written, when the caller has resolved it already
 * (GuardedSynthesizer hands over the resolution cdktf writes); @default `stack.toTerraform()`.
 */
export function evaluateStack(scope: IConstruct, props: GuardrailPackProps = {}, resolved?: JsonObject): GuardrailReport {
  const stack = TerraformStack.of(scope);
  const rules = props.rules ?? ALL_RULES;
  const ruleIds = new Set(rules.map((r) => r.id));
  const scopePath = scope === stack ? stack.node.path : scope.node.path;

  // Every suppression that can affect the scope: declared below it, or on an ancestor.
  const declarations = [...scope.node.scopes.slice(0, -1), ...scope.node.findAll()].flatMap((c) => declaredOn(c));
  const suppressionProblems = declarations.flatMap((d) => {
    const problem = suppressionProblem(d.declaredAt, d.ruleId, d.reason);
    if (problem) return [{ path: d.declaredAt, message: problem }];
    return ruleIds.has(d.ruleId as string)
      ? []
      : [{ path: d.declaredAt, message: `${d.declaredAt}: suppression names unknown guardrail rule ${String(d.ruleId)} (known: ${[...ruleIds].join(", ")})` }];
  });

  const json = resolved ?? (stack.toTerraform() as JsonObject);
  const ctx = contextFromStackJson(json, { stackName: stack.node.id, production: props.production ?? false, paths: providerPaths(stack) });
  const elements = new Map<string, TerraformElement>();
  for (const c of stack.node.findAll()) if (TerraformElement.isTerraformElement(c)) elements.set(c.node.path, c);

  const findings = evaluateContext(ctx, rules, {
    inScope: (r) => isWithin(r.path, scopePath),
    suppressionsOf: (r) => {
      const element = elements.get(r.path);
      return element ? suppressionsFor(element) : [];
    },
  });
  const violations = findings.filter((f) => f.status === "non-compliant" && !f.suppression && f.level === "error");
  const advisories = findings.filter((f) => f.status === "non-compliant" && !f.suppression && f.level === "warning");
  const suppressed = findings.filter((f) => f.suppression !== undefined);

  // Record every silenced finding on its block, for auditors (listSuppressions).
  const byPath = new Map<string, Finding[]>();
  for (const f of suppressed) byPath.set(f.path, [...(byPath.get(f.path) ?? []), f]);
  for (const [path, list] of byPath) {
    elements.get(path)?.addOverride(
      `//.${SUPPRESSIONS_JSON_KEY}`,
      list.map((f) => ({ rule: f.ruleId, reason: f.suppression?.reason, declaredAt: f.suppression?.declaredAt, finding: f.detail ?? "non-compliant" })),
    );
  }
  const used = new Set(suppressed.map((f) => `${f.suppression?.declaredAt}\u0000${f.suppression?.ruleId}`));
  const unusedSuppressions = declarations
    .filter((d) => isWithin(d.declaredAt, scopePath) && !used.has(`${d.declaredAt}\u0000${String(d.ruleId)}`))
    .map((d) => ({ ruleId: String(d.ruleId), reason: String(d.reason), declaredAt: d.declaredAt }));
  return { stackName: stack.node.id, findings, violations, advisories, suppressed, unusedSuppressions, suppressionProblems };
}

/** The suppression hint every finding carries. */
function suppressHint(ruleId: string): string {
  return `Or suppress, with a reason of at least 10 characters: suppress(<construct>, "${ruleId}", "<why this is acceptable here>") from @sse-kms/guardrails`;
}

/**
 * A finding as one line (the annotation's message; the annotation carries the construct path):
 * `[SKB-S3-1] aws_s3_bucket.x: <what is wrong>. Found: <detail>. Fix: <fix>. Or suppress ...`.
 */
export function formatFinding(finding: Finding, rules: readonly GuardrailRule[] = ALL_RULES): string {
  const rule = rules.find((r) => r.id === finding.ruleId);
  const where = `[${finding.ruleId}] ${finding.address}:`;
  if (finding.crashed) {
    return `${where} ${finding.detail ?? "the rule crashed"}. The rule, not necessarily the stack, is at fault: report it to the rule's owner. ${suppressHint(finding.ruleId)}`;
  }
  const parts = [`${where} ${rule?.description ?? finding.ruleId}`];
  if (finding.detail) parts.push(`Found: ${finding.detail}.`);
  if (rule?.fix) parts.push(`Fix: ${rule.fix}`);
  parts.push(suppressHint(finding.ruleId));
  return parts.join(" ").replace(/\r\n|\r|\n/g, " ");
}

/** Adds an annotation unless the construct carries the same one already (a second synth adds nothing). */
function annotate(construct: IConstruct, level: FindingLevel, message: string): void {
  const type = level === "error" ? AnnotationMetadataEntryType.ERROR : AnnotationMetadataEntryType.WARN;
  if (construct.node.metadata.some((m) => m.type === type && m.data === message)) return;
  if (level === "error") Annotations.of(construct).addError(message);
  else Annotations.of(construct).addWarning(message);
}

/**
 * Records a report as annotations, the way cdk-nag does: an error annotation per violation and per
 * unusable suppression, a warning per advisory and per suppression that silences nothing, each on
 * the construct it is about. cdktf's synthesizer then fails a stack that carries an error annotation;
 * `createApp` (apps/catalog) lists every stack's annotations in one synth.
 */
export function annotateReport(scope: IConstruct, report: GuardrailReport, rules: readonly GuardrailRule[] = ALL_RULES): void {
  const byPath = new Map<string, IConstruct>();
  for (const c of [...scope.node.scopes, ...scope.node.findAll()]) byPath.set(c.node.path, c);
  const stack = TerraformStack.of(scope);
  const at = (path: string): IConstruct => byPath.get(path) ?? stack;
  for (const f of report.violations) annotate(at(f.path), "error", formatFinding(f, rules));
  for (const f of report.advisories) annotate(at(f.path), "warning", formatFinding(f, rules));
  for (const p of report.suppressionProblems) annotate(at(p.path), "error", p.message);
  for (const u of report.unusedSuppressions) {
    annotate(at(u.declaredAt), "warning", `guardrail suppression of ${u.ruleId} silences nothing here: remove it (reason given: ${u.reason})`);
  }
}

/** The construct visited last in a pre-order walk of the subtree (cdktf invokes aspects pre-order). */
function lastInPreorder(root: IConstruct): IConstruct {
  let node = root;
  for (let children = node.node.children; children.length > 0; children = node.node.children) {
    node = children[children.length - 1] as IConstruct;
  }
  return node;
}

/** Runs the evaluation when the walk reaches the last construct: after every other aspect has run. */
class DeferredEvaluation implements IAspect {
  constructor(
    private readonly pack: GuardrailPack,
    private readonly root: IConstruct,
    readonly leaf: IConstruct,
  ) {}

  visit(node: IConstruct): void {
    if (node === this.leaf && !this.pack.standsAsideFor(this.root)) this.pack.evaluate(this.root);
  }
}

/**
 * The rule pack as an Aspect. Add it to a stack; it evaluates the whole stack once per synth (or the
 * subtree it was added to, when added below a stack), and records every finding as an annotation on
 * the construct it is about: errors for violations (cdktf then fails the stack's synth), warnings for
 * advisories.
 *
 * The evaluation is deferred to the last construct of the walk, so it sees the stack after every
 * other aspect has changed it, and resolving the stack early cannot freeze logical ids that a later
 * aspect overrides.
 */
export class GuardrailPack implements IAspect {
  readonly production: boolean;
  readonly rules: readonly GuardrailRule[];
  private readonly deferred = new WeakMap<IConstruct, DeferredEvaluation>();
  /** Stacks being synthesized by a {@link GuardedSynthesizer} of this pack: it evaluates them, the aspect does not. */
  private readonly evaluatedBySynthesizer = new WeakSet<IConstruct>();

  constructor(props: GuardrailPackProps = {}) {
    this.production = props.production ?? false;
    this.rules = props.rules ?? ALL_RULES;
  }

  visit(node: IConstruct): void {
    if (!this.isEvaluationRoot(node) || this.standsAsideFor(node)) return;
    const leaf = lastInPreorder(node);
    if (leaf === node) {
      this.evaluate(node);
      return;
    }
    if (this.deferred.get(node)?.leaf !== leaf) {
      const deferred = new DeferredEvaluation(this, node, leaf);
      this.deferred.set(node, deferred);
      Aspects.of(leaf).add(deferred);
    }
  }

  /**
   * Evaluates the scope (on `resolved`, the stack as it will be written, if given; else on its own
   * resolution) and records the findings as annotations ({@link annotateReport}).
   */
  evaluate(scope: IConstruct, resolved?: JsonObject): GuardrailReport {
    const report = evaluateStack(scope, { production: this.production, rules: this.rules }, resolved);
    annotateReport(scope, report, this.rules);
    return report;
  }

  /**
   * Runs `synthesize` with the aspect standing aside for `stack`: a {@link GuardedSynthesizer}
   * evaluates this pack on the resolution it writes, so the aspect's own resolution is not needed.
   */
  standAsideWhile<T>(stack: TerraformStack, synthesize: () => T): T {
    this.evaluatedBySynthesizer.add(stack);
    try {
      return synthesize();
    } finally {
      this.evaluatedBySynthesizer.delete(stack);
    }
  }

  /** Whether a {@link GuardedSynthesizer} of this pack is synthesizing the stack of `scope` (and evaluates it itself). */
  standsAsideFor(scope: IConstruct): boolean {
    return this.evaluatedBySynthesizer.has(TerraformStack.of(scope));
  }

  /** The stack itself, or the highest construct of a stack the pack was added to directly. */
  private isEvaluationRoot(node: IConstruct): boolean {
    if (TerraformStack.isStack(node)) return true;
    // Every construct of the stack is visited: the cheap test first (almost none carry the pack).
    if (!Aspects.of(node).all.includes(this)) return false;
    const scopes = node.node.scopes;
    const stackIndex = scopes.findIndex((s) => TerraformStack.isStack(s));
    if (stackIndex < 0) return false;
    return scopes.slice(stackIndex, -1).every((s) => !Aspects.of(s).all.includes(this));
  }
}
