/**
 * The shapes every guardrail rule works with: a synthesized resource (the resolved JSON that
 * cdktf writes into cdk.tf.json for one resource, data source or provider block), the context of
 * its whole stack, and the rule itself (cdk-nag style: what is wrong, why, how to fix).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One block of the synthesized stack. */
export interface SynthesizedResource {
  /** `resource`, `data` (a data source) or `provider`. */
  readonly kind: "resource" | "data" | "provider";
  /**
   * What rules match in `appliesTo`: the resource type for resources (`aws_kms_key`),
   * `data.<type>` for data sources, `provider.<name>` for providers (`provider.aws`).
   */
  readonly type: string;
  /** The logical name (resources, data sources) or the provider alias ("" for a default provider). */
  readonly name: string;
  /** Terraform address: `aws_kms_key.data`, `data.aws_kms_key.x`, `provider.aws`, `provider.aws.destination`. */
  readonly address: string;
  /** Construct path of the element that wrote the block (its address when unknown, e.g. from plain JSON). */
  readonly path: string;
  /** The resolved block, without cdktf's `//` metadata. */
  readonly config: JsonObject;
}

/** Everything a rule may look at besides the resource itself: the other blocks of its stack. */
export interface RuleContext {
  /** Stack name (`<env>-<blueprint>`). */
  readonly stackName: string;
  /** Whether the stack deploys a production environment (stricter thresholds). */
  readonly production: boolean;
  /** Every resource, data source and provider of the stack, in synth order. */
  readonly resources: readonly SynthesizedResource[];
  /** Blocks of one type (`aws_s3_bucket`, `data.aws_kms_key`, `provider.aws`). */
  byType(type: string): readonly SynthesizedResource[];
  /** The block at a Terraform address, e.g. `aws_kms_key.data`. */
  byAddress(address: string): SynthesizedResource | undefined;
  /** The provider block a resource is created with (its `provider` meta-argument, else the default). */
  providerOf(resource: SynthesizedResource): SynthesizedResource | undefined;
  /** Terraform variables of the stack, by name. */
  readonly variables: Readonly<Record<string, JsonObject>>;
}

export type RuleStatus = "compliant" | "non-compliant" | "not-applicable";

/**
 * How a non-compliant finding is reported: `error` fails synth (an error annotation), `warning` is
 * an advisory (a warning annotation: printed, synth still succeeds).
 */
export type FindingLevel = "error" | "warning";

/** A status with an optional, specific explanation (which attribute, which statement, which value). */
export interface RuleResult {
  readonly status: RuleStatus;
  readonly detail?: string;
}

/** Third-party rule ids that check the same thing (or nearly so), for the rule table. */
export interface RuleMappings {
  readonly checkov?: readonly string[];
  readonly cdkNag?: readonly string[];
  /** Anything else worth citing (CIS AWS Foundations, AWS documentation). */
  readonly other?: readonly string[];
}

/** A guardrail rule: one file under `src/rules/`. */
export interface GuardrailRule {
  /** Stable id used in messages and suppressions, e.g. `SKB-KMS-1`. */
  readonly id: string;
  /** Short kebab-case name, the rule's file name, e.g. `kms-rotation-enabled`. */
  readonly name: string;
  /** What is wrong when the rule fails. */
  readonly description: string;
  /** Why it matters. */
  readonly rationale: string;
  /** How to fix it. */
  readonly fix: string;
  /** The `type`s of {@link SynthesizedResource} the rule checks; `*` for every resource (not data sources or providers). */
  readonly appliesTo: readonly string[];
  /**
   * Types the stack must also hold (any one of them) for the rule to have anything to check, e.g.
   * `aws_s3_bucket_replication_configuration` for a rule about replicating buckets: elsewhere the
   * rule answers `not-applicable` on every block it is given. The pack runs the rule regardless;
   * the rule table shows it and the tests read it ({@link ruleIsRelevant}).
   * @default [] (the rule has something to check wherever an `appliesTo` type is present)
   */
  readonly needsInStack?: readonly string[];
  readonly mappings: RuleMappings;
  /** Whether a finding of this rule fails synth (`error`) or is an advisory (`warning`). @default "error" */
  readonly level?: FindingLevel;
  check(resource: SynthesizedResource, ctx: RuleContext): RuleStatus | RuleResult;
}

/** The outcome of one rule on one block. */
export interface Finding {
  readonly ruleId: string;
  readonly status: RuleStatus;
  /** The rule's level (a crashed rule is always `error`). */
  readonly level: FindingLevel;
  readonly detail?: string;
  /** The rule threw instead of answering: the finding is non-compliant, and `detail` says what it threw. */
  readonly crashed?: boolean;
  readonly address: string;
  readonly path: string;
  /** The suppression that silences a non-compliant finding, if any. */
  readonly suppression?: Suppression;
}

/** A waiver: one rule, one reason, declared on a construct (applies to it and everything below it). */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
  /** Path of the construct the suppression was declared on. */
  readonly declaredAt: string;
}
