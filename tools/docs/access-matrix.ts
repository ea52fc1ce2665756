/**
 * The per-environment access matrix for auditors: who may do what on each key and bucket, computed
 * by the IAM policy simulator (`@sse-kms/testing`, testing layer 4) from the synthesized policies.
 * Pure: no file access, no clock; the same stacks give the same Markdown byte for byte.
 *
 * Dev-time only: it pulls in the simulator (AGPL-3.0, a devDependency), so nothing that ships
 * (apps/main.ts, the catalog's index) may import this file.
 */
import { EnvironmentStack } from "@sse-kms/stack";
import {
  type AccessDecision,
  type AccessRequest,
  type BucketInfo,
  type KeyInfo,
  type StackInventory,
  type StackSource,
  allowAll,
  inventoryOf,
  simulateAccess,
} from "@sse-kms/testing";

/** A cell: the decision in auditor words, or `n/a` when the column does not apply (no KMS key). */
export type AccessCell = "Allowed" | "explicit deny" | "implicit deny" | "n/a";

/** How a row's identity (IAM) side is modelled. */
export type IdentityModel = "allow-all" | "root user" | "stack policies" | "none";

/** One principal of a table. */
export interface AccessMatrixRow {
  readonly principal: string;
  /** Why the principal is listed (where it is named, or which probe it is). */
  readonly listedAs: string;
  readonly identity: IdentityModel;
  readonly cells: readonly AccessCell[];
}

/** One table: a bucket with its key, or a key that no bucket of the stack uses. */
export interface AccessMatrixTable {
  readonly stack: string;
  readonly title: string;
  readonly rows: readonly AccessMatrixRow[];
}

/** The computed matrix; {@link formatAccessMatrix} renders it. */
export interface AccessMatrix {
  readonly columns: readonly string[];
  readonly tables: readonly AccessMatrixTable[];
}

/** The columns, in order. `s3:PutObject (no SSE header)` shows the strict-mode trade-off. */
export const ACCESS_MATRIX_COLUMNS = [
  "kms:Decrypt",
  "kms:GenerateDataKey",
  "kms:Encrypt",
  "kms:PutKeyPolicy",
  "kms:ScheduleKeyDeletion",
  "s3:PutObject",
  "s3:PutObject (no SSE header)",
  "s3:GetObject",
] as const;

const CRYPTO = new Set(["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"]);
const OBJECT_KEY = "example-object";
const UNLISTED_ROLE = "sse-kms-unlisted-role";

interface Principal {
  readonly arn: string;
  readonly listedAs: string[];
  readonly identity: IdentityModel;
}

const cellOf = (d: AccessDecision): AccessCell => (d === "Allowed" ? "Allowed" : d === "ExplicitlyDenied" ? "explicit deny" : "implicit deny");
const accountOf = (arn: string) => arn.split(":")[4] ?? "";
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const add = (map: Map<string, string[]>, key: string, value?: string) => {
  const list = map.get(key) ?? [];
  if (value !== undefined) list.push(value);
  map.set(key, list);
};

const PRINCIPAL_LISTS = new Set(["administrators", "users", "readers", "writers"]);

/** Principals the blueprint config names: every `administrators` / `users` / `readers` / `writers` list, at any depth. */
function configuredPrincipals(value: unknown, path: string, out: Map<string, string[]>): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const name = isRecord(v) && typeof v.name === "string" ? v.name : String(i);
      configuredPrincipals(v, `${path}[${name}]`, out);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const here = `${path}.${k}`;
    if (PRINCIPAL_LISTS.has(k) && Array.isArray(v)) {
      for (const arn of v) if (typeof arn === "string") add(out, arn, `configured in ${here}`);
    } else configuredPrincipals(v, here, out);
  }
}

