/**
 * The stateful-resources lock: `stateful-resources.lock.json` at the repository root maps every
 * stack to the sorted Terraform addresses of its KMS keys and buckets. Terraform identifies a
 * resource by its address; when an address disappears from the configuration, the next apply
 * DESTROYS the resource (a key: scheduled deletion, every object under it unreadable; a bucket: its
 * data). The lock turns such a change into a failing test unless
 *
 * - a `moved` block maps the old address to the new one (`moveFrom(resource, "aws_kms_key.old")` from
 *   this package, or cdktf's `resource.moveFromId(...)`; both render `"moved": [{"from": ..., "to": ...}]`
 *   at the top of cdk.tf.json), or
 * - a `removed` block with `lifecycle.destroy = false` forgets it deliberately (Terraform >= 1.7), or
 * - the lock is updated deliberately (`npm run lock:update`) and the diff is reviewed.
 */
import { STATEFUL_TYPES } from "../rules/state-prevent-destroy";
import { isObject } from "../json";
import type { JsonObject } from "../types";

/** File name of the lock, at the repository root. */
export const LOCK_FILE = "stateful-resources.lock.json";

/** Resource types whose addresses are locked: KMS keys and S3 buckets. */
export const LOCKED_TYPES: readonly string[] = STATEFUL_TYPES;

/** Stack name -> sorted addresses. */
export type StatefulLock = Readonly<Record<string, readonly string[]>>;

/** A synthesized stack: its name and its cdk.tf.json (text or parsed). */
export interface LockInput {
  readonly name: string;
  readonly json: string | JsonObject;
}

const parse = (json: string | JsonObject): JsonObject => (typeof json === "string" ? (JSON.parse(json) as JsonObject) : json);

/** The sorted addresses of the stack's keys and buckets. */
export function statefulAddresses(stackJson: string | JsonObject): string[] {
  const json = parse(stackJson);
  const resources = isObject(json.resource) ? json.resource : {};
  const out: string[] = [];
  for (const type of LOCKED_TYPES) {
    const byName = resources[type];
    if (isObject(byName)) for (const name of Object.keys(byName)) out.push(`${type}.${name}`);
  }
  return out.sort();
}

/** The stack's `moved` blocks. */
export function movedBlocks(stackJson: string | JsonObject): { from: string; to: string }[] {
  const moved = parse(stackJson).moved;
  return (Array.isArray(moved) ? moved : [])
    .filter(isObject)
    .filter((m) => typeof m.from === "string" && typeof m.to === "string")
    .map((m) => ({ from: m.from as string, to: m.to as string }));
}

/** The stack's `removed` blocks that keep the real resource (`lifecycle.destroy = false`). */
export function forgottenAddresses(stackJson: string | JsonObject): string[] {
  const removed = parse(stackJson).removed;
  return (Array.isArray(removed) ? removed : [removed])
    .filter(isObject)
    .filter((r) => typeof r.from === "string")
    .filter((r) => (Array.isArray(r.lifecycle) ? r.lifecycle : [r.lifecycle]).some((l) => isObject(l) && l.destroy === false))
    .map((r) => r.from as string);
}

/** The lock for a set of synthesized stacks (every stack listed, even without keys or buckets). */
export function lockOf(stacks: readonly LockInput[]): StatefulLock {
  const out: Record<string, string[]> = {};
  for (const s of [...stacks].sort((a, b) => a.name.localeCompare(b.name))) out[s.name] = statefulAddresses(s.json);
  return out;
}

