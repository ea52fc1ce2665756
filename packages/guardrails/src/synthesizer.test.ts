/**
 * GuardedSynthesizer runs the pack on the resolution cdktf writes. What matters: the stack is
 * resolved once per synth (not once for the pack and once for the file), the file is the same as
 * the one the aspect-only pack lets through, and a violation still stops the write with cdktf's
 * own error, or (when cdktf is told to go on) lands in the manifest the cdktf CLI reads.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AnnotationMetadataEntryType, App, Aspects, type ISynthesisSession, LocalBackend, TerraformStack, Testing } from "cdktf";
import { ACCOUNT, REGION, rawKey } from "./test-support";
import { GuardrailPack } from "./pack";
import { SUPPRESSIONS_JSON_KEY, suppress } from "./suppressions";
import { GuardedSynthesizer } from "./synthesizer";

let outdir: string;
beforeEach(() => {
  outdir = mkdtempSync(join(tmpdir(), "sse-kms-guarded-"));
});
afterEach(() => {
  rmSync(outdir, { recursive: true, force: true });
  jest.restoreAllMocks();
});

type Variant = "guarded" | "aspect only";

/** A stack with a key (rotation off: SKB-KMS-1 fires unless suppressed), the pack as an aspect, and for "guarded" the synthesizer. */
function keyStack(variant: Variant, options: { rotation?: boolean; suppressed?: boolean; dir?: string } = {}) {
  const app = new App({ outdir: options.dir ?? join(outdir, variant.replace(" ", "-")), stackTraces: false });
  const stack = new TerraformStack(app, "qa-raw");
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new AwsProvider(stack, "aws", { region: REGION, allowedAccountIds: [ACCOUNT] });
  const key = rawKey(stack, { enableKeyRotation: options.rotation ?? true });
  if (options.suppressed) suppress(key, "SKB-KMS-1", "material rotated by the ceremony tool, not by KMS");
  const pack = new GuardrailPack();
  Aspects.of(stack).add(pack);
  if (variant === "guarded") stack.synthesizer = new GuardedSynthesizer(stack, pack);
  return { app, stack, key, file: join(app.outdir, "stacks", "qa-raw", "cdk.tf.json") };
}

/** Counts every resolution of every stack while `run` goes. */
function resolutions(run: () => void): number {
  const spy = jest.spyOn(TerraformStack.prototype, "toTerraform");
  run();
  const n = spy.mock.calls.length;
  spy.mockRestore();
  return n;
}

test("a clean stack is resolved once per synth (the aspect-only pack resolves it twice), and the file is the same", () => {
  const guarded = keyStack("guarded");
  const aspect = keyStack("aspect only");
  expect(resolutions(() => guarded.app.synth())).toBe(1);
  expect(resolutions(() => aspect.app.synth())).toBe(2);
  expect(readFileSync(guarded.file, "utf8")).toBe(readFileSync(aspect.file, "utf8"));
});

test("a violation throws cdktf's error naming the rule and writes nothing", () => {
  const { app, file } = keyStack("guarded", { rotation: false });
  expect(() => app.synth()).toThrow(/Encountered Annotations with level "ERROR":\n\[qa-raw\/key-data\] \[SKB-KMS-1\] aws_kms_key\.data:/);
  expect(existsSync(file)).toBe(false);
});

test("told to go on (CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS, as the cdktf CLI runs apps), the stack is written and the manifest lists the finding", () => {
  process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "1";
  try {
    const { app, file } = keyStack("guarded", { rotation: false });
    app.synth();
    expect(existsSync(file)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(app.outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { annotations: { constructPath: string; level: string; message: string }[] }>;
    };
    expect(manifest.stacks["qa-raw"]?.annotations).toEqual([
      expect.objectContaining({ constructPath: "qa-raw/key-data", level: "@cdktf/error", message: expect.stringContaining("[SKB-KMS-1] aws_kms_key.data:") }),
    ]);
  } finally {
    delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  }
});

test("a suppression's record is written: the same file as the aspect-only pack writes, at the cost of a second resolution", () => {
  const guarded = keyStack("guarded", { rotation: false, suppressed: true });
  const aspect = keyStack("aspect only", { rotation: false, suppressed: true });
  expect(resolutions(() => guarded.app.synth())).toBe(2);
  aspect.app.synth();
  const text = readFileSync(guarded.file, "utf8");
  expect(text).toBe(readFileSync(aspect.file, "utf8"));
  expect(JSON.parse(text).resource.aws_kms_key.data["//"][SUPPRESSIONS_JSON_KEY]).toEqual([expect.objectContaining({ rule: "SKB-KMS-1" })]);
});

test("with HCL output the pack still runs: a violation stops the write", () => {
  process.env.SYNTH_HCL_OUTPUT = "true"; // read by cdktf when the stack (its default synthesizer) is created
  let stack: ReturnType<typeof keyStack>;
  try {
    stack = keyStack("guarded", { rotation: false });
  } finally {
    delete process.env.SYNTH_HCL_OUTPUT;
  }
  expect(() => stack.app.synth()).toThrow(/\[SKB-KMS-1\]/);
  expect(existsSync(join(stack.app.outdir, "stacks", "qa-raw", "cdk.tf"))).toBe(false);
});

test("a wrapped synthesizer that never resolves the stack fails the synth instead of skipping the guardrails", () => {
  const { app, stack } = keyStack("aspect only", { rotation: false });
  const pack = Aspects.of(stack).all.find((a): a is GuardrailPack => a instanceof GuardrailPack);
  if (!pack) throw new Error("no pack");
  stack.synthesizer = new GuardedSynthesizer(stack, pack, { synthesize: (_session: ISynthesisSession) => undefined });
  expect(() => app.synth()).toThrow("qa-raw: the guardrails did not run: the stack's synthesizer (Object) resolved the stack neither with toTerraform() nor with toHclTerraform()");
});

test("after a synth the stack's own methods are back, and the aspect evaluates again outside the synthesizer", () => {
  const { app, stack, key } = keyStack("guarded");
  app.synth();
  expect(Object.hasOwn(stack, "toTerraform")).toBe(false);
  expect(Object.hasOwn(stack, "toHclTerraform")).toBe(false);
  key.enableKeyRotation = false;
  Testing.synth(stack);
  const errors = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.ERROR).map((m) => String(m.data)));
  expect(errors).toEqual([expect.stringContaining("[SKB-KMS-1] aws_kms_key.data:")]);
});

test("a method the stack instance carried before the synth (a spy) is put back afterwards", () => {
  const { app, stack } = keyStack("guarded");
  const spy = jest.spyOn(stack, "toTerraform");
  app.synth();
  expect(stack.toTerraform).toBe(spy);
  expect(spy).toHaveBeenCalledTimes(1); // the synthesizer's one resolution went through it
});

test("after a Testing.synth (which leaves the aspect's deferred evaluation on the last construct), a synth still resolves once", () => {
  const { app, stack } = keyStack("guarded");
  Testing.synth(stack);
  expect(resolutions(() => app.synth())).toBe(1);
});