/** AWS principal ARNs of a policy document, with the statement that names them. */
function namedIn(doc: { Statement: readonly { Sid?: string; Principal?: unknown }[] }, source: string, out: Map<string, string[]>): void {
  doc.Statement.forEach((s, i) => {
    const aws = isRecord(s.Principal) ? s.Principal.AWS : undefined;
    const list = typeof aws === "string" ? [aws] : Array.isArray(aws) ? aws : [];
    for (const arn of list) {
      if (typeof arn !== "string" || !arn.startsWith("arn:")) continue;
      add(out, arn, `${source} ${s.Sid ? `"${s.Sid}"` : `#${i + 1}`}`);
    }
  });
}

function principalsOf(inv: StackInventory, stackName: string, env: EnvironmentStack | undefined): Principal[] {
  const named = new Map<string, string[]>();
  if (env) configuredPrincipals(env.env.blueprints[env.blueprint as keyof typeof env.env.blueprints], `blueprints.${env.blueprint}`, named);
  for (const k of inv.keys.filter((k) => k.stack.name === stackName)) namedIn(k.policy().document, k.policy().source, named);
  for (const b of inv.buckets.filter((b) => b.stack.name === stackName)) {
    const p = b.policy();
    if (p) namedIn(p.document, p.source, named);
  }
  const stackRoles = new Map(inv.roles.filter((r) => r.stack.name === stackName).map((r) => [r.arn, r.address]));
  for (const [arn, address] of stackRoles) add(named, arn, `defined as ${address}`);

  const partition = [...inv.keys, ...inv.buckets].find((r) => r.stack.name === stackName)?.scope.partition ?? "aws";
  const accounts = [...new Set([...inv.keys, ...inv.buckets, ...inv.roles].filter((r) => r.stack.name === stackName).map((r) => r.scope.account))].sort();
  for (const account of accounts) {
    const root = `arn:${partition}:iam::${account}:root`;
    add(named, root);
  }
  const isRoot = (arn: string) => /:root$/.test(arn);
  const rows: Principal[] = [...named.keys()]
    .sort((a, b) => Number(!isRoot(a)) - Number(!isRoot(b)) || a.localeCompare(b, "en"))
    .map((arn) => ({
      arn,
      listedAs: isRoot(arn) ? ["account root user", ...(named.get(arn) ?? [])] : (named.get(arn) ?? []),
      identity: isRoot(arn) ? "root user" : stackRoles.has(arn) ? "stack policies" : "allow-all",
    }));
  const known = new Set([...inv.keys, ...inv.buckets, ...inv.roles].map((r) => r.scope.account).concat([...named.keys()].map(accountOf)));
  const other = ["999999999999", "888888888888", "777777777777", "666666666666"].find((a) => !known.has(a)) ?? "000000000000";
  for (const account of accounts) {
    rows.push({
      arn: `arn:${partition}:iam::${account}:role/${UNLISTED_ROLE}`,
      listedAs: [`probe: a role of account ${account} that no policy names`],
      identity: "allow-all",
    });
  }
  rows.push({ arn: `arn:${partition}:iam::${other}:role/${UNLISTED_ROLE}`, listedAs: [`probe: a role of another account (${other})`], identity: "allow-all" });
  rows.push({ arn: "*", listedAs: ["probe: an unsigned request"], identity: "none" });
  return rows;
}

function request(p: Principal, column: string, key: KeyInfo | undefined, bucket: BucketInfo | undefined): AccessRequest | undefined {
  const identityPolicies = p.identity === "allow-all" ? [allowAll] : [];
  const base = { principal: p.arn, identityPolicies, ...(p.arn === "*" ? {} : { principalAccount: accountOf(p.arn) }) };
  if (column.startsWith("kms:")) {
    if (!key) return undefined;
    const kms = { ...base, action: column, resource: { kmsKey: key.address, stack: key.stack.name } };
    if (!CRYPTO.has(column)) return kms;
    return bucket ? { ...kms, viaS3: { bucket: bucket.name } } : { ...kms, context: { "kms:ViaService": `s3.${key.scope.region}.${key.scope.dnsSuffix}` } };
  }
  if (!bucket) return undefined;
  const resource = { bucket: bucket.name, key: OBJECT_KEY, stack: bucket.stack.name };
  if (column === "s3:GetObject") return { ...base, action: "s3:GetObject", resource };
  const headers: Record<string, string> =
    column === "s3:PutObject"
      ? { "s3:x-amz-server-side-encryption": "aws:kms", ...(key ? { "s3:x-amz-server-side-encryption-aws-kms-key-id": key.arn } : {}) }
      : {};
  return { ...base, action: "s3:PutObject", resource, context: headers };
}

async function table(
  inv: StackInventory,
  stackName: string,
  title: string,
  principals: Principal[],
  key: KeyInfo | undefined,
  bucket: BucketInfo | undefined,
): Promise<AccessMatrixTable> {
  const rows: AccessMatrixRow[] = [];
  for (const p of principals) {
    const cells: AccessCell[] = [];
    for (const column of ACCESS_MATRIX_COLUMNS) {
      const r = request(p, column, key, bucket);
      cells.push(r === undefined ? "n/a" : cellOf((await simulateAccess(inv, r)).decision));
    }
    rows.push({ principal: p.arn, listedAs: p.listedAs.join("; "), identity: p.identity, cells });
  }
  return { stack: stackName, title, rows };
}

/**
 * Computes the matrix of every stack: one table per bucket (with the key of its default
 * encryption) and one per key that no bucket of the stack uses. All stacks are read together, so
 * cross-stack references resolve.
 */
export async function computeAccessMatrix(stacks: readonly (StackSource | EnvironmentStack)[]): Promise<AccessMatrix> {
  const inv = inventoryOf(stacks);
  const tables: AccessMatrixTable[] = [];
  for (const stack of inv.stacks) {
    const env = stacks.find((s): s is EnvironmentStack => s instanceof EnvironmentStack && s.node.id === stack.name);
    const principals = principalsOf(inv, stack.name, env);
    const buckets = inv.buckets.filter((b) => b.stack.name === stack.name);
    const usedKeys = new Set<string>();
    for (const bucket of buckets) {
      const enc = bucket.encryption();
      const key = enc?.kmsKeyArn === undefined ? undefined : inv.keyByArnOrId(enc.kmsKeyArn);
      if (key) usedKeys.add(key.arn);
      const keyText = key
        ? `key \`${key.address}\`${key.stack.name === stack.name ? "" : ` of stack \`${key.stack.name}\``}`
        : enc?.kmsKeyArn !== undefined && !enc.kmsKeyArn.includes("${")
          ? `existing key \`${enc.kmsKeyArn}\` (not managed by this stack: its key policy is its owner's, so the kms columns are n/a; see docs/handover/${stack.name}.md)`
          : enc
            ? `no customer-managed key (${enc.sseAlgorithm})`
            : "no default encryption";
      const title = `Bucket \`${bucket.name}\`: ${keyText}, ${bucket.scope.region}, account ${bucket.scope.account}${enc?.bucketKeyEnabled === false ? ", no Bucket Key (object ARN context)" : ""}`;
      tables.push(await table(inv, stack.name, title, principals, key, bucket));
    }
    for (const key of inv.keys.filter((k) => k.stack.name === stack.name && !usedKeys.has(k.arn))) {
      const title = `Key \`${key.address}\` (no bucket of this stack uses it), ${key.scope.region}, account ${key.scope.account}`;
      tables.push(await table(inv, stack.name, title, principals, key, undefined));
    }
  }
  return { columns: ACCESS_MATRIX_COLUMNS, tables };
}

