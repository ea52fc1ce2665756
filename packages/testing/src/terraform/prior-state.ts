/** A state document (format 4) of `resources` (state entries as {@link priorStateFromConfig} builds them). */
export function stateDocument(resources: readonly unknown[], terraformVersion = "1.10.0"): string {
  const state = { version: 4, terraform_version: terraformVersion, serial: 1, lineage: "5e5e5e5e-0000-4000-8000-000000000000", outputs: {}, resources };
  return `${JSON.stringify(state, null, 2)}\n`;
}

/** Meta-arguments and cdktf metadata of a resource block: never attributes of its state. */
const META = new Set(["//", "count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"]);

/**
 * The state entries (for `module`, e.g. `module.x`) of the listed `type.name` addresses as the
 * PREVIOUS configuration (a synthesized `cdk.tf.json`) declares them: each object's attributes are
 * its configured literal values (meta-arguments left out), and `id`, `arn` and `key_id` get
 * placeholders (`<address>:<attribute>`), as an apply would fill them. Attributes the configuration
 * does not set stay null, except those in `defaults` (per resource type: what the provider stores
 * for an attribute the configuration leaves to its default; an attribute that forces replacement,
 * such as `aws_kms_key.key_usage`, must be there, or the next plan replaces the object). Planning
 * the NEXT configuration against it with `-refresh=false` shows what Terraform does to those
 * objects (a rename without a `moved` block is a destroy), without a plan of the previous
 * configuration first.
 */
export function priorStateFromConfig(
  stackJson: string,
  addresses: readonly string[],
  module?: string,
  defaults: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {},
): unknown[] {
  const doc = JSON.parse(stackJson) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  return addresses.map((address) => {
    const [type, name] = address.split(".") as [string, string];
    const config = doc.resource?.[type]?.[name];
    if (config === undefined) {
      const known = Object.entries(doc.resource ?? {}).flatMap(([t, byName]) => Object.keys(byName).map((n) => `${t}.${n}`));
      throw new Error(`priorStateFromConfig: the configuration declares no ${address}; it declares ${known.join(", ")}`);
    }
    const attributes: Record<string, unknown> = { ...defaults[type] };
    for (const [k, v] of Object.entries(config)) {
      if (META.has(k)) continue;
      if (typeof v === "string" && v.includes("${"))
        throw new Error(`priorStateFromConfig: ${address}.${k} is a reference (${v}); only literal values can be state`);
      attributes[k] = v;
    }
    for (const k of ["id", "arn", "key_id"]) attributes[k] ??= `${address}:${k}`;
    const alias = typeof config.provider === "string" ? config.provider.split(".")[1] : undefined;
    return {
      ...(module === undefined ? {} : { module }),
      mode: "managed",
      type,
      name,
      provider: `${module === undefined ? "" : `${module}.`}provider["registry.terraform.io/hashicorp/aws"]${alias === undefined ? "" : `.${alias}`}`,
      instances: [{ schema_version: 0, attributes }],
    };
  });
}