/** The lock file's text: stacks sorted, addresses sorted, two-space indent, trailing newline. */
export function renderLock(lock: StatefulLock): string {
  const sorted: Record<string, string[]> = {};
  for (const name of Object.keys(lock).sort()) sorted[name] = [...(lock[name] ?? [])].sort();
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/** Parses and checks the lock file's shape. */
export function parseLock(text: string, file = LOCK_FILE): StatefulLock {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); regenerate it with npm run lock:update`);
  }
  if (!isObject(value)) throw new Error(`${file}: must be an object of stack name -> list of Terraform addresses`);
  const out: Record<string, string[]> = {};
  for (const [stack, list] of Object.entries(value)) {
    if (!Array.isArray(list) || !list.every((a) => typeof a === "string" && /^[a-z0-9_]+\.[A-Za-z_][\w-]*$/.test(a))) {
      throw new Error(`${file}: "${stack}" must be a list of Terraform addresses such as "aws_kms_key.data"`);
    }
    out[stack] = list as string[];
  }
  return out;
}

/** One locked address that disappears without a move: applying would destroy it. */
export interface DestroyedAddress {
  readonly stack: string;
  readonly address: string;
  /** Set when a moved block exists but points nowhere useful, or the whole stack is gone. */
  readonly note?: string;
  /**
   * The whole stack is no longer synthesized: no apply will ever run for it (synth removes its
   * folder), so its resources are not destroyed but orphaned: still in AWS and in its state, unmanaged.
   */
  readonly orphaned?: boolean;
}

/** The outcome of comparing the lock with a synth. */
export interface LockComparison {
  /** Locked addresses that would be destroyed. */
  readonly destroyed: readonly DestroyedAddress[];
  /** Synthesized addresses the lock does not know. */
  readonly untracked: readonly { stack: string; address: string }[];
  /** Locked addresses carried to a new address by a moved block (fine; run lock:update when convenient). */
  readonly moved: readonly { stack: string; from: string; to: string }[];
  /** Locked addresses dropped from state on purpose by a `removed` block with destroy = false. */
  readonly forgotten: readonly { stack: string; address: string }[];
  readonly ok: boolean;
}

/** Compares the committed lock with the synthesized stacks. */
export function compareLock(lock: StatefulLock, stacks: readonly LockInput[]): LockComparison {
  const destroyed: DestroyedAddress[] = [];
  const untracked: { stack: string; address: string }[] = [];
  const moved: { stack: string; from: string; to: string }[] = [];
  const forgotten: { stack: string; address: string }[] = [];
  const synthesized = new Map(stacks.map((s) => [s.name, parse(s.json)]));
  const names = [...new Set([...Object.keys(lock), ...synthesized.keys()])].sort();
  for (const stack of names) {
    const json = synthesized.get(stack);
    const locked = lock[stack] ?? [];
    if (!json) {
      for (const address of locked) {
        destroyed.push({
          stack,
          address,
          orphaned: true,
          note: "the whole stack is no longer synthesized: no apply will run for it, so this resource is ORPHANED (left in AWS and in the stack's state, unmanaged), not destroyed",
        });
      }
      continue;
    }
    const current = new Set(statefulAddresses(json));
    const moves = movedBlocks(json);
    const removed = new Set(forgottenAddresses(json));
    const movedTo = new Set<string>();
    for (const address of locked) {
      if (current.has(address)) continue;
      const move = moves.find((m) => m.from === address);
      if (move && current.has(move.to)) {
        moved.push({ stack, from: address, to: move.to });
        movedTo.add(move.to);
      } else if (removed.has(address)) {
        forgotten.push({ stack, address });
      } else {
        destroyed.push({ stack, address, ...(move ? { note: `its moved block points at ${move.to}, which this stack does not create` } : {}) });
      }
    }
    const lockedSet = new Set(locked);
    for (const address of [...current].sort()) {
      if (!lockedSet.has(address) && !movedTo.has(address)) untracked.push({ stack, address });
    }
  }
  return { destroyed, untracked, moved, forgotten, ok: destroyed.length === 0 && untracked.length === 0 };
}

/** The failure message: what would happen, and both ways out. */
export function formatLockFailure(cmp: LockComparison, lockFile = LOCK_FILE): string {
  const lines: string[] = [];
  if (cmp.destroyed.length > 0) {
    const orphaned = cmp.destroyed.filter((d) => d.orphaned);
    const gone = cmp.destroyed.length - orphaned.length;
    lines.push(
      `${cmp.destroyed.length} locked KMS key/bucket address(es) disappeared from synth:` +
        (gone > 0 ? ` terraform apply of their stack would DESTROY ${gone}` : "") +
        (orphaned.length > 0
          ? `${gone > 0 ? ";" : ""} ${orphaned.length} belong to stacks synth no longer writes: no apply runs for those, they would be ORPHANED (left in AWS, unmanaged), not destroyed`
          : "") +
        ".",
    );
    for (const d of cmp.destroyed) lines.push(`  - ${d.stack}: ${d.address}${d.note ? ` (${d.note})` : ""}`);
    lines.push(
      "",
      "A destroyed KMS key is scheduled for deletion and every object encrypted under it becomes unreadable; a destroyed bucket loses its data.",
      ...(orphaned.length > 0
        ? [
            "A removed stack: destroy it BEFORE its configuration goes (from the old synth: cd cdktf.out/stacks/<stack> && terraform destroy),",
            "or keep its resources on purpose (a removed block with lifecycle { destroy = false } per resource, applied once), then remove it.",
          ]
        : []),
      "Two ways out:",
      "  1. It is a rename: keep the resource and tell Terraform it moved. A renamed key (key.name in environment.json):",
      '       add its old name to key.previousNames, e.g. "previousNames": ["data"] (each becomes a moved block).',
      "     In code, where the resource is now created:",
      '       moveFrom(key.resource, "<old address>")   // from @sse-kms/construct-kit, e.g. "aws_kms_key.data"',
      '     which renders "moved": [{"from": "<old address>", "to": "<new address>"}] in cdk.tf.json. cdktf\'s own',
      '     key.resource.moveFromId("<old address>") renders the same block but makes `npm run synth` need a Terraform binary.',
      "     Better still, pin the old address (EncryptionKey / EncryptedBucket terraformName) so nothing moves at all.",
      `  2. The removal is deliberate and reviewed: run \`npm run lock:update\` and commit ${lockFile} with the change, so the`,
      "     removed address shows in the diff. In production, prevent_destroy must be lifted first, in its own reviewed change.",
    );
  }
  if (cmp.untracked.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(`${cmp.untracked.length} KMS key/bucket address(es) are synthesized but not in ${lockFile}:`);
    for (const u of cmp.untracked) lines.push(`  + ${u.stack}: ${u.address}`);
    lines.push(
      "",
      `Run \`npm run refresh\` (it adds new addresses, never removes any) and commit ${lockFile}, so that a later rename or removal`,
      "of these resources is caught. If one of them replaces a locked address (a rename), record the move instead (key.previousNames).",
    );
  }
  return lines.join("\n");
}

