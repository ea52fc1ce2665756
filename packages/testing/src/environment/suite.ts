import { existsSync, readdirSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { type EnvironmentConfig, enabledBlueprints, partitionOf } from "@sse-kms/config";
import { REFRESH_COMMAND, expectCurrent } from "./derived";
import { normalizeStack } from "./normalize";

/** A synthesized stack: its name (`<env>-<blueprint>`) and its `cdk.tf.json` text. */
export interface EnvironmentStackJson {
  readonly name: string;
  readonly json: string;
}

/**
 * What an environment suite needs from the app that registers the blueprints (apps/catalog: pass
 * `import * as catalog from "@sse-kms/blueprint-catalog"`). A package cannot import the app, so the app
 * is handed in.
 */
export interface EnvironmentCatalog<E extends EnvironmentConfig> {
  /** The repository root above a folder. */
  findRepoRoot(from: string): string;
  /** A validated `apps/<env>/environment.json`. */
  loadEnvironment(file: string): E;
  /** Every stack of the environment, synthesized in memory; throws on a guardrail error. */
  synthEnvironment(env: E): readonly EnvironmentStackJson[];
  /** The registered blueprints, in stack order. */
  readonly BLUEPRINTS: readonly { readonly name: string }[];
}

/** `<bucket> <configuration>` for every optional configuration an `adopt` object of the environment lists. */
export function adoptedConfigurations(config: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") {
      const o = v as { name?: unknown; adopt?: unknown };
      if (typeof o.name === "string" && o.adopt !== null && typeof o.adopt === "object")
        for (const c of (o.adopt as { existing?: string[] }).existing ?? []) out.push(`${o.name} ${c}`);
      Object.values(o).forEach(walk);
    }
  };
  walk(config);
  return out;
}

/** The folder of an environment's committed stack snapshots, relative to its app folder. */
export const SNAPSHOT_DIR = "snapshots";

/**
 * The snapshot files of an environment: `apps/<env>/snapshots/<stack>.json` (repo-relative) -> normalised stack JSON.
 * `stacks`: the environment's synthesized stacks (refresh synthesizes once for everything).
 */
export function snapshotFiles(appDir: string, stacks: readonly EnvironmentStackJson[]): Map<string, string> {
  return new Map(stacks.map((s) => [`${appDir}/${SNAPSHOT_DIR}/${s.name}.json`, `${JSON.stringify(normalizeStack(s.json), null, 2)}\n`]));
}

/**
 * The jest suite every `apps/<env>` runs (`environmentSuite(__dirname, catalog)`): the config validates, and each stack equals its
 * committed, normalised snapshot (`apps/<env>/snapshots/<stack>.json`, written by `npm run refresh`).
 * Property assertions live in the blueprints' and guardrails' tests.
 */
