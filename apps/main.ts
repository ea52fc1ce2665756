/**
 * The cdktf app entry (cdktf.json runs the esbuild bundle of this file, dist/app.js):
 * synthesizes every environment under apps/<env>/environment.json, one stack per blueprint,
 * into cdktf.out/stacks/<env>-<blueprint>/cdk.tf.json.
 *
 * Output, one line per problem and no stack traces:
 * - a bad configuration: `<file>: <field.path>: <message> (got <value>)`, exit 1, nothing written;
 * - every annotation of every stack (guardrail findings, failed construct validations, construct
 *   warnings): `error: <construct path>: <message>` / `warning: <construct path>: <message>` on
 *   stderr. Any error exits 1 (the stacks with errors are not written); warnings alone exit 0.
 */
import { ConfigError } from "@sse-kms/config";
import { SynthError, annotationsOf, createApp, findRepoRoot, formatAnnotation } from "@sse-kms/blueprint-catalog";

function main(): number {
  const root = findRepoRoot(__dirname);
  let app;
  try {
    app = createApp(root, { outdir: process.env.CDKTF_OUTDIR || `${root}/cdktf.out` });
  } catch (e) {
    // A bad configuration is the user's to fix: its message says how.
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  let failed = false;
  try {
    app.synth();
  } catch (e) {
    if (!(e instanceof SynthError)) throw e;
    failed = true;
  }
  const annotations = annotationsOf(app).filter((a) => a.level !== "info");
  for (const a of annotations.filter((x) => x.level === "warning")) console.error(formatAnnotation(a));
  for (const a of annotations.filter((x) => x.level === "error")) console.error(formatAnnotation(a));
  const names = app.stacks.map((s) => s.node.id);
  if (failed) {
    const bad = new Set(annotations.filter((a) => a.level === "error").map((a) => a.path.split("/")[0]));
    console.error(`synth failed: errors in ${bad.size} of ${names.length} stacks (${[...bad].sort().join(", ")}); fix or suppress them (see the lines above)`);
    return 1;
  }
  if (!process.env.CDKTF_OUTDIR) console.log(`synthesized ${names.length} stacks into cdktf.out/stacks: ${names.join(", ")}`);
  return 0;
}

process.exitCode = main();
