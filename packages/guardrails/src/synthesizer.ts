/**
 * The guardrail pack inside a stack's synthesizer, on the one resolution that is written.
 *
 * As an aspect, {@link GuardrailPack} resolves the stack itself (`stack.toTerraform()`), because
 * aspects run before cdktf resolves; cdktf's synthesizer then resolves the whole stack again to
 * write it. That second resolution was the largest cost of a synth above loading cdktf
 * (docs/performance.md). {@link GuardedSynthesizer} evaluates the pack on the resolution cdktf
 * writes instead, and the aspect stands aside while it synthesizes.
 *
 *     stack.synthesizer = new GuardedSynthesizer(stack, pack); // pack: the GuardrailPack added to the stack
 */
import { AnnotationMetadataEntryType, type ISynthesisSession, type IStackSynthesizer, type StackAnnotation, type TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import type { GuardrailPack } from "./pack";
import type { JsonObject } from "./types";

const ANNOTATION_TYPES: readonly string[] = [AnnotationMetadataEntryType.INFO, AnnotationMetadataEntryType.WARN, AnnotationMetadataEntryType.ERROR];

/** Every annotation of the stack, in tree order, the way cdktf's synthesizer lists them in the manifest. */
function manifestAnnotations(stack: IConstruct): StackAnnotation[] {
  return stack.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => ANNOTATION_TYPES.includes(m.type))
      .map((m) => ({ constructPath: c.node.path, level: m.type as AnnotationMetadataEntryType, message: m.data as string, stacktrace: m.trace })),
  );
}

/** The error cdktf throws for error annotations (lib/errors.js `encounteredAnnotationWithLevelError`), same words. */
function annotationError(errors: readonly StackAnnotation[]): Error {
  return new Error(
    `Encountered Annotations with level "ERROR":\n${errors.map((a) => `[${a.constructPath}] ${a.message}`).join("\n")}\n\nEither fix the issues above, or set the environment variable CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS to ignore these annotations.\n`,
  );
}

/**
 * A stack's synthesizer that runs a guardrail pack on the resolution the wrapped synthesizer writes.
 *
 * cdktf's StackSynthesizer (lib/synthesize/synthesizer.js, cdktf 0.21) runs the aspects and the
 * construct validations, lists the annotations in the manifest and throws on an error annotation,
 * then calls `stack.toTerraform()` once and writes what it returns (`toHclTerraform()` with HCL
 * output). For the length of the wrapped `synthesize`, this synthesizer puts a wrapper of the
 * stack's own method on the stack: the first resolution is evaluated before it is returned, the
 * findings become annotations, the manifest's annotation list is brought up to date, and an error
 * throws cdktf's own error before anything is written. When cdktf was told to go on
 * (`CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS`, which the cdktf CLI sets), the stack is written
 * and the manifest lists the errors, as cdktf does for its own. A suppression's record (`//`
 * metadata) is an override: a stack that has one is resolved once more to write it. With HCL
 * output the pack resolves the stack to JSON itself first (one extra resolution). A wrapped
 * synthesizer that resolves the stack neither way fails the synth: the guardrails did not run.
 */
export class GuardedSynthesizer implements IStackSynthesizer {
  /**
   * @param stack the stack this synthesizer writes
   * @param pack the pack to run; add it to the stack as an aspect as well, so `Testing.synth` and
   *   {@link evaluateStack} (which bypass the synthesizer) still evaluate it
   * @param inner the synthesizer that writes the stack. @default the stack's current synthesizer
   */
  constructor(
    private readonly stack: TerraformStack,
    private readonly pack: GuardrailPack,
    private readonly inner: IStackSynthesizer = stack.synthesizer,
  ) {}

  synthesize(session: ISynthesisSession): void {
    const stack = this.stack;
    // As the wrapped synthesizer decides (cdktf's reads the variable when the stack is created).
    const goOn =
      (this.inner as { continueOnErrorAnnotations?: unknown }).continueOnErrorAnnotations === true ||
      process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;
    let evaluated = false;
    const check = (json: JsonObject): boolean => {
      evaluated = true;
      const report = this.pack.evaluate(stack, json);
      const annotations = manifestAnnotations(stack);
      session.manifest.forStack(stack).annotations.splice(0, Infinity, ...annotations);
      const errors = annotations.filter((a) => a.level === AnnotationMetadataEntryType.ERROR);
      if (errors.length > 0 && !goOn) throw annotationError(errors);
      return report.suppressed.length > 0;
    };
    const toTerraform = stack.toTerraform;
    const toHclTerraform = stack.toHclTerraform;
    // Whatever the instance itself carried before (a test's spy), put back afterwards.
    const before = { toTerraform: Object.getOwnPropertyDescriptor(stack, "toTerraform"), toHclTerraform: Object.getOwnPropertyDescriptor(stack, "toHclTerraform") };
    const own = stack as unknown as { toTerraform: () => unknown; toHclTerraform: () => unknown };
    own.toTerraform = () => {
      const json = toTerraform.call(stack) as JsonObject;
      if (evaluated) return json;
      return check(json) ? toTerraform.call(stack) : json;
    };
    own.toHclTerraform = () => {
      if (!evaluated) check(toTerraform.call(stack) as JsonObject);
      return toHclTerraform.call(stack);
    };
    try {
      this.pack.standAsideWhile(stack, () => this.inner.synthesize(session));
    } finally {
      for (const name of ["toTerraform", "toHclTerraform"] as const) {
        const descriptor = before[name];
        if (descriptor) Object.defineProperty(stack, name, descriptor);
        else delete (own as Partial<typeof own>)[name];
      }
    }
    if (!evaluated) {
      throw new Error(
        `${stack.node.path}: the guardrails did not run: the stack's synthesizer (${this.inner.constructor.name}) resolved the stack neither with toTerraform() nor with toHclTerraform(); wrap cdktf's StackSynthesizer, or add the GuardrailPack as an aspect without a GuardedSynthesizer`,
      );
    }
  }
}
