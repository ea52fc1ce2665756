/**
 * Builds a {@link RuleContext} from a synthesized stack (the JSON cdktf writes to cdk.tf.json, or
 * the same object from `stack.toTerraform()` during synth).
 */
import { wholeExpression } from "@sse-kms/policy";
import { isObject } from "./json";
import type { JsonObject, RuleContext, SynthesizedResource } from "./types";

/** Options of {@link contextFromStackJson}. */
export interface StackContextOptions {
  readonly stackName?: string;
  readonly production?: boolean;
  /**
   * Construct paths by address, for blocks whose JSON carries none (providers). Resources and data
   * sources carry theirs in cdktf's `//` metadata.
   */
  readonly paths?: ReadonlyMap<string, string>;
}

function withoutMetadata(body: JsonObject): JsonObject {
  const { "//": _metadata, ...rest } = body;
  void _metadata;
  return rest;
}

function metadataPath(body: JsonObject): string | undefined {
  const meta = body["//"];
  if (!isObject(meta) || !isObject(meta.metadata)) return undefined;
  return typeof meta.metadata.path === "string" ? meta.metadata.path : undefined;
}

/** Every resource, data source and provider block of a synthesized stack, in a stable order. */
export function blocksOfStack(stackJson: JsonObject, paths?: ReadonlyMap<string, string>): SynthesizedResource[] {
  const out: SynthesizedResource[] = [];
  const providers = isObject(stackJson.provider) ? stackJson.provider : {};
  for (const [name, list] of Object.entries(providers)) {
    for (const body of Array.isArray(list) ? list : [list]) {
      if (!isObject(body)) continue;
      const alias = typeof body.alias === "string" ? body.alias : "";
      const address = alias ? `provider.${name}.${alias}` : `provider.${name}`;
      out.push({ kind: "provider", type: `provider.${name}`, name: alias, address, path: paths?.get(address) ?? address, config: withoutMetadata(body) });
    }
  }
  for (const kind of ["resource", "data"] as const) {
    const section = isObject(stackJson[kind]) ? stackJson[kind] : {};
    for (const [type, byName] of Object.entries(section)) {
      if (!isObject(byName)) continue;
      for (const [name, body] of Object.entries(byName)) {
        if (!isObject(body)) continue;
        const fullType = kind === "data" ? `data.${type}` : type;
        const address = `${fullType}.${name}`;
        out.push({ kind, type: fullType, name, address, path: metadataPath(body) ?? paths?.get(address) ?? address, config: withoutMetadata(body) });
      }
    }
  }
  return out;
}

/** The rule context of one synthesized stack. */
export function contextFromStackJson(stackJson: JsonObject, options: StackContextOptions = {}): RuleContext {
  const resources = blocksOfStack(stackJson, options.paths);
  const byType = new Map<string, SynthesizedResource[]>();
  const byAddress = new Map<string, SynthesizedResource>();
  for (const r of resources) {
    const list = byType.get(r.type);
    if (list) list.push(r);
    else byType.set(r.type, [r]);
    byAddress.set(r.address, r);
  }
  const variables: Record<string, JsonObject> = {};
  if (isObject(stackJson.variable)) {
    for (const [name, body] of Object.entries(stackJson.variable)) if (isObject(body)) variables[name] = withoutMetadata(body);
  }
  const meta = isObject(stackJson["//"]) && isObject(stackJson["//"].metadata) ? stackJson["//"].metadata : {};
  const stackName = options.stackName ?? (typeof meta.stackName === "string" ? meta.stackName : "stack");
  return {
    stackName,
    production: options.production ?? false,
    resources,
    byType: (type) => byType.get(type) ?? [],
    byAddress: (address) => byAddress.get(address),
    providerOf(resource) {
      const explicit = resource.config.provider;
      if (typeof explicit === "string" && explicit.length > 0) {
        // `aws.destination` (cdktf writes the provider's fqn without `${}`), tolerate `${aws.destination}`.
        const ref = wholeExpression(explicit) ?? explicit;
        return byAddress.get(`provider.${ref}`);
      }
      const providerName = resource.type.replace(/^data\./, "").split("_")[0] ?? "";
      return byAddress.get(`provider.${providerName}`);
    },
    variables,
  };
}
