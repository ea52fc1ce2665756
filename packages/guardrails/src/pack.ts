/**
 * The guardrail pack: a cdktf Aspect that, at synth, resolves the stack exactly as it will be written
 * (`stack.toTerraform()`), runs every rule over every resource and provider block, and fails synth
 * with one error listing every violation (construct path, rule id, what is wrong, why it matters,
 * how to fix it or suppress it).
 *
 *     Aspects.of(stack).add(new GuardrailPack({ production: env.production }));
 */
import { Annotations, type IAspect, TerraformElement, TerraformProvider, TerraformStack } from "cdktf";
import { Aspects } from "cdktf";
import type { IConstruct } from "constructs";
import { contextFromStackJson } from "./context";
import { ALL_RULES } from "./rules";
import {
  GuardrailSuppressionError,
  SUPPRESSIONS_JSON_KEY,
  declaredOn,
  suppressionProblem,
  suppressionsFor,
} from "./suppressions";
import type { Finding, GuardrailRule, JsonObject, RuleContext, RuleResult, Suppression, SynthesizedResource } from "./types";

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
  /** Non-compliant findings without a suppression: these fail synth. */
  readonly violations: readonly Finding[];
  /** Non-compliant findings silenced by a suppression. */
  readonly suppressed: readonly Finding[];
  /** Suppressions declared in the evaluated scope that silenced nothing. */
  readonly unusedSuppressions: readonly Suppression[];
}

/** Synth fails with this when a stack violates guardrails; the message is the full report. */
export class GuardrailViolationError extends Error {
  constructor(
    readonly stackName: string,
    readonly violations: readonly Finding[],
    rules: readonly GuardrailRule[],
  ) {
    super(formatViolations(stackName, violations, rules));
    this.name = "GuardrailViolationError";
  }
}

