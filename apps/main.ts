/**
 * The cdktf app entry (cdktf.json runs the esbuild bundle of this file, dist/app.js):
 * synthesizes every environment under apps/<env>/environment.json, one stack per blueprint,
 * into cdktf.out/stacks/<env>-<blueprint>/cdk.tf.json.
 *
 * Output, one line per problem and no stack traces:
 * - a bad configuration: `<file>: <field.path>: <message> (got <value>)`, or a construct prop it
 *   leads to: `<construct path>: <prop> <rule> (got <value>). Fix: ...`; exit 1, nothing written;
 * - every annotation of every stack (guardrail findings, failed construct validations, construct
 *   warnings): `warning: <construct path>: <message>` / `error: <construct path>: <message>` on
 *   stderr (synthAndReport). Any error exits 1 (the stacks with errors are not written); warnings
 *   alone exit 0.
 */
import { ConfigError } from "@sse-kms/config";
import { ConstructPropError, skipCreationStacks } from "@sse-kms/construct-kit";
import { type BlueprintApp, createApp, findRepoRoot, synthAndReport } from "@sse-kms/blueprint-catalog";

function main(): number {
  // Formatting cdktf's creation stacks, read only when a token fails to resolve, is about a tenth of
  // a synth's CPU (docs/performance.md); SSE_KMS_DEBUG=1 keeps them.
  if (process.env.SSE_KMS_DEBUG !== "1") skipCreationStacks();
  const root = findRepoRoot(__dirname);
  let app: BlueprintApp;
  try {
    app = createApp(root, { outdir: process.env.CDKTF_OUTDIR || `${root}/cdktf.out` });
  } catch (e) {
    // A bad configuration (or a construct prop it leads to) is the user's to fix: its message says how.
    if (e instanceof ConfigError || e instanceof ConstructPropError) {
      console.error(e.message);
      return 1;
    }
    // Anything else is one line too (never a stack trace); SSE_KMS_DEBUG=1 adds the trace.
    console.error(`synth: error: ${(e instanceof Error ? e.message : String(e)).replace(/\s*\r?\n\s*/g, "; ")}`);
    if (process.env.SSE_KMS_DEBUG === "1" && e instanceof Error) console.error(e.stack);
    return 1;
  }
  const report = synthAndReport(app);
  for (const line of report.lines) console.error(line);
  if (report.exitCode === 0 && !process.env.CDKTF_OUTDIR) {
    const names = app.stacks.map((s) => s.node.id);
    console.log(`synthesized ${names.length} stacks into cdktf.out/stacks: ${names.join(", ")}`);
  }
  return report.exitCode;
}

process.exitCode = main();