export function environmentSuite<E extends EnvironmentConfig>(appDir: string, catalog: EnvironmentCatalog<E>): void {
  const root = catalog.findRepoRoot(appDir);
  const env = catalog.loadEnvironment(join(appDir, "environment.json"));
  const rel = relative(root, appDir).split("\\").join("/");
  const snapshots = snapshotFiles(rel, catalog.synthEnvironment(env));

  describe(`environment ${env.name}`, () => {
    test("the folder name is the environment name", () => {
      expect(basename(appDir)).toBe(env.name);
    });
    test("has one stack per enabled blueprint, named <env>-<blueprint>", () => {
      expect([...snapshots.keys()].map((p) => basename(p, ".json"))).toEqual(enabledBlueprints(env, catalog.BLUEPRINTS).map((b) => `${env.name}-${b.name}`));
    });
    test.each([...snapshots.entries()].map(([path, text]) => [basename(path, ".json"), path, text] as const))(
      "%s equals its committed snapshot",
      (stack, path, text) => {
        expectCurrent(root, path, text, `the normalised synth of stack ${stack}`);
      },
    );
    // Targeted beside the snapshots: an adopted bucket's policy, ownership controls and public access
    // block are imported only when its adopt object lists them (`adopt: true` imports none of them:
    // a bucket without one would fail the import, docs/re-encryption.md).
    test.each([...snapshots.entries()].map(([path, text]) => [basename(path, ".json"), text] as const))(
      "%s: imports only the optional bucket configurations its adopt blocks list",
      (_stack, text) => {
        const listed = new Set(adoptedConfigurations(env));
        const OPTIONAL: Record<string, string> = {
          aws_s3_bucket_policy: "policy",
          aws_s3_bucket_ownership_controls: "ownershipControls",
          aws_s3_bucket_public_access_block: "publicAccessBlock",
        };
        const imports = (JSON.parse(text) as { import?: { to: string; id: string }[] }).import ?? [];
        const optional = imports.filter((i) => OPTIONAL[i.to.split(".")[0]!] !== undefined).map((i) => `${i.id} ${OPTIONAL[i.to.split(".")[0]!]}`);
        expect(optional.filter((o) => !listed.has(o))).toEqual([]);
      },
    );
    const topic = env.monitoring?.topic;
    if (topic !== undefined) {
      // Targeted assertions beside the snapshots: the alarms watch exactly the keys each stack creates
      // with its default provider (the environment's account and region) and deliver to the configured topic;
      // failed deliveries land in a dead-letter queue and raise alarms on a topic of their own.
      test.each([...snapshots.entries()].map(([path, text]) => [basename(path, ".json"), text] as const))(
        "%s: key-event alarms watch every key it creates in the environment's account and reach the topic",
        (stack, text) => {
          const json = JSON.parse(text) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
          const resources = json.resource ?? {};
          const own = ["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key", "aws_kms_replica_external_key"]
            .flatMap((type) => Object.entries(resources[type] ?? {}).map(([name, block]) => ({ ref: `\${${type}.${name}.arn}`, provider: block.provider })))
            .filter((k) => k.provider === undefined)
            .map((k) => k.ref);
          // The existing key of key.existingKeyArn (customer-managed) is in the environment's account and region: watched too.
          const cm = (env.blueprints as Record<string, { key?: { existingKeyArn?: string } } | undefined>)["customer-managed"];
          if (stack === `${env.name}-customer-managed` && cm?.key?.existingKeyArn !== undefined) own.push(cm.key.existingKeyArn);
          own.sort();
          const rules = resources.aws_cloudwatch_event_rule ?? {};
          const events = JSON.parse(String(rules.kms_key_events?.event_pattern)) as { resources: string[] };
          const calls = JSON.parse(String(rules.kms_key_api_calls?.event_pattern)) as { detail: { resources: { ARN: string[] } } };
          expect([...events.resources].sort()).toEqual(own);
          expect([...calls.detail.resources.ARN].sort()).toEqual(own);
          const targets = Object.values(resources.aws_cloudwatch_event_target ?? {}).map((t) => t.arn);
          const expected =
            "existingTopicArn" in topic ? topic.existingTopicArn : `arn:${partitionOf(env.region)}:sns:${env.region}:${env.account}:${stack}-key-events`;
          expect(targets).toEqual([expected, expected]);
          expect(own.length).toBeGreaterThan(0);
          // Nothing lost silently: every target has the stack's dead-letter queue, each rule an alarm on
          // FailedInvocations and the queue one on its messages, all delivered to a topic that is not the target.
          const queues = Object.values(resources.aws_sqs_queue ?? {}).map(
            (q) => `arn:${partitionOf(env.region)}:sqs:${env.region}:${env.account}:${String(q.name)}`,
          );
          for (const t of Object.values(resources.aws_cloudwatch_event_target ?? {})) {
            expect(queues).toContain((t.dead_letter_config as { arn?: string } | undefined)?.arn);
          }
          const alarms = Object.values(resources.aws_cloudwatch_metric_alarm ?? {});
          const failed = alarms.filter((a) => a.metric_name === "FailedInvocations").map((a) => (a.dimensions as { RuleName: string }).RuleName);
          expect(failed.sort()).toEqual(
            Object.values(rules)
              .map((r) => String(r.name))
              .sort(),
          );
          expect(alarms.some((a) => a.metric_name === "ApproximateNumberOfMessagesVisible")).toBe(true);
          for (const a of alarms) {
            expect(a.alarm_actions).toEqual([`arn:${partitionOf(env.region)}:sns:${env.region}:${env.account}:${stack}-key-events-delivery-alarms`]);
            expect(a.alarm_actions).not.toContain(expected);
          }
          expect(stack.startsWith(`${env.name}-`)).toBe(true);
        },
      );
    }
    test("no snapshot of a stack the environment no longer has", () => {
      const dir = join(appDir, SNAPSHOT_DIR);
      const committed = existsSync(dir) ? readdirSync(dir).map((f) => `${rel}/${SNAPSHOT_DIR}/${f}`) : [];
      const leftover = committed.filter((p) => !snapshots.has(p));
      if (leftover.length > 0) throw new Error(`${leftover.join(", ")}: no such stack any more; run \`${REFRESH_COMMAND}\` (it removes them)`);
    });
  });
}