/** Whether a rule looks at a block. */
export function ruleAppliesTo(rule: GuardrailRule, resource: SynthesizedResource): boolean {
  return rule.appliesTo.includes(resource.type) || (rule.appliesTo.includes("*") && resource.kind === "resource");
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
  for (const resource of ctx.resources) {
    if (options.inScope && !options.inScope(resource)) continue;
    for (const rule of rules) {
      if (!ruleAppliesTo(rule, resource)) continue;
      let result: RuleResult;
      try {
        result = normalize(rule.check(resource, ctx));
      } catch (e) {
        throw new Error(`guardrail ${rule.id} failed on ${resource.path} (${resource.address}): ${(e as Error).message}`);
      }
      if (result.status === "not-applicable") continue;
      const suppression =
        result.status === "non-compliant" ? options.suppressionsOf?.(resource).find((s) => s.ruleId === rule.id) : undefined;
      findings.push({
        ruleId: rule.id,
        status: result.status,
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
 * records the suppressions that silenced findings into the resources' `//` metadata, and warns about
 * suppressions that silence nothing. Does not throw on violations: {@link GuardrailPack} does.
 */
export function evaluateStack(scope: IConstruct, props: GuardrailPackProps = {}): GuardrailReport {
  const stack = TerraformStack.of(scope);
  const rules = props.rules ?? ALL_RULES;
  const ruleIds = new Set(rules.map((r) => r.id));
  const scopePath = scope === stack ? stack.node.path : scope.node.path;

  // Every suppression that can affect the scope: declared below it, or on an ancestor.
  const declarations = [...scope.node.scopes.slice(0, -1), ...scope.node.findAll()].flatMap((c) => declaredOn(c));
  const problems = declarations.flatMap((d) => {
    const problem = suppressionProblem(d.declaredAt, d.ruleId, d.reason);
    if (problem) return [problem];
    return ruleIds.has(d.ruleId as string) ? [] : [`${d.declaredAt}: suppression names unknown guardrail rule ${String(d.ruleId)} (known: ${[...ruleIds].join(", ")})`];
  });
  if (problems.length > 0) throw new GuardrailSuppressionError(`Invalid guardrail suppressions in stack ${stack.node.id}:\n  ${problems.join("\n  ")}`);

  const json = stack.toTerraform() as JsonObject;
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
  const violations = findings.filter((f) => f.status === "non-compliant" && !f.suppression);
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
  // Nothing changed the stack since it was resolved above (the pack runs after every other aspect):
  // hand that resolution to the synthesizer's next toTerraform() instead of resolving every token
  // a third time (about a tenth of synth). With recorded suppressions the output differs: no reuse.
  if (byPath.size === 0 && scope === stack) reuseOnce(stack, json);

  const used = new Set(suppressed.map((f) => `${f.suppression?.declaredAt}\u0000${f.suppression?.ruleId}`));
  const unusedSuppressions = declarations
    .filter((d) => isWithin(d.declaredAt, scopePath) && !used.has(`${d.declaredAt}\u0000${String(d.ruleId)}`))
    .map((d) => ({ ruleId: String(d.ruleId), reason: String(d.reason), declaredAt: d.declaredAt }));
  for (const u of unusedSuppressions) {
    const construct = scope.node.findAll().find((c) => c.node.path === u.declaredAt);
    if (construct) {
      Annotations.of(construct).addWarning(`guardrail suppression of ${u.ruleId} silences nothing here: remove it (reason given: ${u.reason})`);
    }
  }
  return { stackName: stack.node.id, findings, violations, suppressed, unusedSuppressions };
}

/** The next `stack.toTerraform()` returns `json` (a one-shot instance override), then resolution works as before. */
function reuseOnce(stack: TerraformStack, json: JsonObject): void {
  const instance = stack as unknown as { toTerraform: () => unknown };
  instance.toTerraform = () => {
    delete (instance as Partial<typeof instance>).toTerraform;
    return json;
  };
}

/** The human-readable report of violations (what synth prints). */
export function formatViolations(stackName: string, violations: readonly Finding[], rules: readonly GuardrailRule[] = ALL_RULES): string {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const lines = [`Guardrails: ${violations.length} violation${violations.length === 1 ? "" : "s"} in stack ${stackName}`];
  for (const v of violations) {
    const rule = byId.get(v.ruleId);
    lines.push(
      "",
      `[${v.ruleId}] ${v.path} (${v.address})`,
      `  What:  ${rule?.description ?? v.ruleId}${v.detail ? `\n  Found: ${v.detail}` : ""}`,
      `  Why:   ${rule?.rationale ?? ""}`,
      `  Fix:   ${rule?.fix ?? ""}`,
      `  Or suppress, with a reason of at least 10 characters: suppress(<construct>, "${v.ruleId}", "<why this is acceptable here>") from @sse-kms/guardrails`,
    );
  }
  return lines.join("\n");
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
    if (node === this.leaf) this.pack.evaluate(this.root);
  }
}

/**
 * The rule pack as an Aspect. Add it to a stack; it evaluates the whole stack once per synth (or the
 * subtree it was added to, when added below a stack), and throws a {@link GuardrailViolationError}
 * listing every violation.
 *
 * The evaluation is deferred to the last construct of the walk, so it sees the stack after every
 * other aspect has changed it, and resolving the stack early cannot freeze logical ids that a later
 * aspect overrides.
 */
export class GuardrailPack implements IAspect {
  readonly production: boolean;
  readonly rules: readonly GuardrailRule[];
  private readonly deferred = new WeakMap<IConstruct, DeferredEvaluation>();

  constructor(props: GuardrailPackProps = {}) {
    this.production = props.production ?? false;
    this.rules = props.rules ?? ALL_RULES;
  }

  visit(node: IConstruct): void {
    if (!this.isEvaluationRoot(node)) return;
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

  /** Evaluates the scope now and throws on violations. */
  evaluate(scope: IConstruct): void {
    const report = evaluateStack(scope, { production: this.production, rules: this.rules });
    if (report.violations.length > 0) throw new GuardrailViolationError(report.stackName, report.violations, this.rules);
  }

  /** The stack itself, or the highest construct of a stack the pack was added to directly. */
  private isEvaluationRoot(node: IConstruct): boolean {
    if (TerraformStack.isStack(node)) return true;
    const scopes = node.node.scopes;
    const stackIndex = scopes.findIndex((s) => TerraformStack.isStack(s));
    if (stackIndex < 0) return false;
    if (!Aspects.of(node).all.includes(this)) return false;
    return scopes.slice(stackIndex, -1).every((s) => !Aspects.of(s).all.includes(this));
  }
}