const HEADER = (envName: string) => `# Access matrix: ${envName}

Computed from the synthesized key and bucket policies with an IAM policy simulator
(\`@sse-kms/testing\`, \`@cloud-copilot/iam-simulate\`). Do not edit: regenerate it.

## What a cell means

- **Allowed**: the simulator allows the request described below.
- **explicit deny**: a Deny statement matches the request (nothing can override it).
- **implicit deny**: no statement allows it (the default).
- **n/a**: the column does not apply (the bucket has no customer-managed key, its key is not managed by the stack, or the table is a key without a bucket).

The request behind each column (always over TLS, \`aws:SecureTransport = true\`):

- \`kms:Decrypt\`, \`kms:GenerateDataKey\`, \`kms:Encrypt\`: S3 calling KMS for SSE-KMS with the principal's
  credentials, on the bucket's default-encryption key: \`kms:ViaService = s3.<bucket region>.amazonaws.com\`,
  \`kms:CallerAccount = <principal's account>\`, \`kms:EncryptionContext:aws:s3:arn = <bucket ARN>\` (the object
  ARN when the bucket has no Bucket Key). For a key without a bucket: through S3 in the key's region, no encryption context.
- \`kms:PutKeyPolicy\`, \`kms:ScheduleKeyDeletion\`: direct calls to the KMS API (S3 never makes them).
- \`s3:PutObject\`: an upload of \`${OBJECT_KEY}\` with \`x-amz-server-side-encryption: aws:kms\` and the bucket's key
  in \`x-amz-server-side-encryption-aws-kms-key-id\`.
- \`s3:PutObject (no SSE header)\`: the same upload without encryption headers, relying on default encryption
  (\`aws s3 cp\` without \`--sse\`); strict buckets deny it.
- \`s3:GetObject\`: a download of \`${OBJECT_KEY}\`.

An upload needs both \`s3:PutObject\` and \`kms:GenerateDataKey\`; a download needs \`s3:GetObject\` and \`kms:Decrypt\`.

The IAM column says how the principal's own (identity) policies are modelled:
\`allow-all\`: an \`Allow *:*\` policy, so the row shows the most the key and bucket policies permit;
\`root user\`: the account root user, which holds every permission in its own account;
\`stack policies\`: the role's policies as the stack defines them; \`none\`: an anonymous request.
Principals are those the blueprint configuration and the policies name, plus probes: a role of the same
account that no policy names, a role of another account, and an unsigned request.

Not modelled: SCPs and RCPs, permission boundaries, session policies, VPC endpoint policies, KMS grants,
S3 Block Public Access and ACLs (ACLs are disabled on these buckets).
`;

