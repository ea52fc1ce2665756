/**
 * Renders docs/blueprints/<blueprint>.md from synthesized stacks: a Mermaid diagram per stack
 * (accounts, keys, aliases, buckets, roles and the references between them), the rendered key,
 * bucket and role policies, and links to the access matrices. Pure: same stacks, same bytes.
 */

import { referencesIn } from "@sse-kms/policy";

type Json = Record<string, unknown>;
type Blocks = Record<string, Record<string, Json>>;

/** One synthesized stack. */
export interface DocStack {
  readonly name: string;
  readonly env: string;
  readonly json: string;
}

const MAIN_TYPES: Record<string, string> = {
  aws_kms_key: "KMS key",
  aws_kms_external_key: "KMS key (EXTERNAL, imported material)",
  aws_kms_alias: "alias",
  aws_s3_bucket: "bucket",
  aws_iam_role: "IAM role",
};

interface Provider {
  readonly key: string;
  readonly account: string;
  readonly region: string;
}

function providers(stack: Json): Provider[] {
  const list = ((stack.provider as Json | undefined)?.aws as Json[] | undefined) ?? [];
  return list.map((p) => ({
    key: p.alias ? `aws.${String(p.alias)}` : "aws",
    account: ((p.allowed_account_ids as string[] | undefined) ?? ["?"])[0] ?? "?",
    region: String(p.region ?? "?"),
  }));
}

const nodeId = (type: string, name: string) => `${type}__${name}`.replace(/[^A-Za-z0-9_]/g, "_");

/** The managed resources a value refers to (`${aws_kms_key.data.arn}` -> ["aws_kms_key", "data"]); data sources and modules are not drawn. */
function refsIn(value: unknown): [string, string][] {
  return [...referencesIn(value)].filter((a) => !a.startsWith("data.") && !a.startsWith("module.")).map((a) => a.split(".") as [string, string]);
}

function edgeLabel(subType: string): string {
  if (subType.endsWith("server_side_encryption_configuration")) return "SSE-KMS default encryption";
  if (subType.endsWith("replication_configuration")) return "replicates SSE-KMS objects to";
  if (subType === "aws_kms_alias") return "points at";
  if (subType === "aws_iam_role_policy") return "may use";
  if (subType.endsWith("policy")) return "policy names";
  return "references";
}

