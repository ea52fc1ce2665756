/**
 * The generated pages of `npm run docs` (every page) and `npm run docs:access` (only the access
 * matrices); `npm run refresh` writes them too:
 * - docs/blueprints/<blueprint>.md: diagrams and rendered policies, from the synthesized stacks;
 * - docs/access/<env>.md: who may do what, computed by the IAM policy simulator;
 * - pages a blueprint adds (docs/handover/<stack>.md: the statements owners of an existing
 *   replication destination add);
 * - docs/handover/<env>-key-events.md for an environment whose key-event alarms go to an existing
 *   SNS topic (the statements the topic's owner adds, from each stack's outputs).
 * A test (docs.test.ts) fails when a committed page differs from what this generates.
 */
import { BLUEPRINT_NAMES, type Environment, type SynthesizedStack, blueprintPages, loadEnvironments, synthEnvironment } from "@sse-kms/blueprint-catalog";
import { renderAccessMatrix } from "./access-matrix";
import { TOPIC_HANDOVER_OUTPUTS, renderTopicHandover, topicHandoverPath } from "@sse-kms/monitoring";
import { type DocStack, renderBlueprintDoc } from "./blueprint-doc";

/** Which pages to generate. */
export type DocSet = "all" | "access";

/** Repo-relative folders that hold only generated pages. */
export const GENERATED_DIRS = ["docs/blueprints", "docs/access", "docs/handover"] as const;

/** An environment and its synthesized stacks. */
export interface SynthesizedEnvironment {
  readonly env: Environment;
  readonly stacks: readonly SynthesizedStack[];
}

/**
 * Every generated page: repo-relative path -> content. `synthesized`: every environment with its
 * stacks when the caller has synthesized them already (`npm run refresh` synthesizes once);
 * @default loads and synthesizes every environment under `root`.
 */
export async function generateDocs(root: string, set: DocSet = "all", synthesized?: readonly SynthesizedEnvironment[]): Promise<Map<string, string>> {
  const pages = new Map<string, string>();
  const stacks: (DocStack & { blueprint: string })[] = [];
  const environments = synthesized ?? loadEnvironments(root).map((env) => ({ env, stacks: synthEnvironment(env) }));
  for (const { env, stacks: ofEnv } of environments) {
    stacks.push(...ofEnv.map((s) => ({ name: s.name, env: env.name, blueprint: s.blueprint, json: s.json })));
    // The synthesized JSON carries no stack name (normalized away): give each its name, so the
    // matrix titles read `prod-customer-managed`, not `stack0`. Auditors read these pages.
    const named = ofEnv.map((s) => withStackName(JSON.parse(s.json) as Record<string, unknown>, s.name));
    pages.set(`docs/access/${env.name}.md`, await renderAccessMatrix(env.name, named));
    if (set === "all") for (const [path, text] of blueprintPages(env)) pages.set(path, text);
    const topic = env.monitoring?.topic;
    if (set === "all" && topic !== undefined && "existingTopicArn" in topic) {
      const handovers = ofEnv.flatMap((s) => {
        const outputs = ((JSON.parse(s.json) as { output?: Record<string, { value?: unknown }> }).output ?? {}) as Record<string, { value?: unknown }>;
        const policy = outputs[TOPIC_HANDOVER_OUTPUTS.topicPolicyStatement]?.value;
        const key = outputs[TOPIC_HANDOVER_OUTPUTS.topicKeyPolicyStatement]?.value;
        return typeof policy === "string" && typeof key === "string" ? [{ stack: s.name, topicPolicyStatement: policy, topicKeyPolicyStatement: key }] : [];
      });
      if (handovers.length > 0) pages.set(topicHandoverPath(env.name), renderTopicHandover(env.name, topic.existingTopicArn, handovers));
    }
  }
  if (set === "all") {
    for (const blueprint of BLUEPRINT_NAMES) {
      const of = stacks.filter((s) => s.blueprint === blueprint);
      if (of.length > 0) pages.set(`docs/blueprints/${blueprint}.md`, renderBlueprintDoc(blueprint, of));
    }
  }
  return new Map([...pages.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The stack JSON with its name in cdktf's metadata, where the access simulator reads stack names. */
export function withStackName(json: Record<string, unknown>, name: string): Record<string, unknown> {
  const meta = (json["//"] ?? {}) as Record<string, unknown>;
  return { ...json, "//": { ...meta, metadata: { ...((meta.metadata ?? {}) as Record<string, unknown>), stackName: name } } };
}