const code = (s: string) => (s === "*" ? "`*` (anonymous)" : `\`${s}\``);

/** Renders a computed matrix as Markdown. Pure and synchronous. */
export function formatAccessMatrix(envName: string, matrix: AccessMatrix): string {
  const out = [HEADER(envName)];
  let stack: string | undefined;
  for (const t of matrix.tables) {
    if (t.stack !== stack) {
      stack = t.stack;
      out.push(`## Stack \`${t.stack}\`\n`);
    }
    out.push(`### ${t.title}\n`);
    out.push(`| Principal | Listed as | IAM | ${matrix.columns.join(" | ")} |`);
    out.push(`|---|---|---|${matrix.columns.map(() => "---").join("|")}|`);
    for (const r of t.rows) out.push(`| ${code(r.principal)} | ${r.listedAs} | ${r.identity} | ${r.cells.join(" | ")} |`);
    out.push("");
  }
  if (matrix.tables.length === 0) out.push("No stack of this environment has a KMS key or bucket.\n");
  return out.join("\n");
}

/**
 * The Markdown access matrix of one environment's stacks (`buildEnvironment(app, env)`, or their
 * synthesized JSON). Asynchronous because the simulator is; deterministic and free of side effects.
 */
export async function renderAccessMatrix(envName: string, stacks: readonly (StackSource | EnvironmentStack)[]): Promise<string> {
  return formatAccessMatrix(envName, await computeAccessMatrix(stacks));
}