/**
 * Whether `npm run lock:update -- --check` passes: the lock test would pass (nothing destroyed,
 * nothing untracked) and the file is in its canonical form. Addresses carried by a moved block, or
 * forgotten by a removed block, may stay in the lock: `npm run refresh` keeps them (it never removes
 * an address), and while they are locked, deleting the moved or removed block before every state
 * has applied it fails the lock test. `npm run lock:update` drops them when the team chooses.
 */
export function lockIsCurrent(lockText: string, stacks: readonly LockInput[], lockFile = LOCK_FILE): boolean {
  const lock = parseLock(lockText, lockFile);
  return compareLock(lock, stacks).ok && lockText === renderLock(lock);
}

/** The change lock:update makes, one line per address: `- stack: address` removed, `+ stack: address` added. */
export function lockDiff(previous: StatefulLock, next: StatefulLock): string[] {
  const lines: string[] = [];
  for (const stack of [...new Set([...Object.keys(previous), ...Object.keys(next)])].sort()) {
    const before = new Set(previous[stack] ?? []);
    const after = new Set(next[stack] ?? []);
    if (!(stack in previous)) lines.push(`+ ${stack} (new stack)`);
    if (!(stack in next)) lines.push(`- ${stack} (stack removed)`);
    for (const a of [...before].sort()) if (!after.has(a)) lines.push(`- ${stack}: ${a}`);
    for (const a of [...after].sort()) if (!before.has(a)) lines.push(`+ ${stack}: ${a}`);
  }
  return lines;
}
