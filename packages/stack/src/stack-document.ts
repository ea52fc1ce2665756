import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, TerraformStack, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";

/** A JSON object as cdktf builds the stack's document. */
type Doc = Record<string, unknown>;

/** The stack's fields that cdktf 0.21 keeps private and its `toTerraform()` reads. */
interface StackInternals {
  readonly rawOverrides: Doc;
  readonly cdktfVersion?: string;
}

/** The resolver cdktf's own `resolve(scope, obj)` uses (lib/_tokens.js): tokens in strings are concatenated. */
const RESOLVER = new DefaultTokenResolver(new StringConcat());

const resolve = (stack: TerraformStack, value: unknown): unknown => Tokenization.resolve(value, { scope: stack, preparing: false, resolver: RESOLVER });

/**
 * The Terraform JSON document of `stack`: what cdktf 0.21's `TerraformStack.toTerraform()` returns
 * (lib/terraform-stack.js; cdktn 0.24's method is the same), built the same way but for its last
 * step. cdktf resolves each element's metadata and block to plain JSON, merges them and the stack's
 * raw overrides (`addOverride`), and then resolves the whole merged document once more (`return
 * resolve(this, tf)`): a walk over every block, each already resolved, that changes only what had
 * not been resolved before, the overrides and the `//` metadata (where it drops `cloud:
 * undefined`). Here only the top-level sections an override touched, and `//`, are resolved again:
 * about 14 ms (0.05x the floor) of a cold synth of the nine shipped stacks (docs/performance.md).
 * Resolving an already resolved section returns an equal section; tests hold this function to
 * cdktf's own method for every stack of every environment (apps/catalog/src/stack-document.test.ts)
 * and on the corner cases (overrides with tokens, an override that deletes, resource overrides, an
 * appended list), so a cdktf version whose method differs fails there.
 */
export function stackDocument(stack: TerraformStack): Doc {
  const { rawOverrides, cdktfVersion } = stack as unknown as StackInternals;
  const metadata: Doc = {
    version: cdktfVersion,
    stackName: stack.node.id,
    backend: "local", // overwritten by backend implementations
    cloud: undefined, // overwritten by the cloud and remote backends
    ...(Object.keys(rawOverrides).length > 0 ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
  };
  const elements = terraformElements(stack);
  const metadatas = elements.map((e) => resolve(stack, e.toMetadata()));
  for (const meta of metadatas) deepMerge(metadata, meta as Doc);
  const outputs: Doc = {};
  for (const item of elements) {
    if (!TerraformOutput.isTerraformOutput(item)) continue;
    deepMerge(
      outputs,
      item.node.path.split("/").reduceRight<Doc>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? item.friendlyUniqueId : inner }), {}),
    );
  }
  const tf: Doc = { "//": { metadata, outputs } };
  const fragments = elements.map((e) => resolve(stack, e.toTerraform()));
  for (const fragment of fragments) deepMerge(tf, fragment as Doc);
  deepMerge(tf, rawOverrides);
  const document: Doc = {};
  for (const key of Object.keys(tf)) {
    const value = key === "//" || Object.hasOwn(rawOverrides, key) ? resolve(stack, tf[key]) : tf[key];
    if (value !== undefined) document[key] = value;
  }
  return document;
}

/** The stack's elements, depth first, not descending into a nested stack (cdktf's `terraformElements`). */
function terraformElements(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) terraformElements(child, into);
  return into;
}

/**
 * cdktf's `deepMerge` (lib/util.js, not exported): objects merge key by key, an array is appended to
 * an array already there (else replaces), `undefined` deletes the key, a token is set as is.
 */
function deepMerge(target: Doc, source: Doc): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      if (typeof target[key] !== "object") target[key] = {};
      if (Tokenization.isResolvable(value)) target[key] = value;
      else deepMerge(target[key] as Doc, value as Doc);
    } else if (Array.isArray(value)) {
      target[key] = Array.isArray(target[key]) ? [...(target[key] as unknown[]), ...value] : value;
    } else if (value === undefined) {
      delete target[key];
    } else {
      target[key] = value;
    }
  }
}