/** The Mermaid flowchart of one stack. */
export function stackDiagram(stackJson: string): string {
  const stack = JSON.parse(stackJson) as Json;
  const resources = (stack.resource ?? {}) as Blocks;
  const byProvider = new Map<string, string[]>();
  const nodes = new Set<string>();
  for (const [type, label] of Object.entries(MAIN_TYPES)) {
    for (const [name, config] of Object.entries(resources[type] ?? {})) {
      const provider = String(config.provider ?? "aws");
      const title =
        type === "aws_s3_bucket"
          ? String(config.bucket)
          : type === "aws_kms_alias"
            ? String(config.name)
            : type === "aws_iam_role"
              ? String(config.name)
              : name;
      const shape = type === "aws_s3_bucket" ? [`[(`, `)]`] : type === "aws_iam_role" ? [`[/`, `/]`] : type === "aws_kms_alias" ? ["([", "])"] : ["{{", "}}"];
      const line = `    ${nodeId(type, name)}${shape[0]}"${label}<br/>${title}"${shape[1]}`;
      byProvider.set(provider, [...(byProvider.get(provider) ?? []), line]);
      nodes.add(`${type}.${name}`);
    }
  }
  const out = ["```mermaid", "flowchart LR"];
  for (const p of providers(stack)) {
    const lines = byProvider.get(p.key) ?? [];
    if (lines.length === 0) continue;
    out.push(`  subgraph ${p.key.replace(/\./g, "_")}["account ${p.account} (${p.region})"]`, ...lines, "  end");
  }
  const edges = new Set<string>();
  const add = (from: string, to: string, label: string) => {
    if (from !== to && nodes.has(from) && nodes.has(to)) {
      const [ft, fn] = from.split(".") as [string, string];
      const [tt, tn] = to.split(".") as [string, string];
      edges.add(`  ${nodeId(ft, fn)} -- "${label}" --> ${nodeId(tt, tn)}`);
    }
  };
  for (const [type, byName] of Object.entries(resources)) {
    for (const [name, config] of Object.entries(byName)) {
      const { depends_on: _d, ...attributes } = config;
      const refs = refsIn(attributes);
      // A bucket's sub-resource belongs to the bucket it configures.
      const bucketRef = type.startsWith("aws_s3_bucket_") ? refsIn(config.bucket).find(([t]) => t === "aws_s3_bucket") : undefined;
      const owner = bucketRef
        ? `aws_s3_bucket.${bucketRef[1]}`
        : type === "aws_iam_role_policy"
          ? refsIn(config.role).map(([t, n]) => `${t}.${n}`)[0]
          : `${type}.${name}`;
      if (!owner) continue;
      for (const [t, n] of refs) {
        const target = `${t}.${n}`;
        if (target === owner) continue;
        if (type.endsWith("replication_configuration") && t === "aws_iam_role") add(owner, target, "replicates as");
        else if (type.endsWith("replication_configuration") && t.startsWith("aws_kms_")) add(owner, target, "replicas encrypted with");
        else add(owner, target, edgeLabel(type));
      }
      // The destination bucket is a literal ARN: a bucket of this stack, or an existing bucket
      // owned by another team (drawn outside the accounts this stack manages).
      if (type.endsWith("replication_configuration")) {
        const [ot, on] = owner.split(".") as [string, string];
        for (const m of JSON.stringify(config.rule ?? "").matchAll(/arn:aws[a-z-]*:s3:::([a-z0-9.-]+)/g)) {
          const name = m[1] as string;
          const local = Object.entries(resources.aws_s3_bucket ?? {}).find(([, b]) => b.bucket === name);
          if (local) {
            add(owner, `aws_s3_bucket.${local[0]}`, "replicates SSE-KMS objects to");
          } else {
            out.push(`  external_${nodeId("bucket", name)}[("existing bucket<br/>${name}<br/>(another team's account)")]`);
            edges.add(`  ${nodeId(ot, on)} -- "replicates SSE-KMS objects to" --> external_${nodeId("bucket", name)}`);
          }
        }
      }
    }
  }
  out.push(...[...edges].sort(), "```");
  return out.join("\n");
}

function policySections(stackJson: string): string[] {
  const resources = ((JSON.parse(stackJson) as Json).resource ?? {}) as Blocks;
  const out: string[] = [];
  const kinds: [string, string, string][] = [
    ["aws_kms_key", "policy", "Key policy"],
    ["aws_kms_external_key", "policy", "Key policy"],
    ["aws_s3_bucket_policy", "policy", "Bucket policy"],
    ["aws_iam_role", "assume_role_policy", "Trust policy"],
    ["aws_iam_role_policy", "policy", "Role policy"],
  ];
  for (const [type, attribute, title] of kinds) {
    for (const [name, config] of Object.entries(resources[type] ?? {})) {
      const value = config[attribute];
      if (typeof value !== "string") continue;
      out.push(`#### ${title}: \`${type}.${name}\``, "", "```json", JSON.stringify(JSON.parse(value), null, 2), "```", "");
    }
  }
  return out;
}

/** The whole Markdown page of one blueprint, over the stacks of every environment that uses it. */
export function renderBlueprintDoc(blueprint: string, stacks: readonly DocStack[]): string {
  const lines = [
    `# Blueprint \`${blueprint}\``,
    "",
    "<!-- Generated by `npm run docs` from the synthesized stacks. Do not edit: a test fails when this file is stale. -->",
    "",
    `Source: [\`blueprints/${blueprint}\`](../../blueprints/${blueprint}). Stacks: ${stacks.map((s) => `\`${s.name}\``).join(", ")}.`,
    "Terraform references (`${...}`) inside policies are resolved at apply time.",
    "",
  ];
  for (const s of stacks) {
    lines.push(
      `## \`${s.name}\``,
      "",
      stackDiagram(s.json),
      "",
      `Who can do what: [access matrix of ${s.env}](../access/${s.env}.md).`,
      "",
      "### Policies",
      "",
      ...policySections(s.json),
    );
  }
  return `${lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
