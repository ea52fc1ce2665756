/**
 * The cdktf app entry (cdktf.json runs the esbuild bundle of this file, dist/app.js):
 * synthesizes every environment under apps/<env>/environment.json, one stack per blueprint,
 * into cdktf.out/stacks/<env>-<blueprint>/cdk.tf.json. A bad configuration exits 1 with one
 * line per problem (`<file>: <field.path>: <message> (got <value>)`), not a stack trace.
 */
import { ConfigError } from "@sse-kms/config";
import { AnnotationMetadataEntryType } from "cdktf";
import { GuardrailViolationError } from "@sse-kms/guardrails";
import { createApp, findRepoRoot } from "@sse-kms/blueprint-catalog";

function main(): number {
  try {
    const root = findRepoRoot(__dirname);
    const app = createApp(root, { outdir: process.env.CDKTF_OUTDIR || `${root}/cdktf.out` });
    app.synth();
    // Synth warnings (material in state, expiring material, ...) go to stderr, one line each.
    for (const c of app.node.findAll()) {
      for (const m of c.node.metadata) if (m.type === AnnotationMetadataEntryType.WARN) console.error(`warning: ${String(m.data)}`);
    }
    if (!process.env.CDKTF_OUTDIR) {
      const names = app.node.children.map((c) => c.node.id).filter((id) => id.includes("-")).sort();
      console.log(`synthesized ${names.length} stacks into cdktf.out/stacks: ${names.join(", ")}`);
    }
    return 0;
  } catch (e) {
    // Bad configuration and guardrail violations are the user's to fix: their message says how.
    if (e instanceof ConfigError || e instanceof GuardrailViolationError) {
      console.error(e.message);
      return 1;
    }
    // Anything else is one line too (never a stack trace); SSE_KMS_DEBUG=1 adds the trace.
    console.error(`synth: error: ${(e instanceof Error ? e.message : String(e)).replace(/\s*\r?\n\s*/g, "; ")}`);
    if (process.env.SSE_KMS_DEBUG === "1" && e instanceof Error) console.error(e.stack);
    return 1;
  }
}

process.exitCode = main();
