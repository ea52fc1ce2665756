/**
 * `npm run lock:update` rewrites stateful-resources.lock.json from a fresh synth of every
 * environment (apps/<env>/environment.json) and prints what it removes and adds. Run it after a
 * deliberate, reviewed change to the set of KMS keys and buckets, and commit the lock with it: the
 * removed lines in the diff are the resources the next apply destroys (unless a moved block covers
 * them).
 *
 * `npm run lock:update -- --check` only compares and exits 1 when the lock test would fail (for CI): an
 * address synth no longer makes that no moved or removed block covers, or one the lock lacks. Addresses
 * kept by moved or removed blocks pass (refresh keeps them; see lockIsCurrent).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
// The argument parser is loaded alone, synth (cdktf, the provider) only once the command line is valid.
import { parseCliArgs, runCli } from "@sse-kms/config/args";
import type { LockInput, StatefulLock } from "@sse-kms/guardrails";

const USAGE = `npm run lock:update [-- --check]
Rewrites stateful-resources.lock.json from a fresh synth of every environment; --check only compares (exit 1 when the lock test would fail).`;

async function main(args: readonly string[]): Promise<number> {
  const check = parseCliArgs(args, { check: { type: "boolean" } }).flags.has("check");
  const { ConfigError } = await import("@sse-kms/config");
  const { findRepoRoot, loadEnvironments, synthEnvironment } = await import("@sse-kms/blueprint-catalog");
  const { LOCK_FILE, compareLock, lockDiff, lockIsCurrent, lockOf, parseLock, renderLock } = await import("@sse-kms/guardrails");
  const synthAll = (root: string): LockInput[] => loadEnvironments(root).flatMap((env) => synthEnvironment(env).map((s) => ({ name: s.name, json: s.json })));
  const root = findRepoRoot(__dirname);
  const file = join(root, LOCK_FILE);
  let stacks: LockInput[];
  try {
    stacks = synthAll(root);
  } catch (e) {
    // A bad config or a guardrail violation: the message says what to fix.
    if (e instanceof ConfigError || (e instanceof Error && /^Guardrail/.test(e.name))) {
      console.error(`lock:update: synth failed, the lock is unchanged:\n${e.message}`);
      return 1;
    }
    throw e; // runCli prints it on one line, exit 1
  }
  const text = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  const previous: StatefulLock = text === undefined ? {} : parseLock(text, LOCK_FILE);
  const next = lockOf(stacks);
  const cmp = compareLock(previous, stacks);
  const diff = lockDiff(previous, next);
  const count = Object.values(next).reduce((n, list) => n + list.length, 0);
  if (diff.length === 0 && text === renderLock(next)) {
    console.log(`${LOCK_FILE} is up to date: ${Object.keys(next).length} stacks, ${count} keys and buckets.`);
    return 0;
  }
  if (check && text !== undefined && lockIsCurrent(text, stacks, LOCK_FILE)) {
    // What refresh leaves after a rename: the old address stays locked next to the new one.
    const kept = cmp.moved.length + cmp.forgotten.length;
    console.log(
      `${LOCK_FILE} is current: ${Object.keys(next).length} stacks, ${count} keys and buckets; ${kept} locked address(es) kept by moved or removed blocks (npm run lock:update drops them once every state has applied them).`,
    );
    return 0;
  }
  const moved = new Map(cmp.moved.map((m) => [`${m.stack}: ${m.from}`, m.to]));
  const forgotten = new Set(cmp.forgotten.map((f) => `${f.stack}: ${f.address}`));
  console.log(`${check ? "Out of date" : "Updating"}: ${LOCK_FILE} (- removed, + added)`);
  for (const line of diff) {
    const key = line.slice(2);
    const note = moved.has(key)
      ? `   (moved to ${moved.get(key)}: state is kept)`
      : forgotten.has(key)
        ? "   (removed block, destroy = false: the resource is kept, no longer managed)"
        : "";
    console.log(`  ${line}${note}`);
  }
  const orphaned = cmp.destroyed.filter((d) => d.orphaned).map((d) => `${d.stack}: ${d.address}`);
  if (orphaned.length > 0) {
    console.log(
      `\nWARNING: ${orphaned.length === 1 ? "this resource belongs" : "these resources belong"} to stacks synth no longer writes: no apply will run for them, so they are ORPHANED (left in AWS and in their state, unmanaged), not destroyed:\n` +
        orphaned.map((d) => `  ${d}`).join("\n") +
        "\nDestroy such a stack before its configuration goes (cd cdktf.out/stacks/<stack> && terraform destroy, from the synth that still writes it),\n" +
        "or keep its resources on purpose with removed blocks (lifecycle { destroy = false }) applied once.",
    );
  }
  const destroyed = cmp.destroyed.filter((d) => !d.orphaned).map((d) => `${d.stack}: ${d.address}`);
  if (destroyed.length > 0) {
    console.log(
      `\nWARNING: terraform apply will DESTROY ${destroyed.length === 1 ? "this resource" : "these resources"} (no moved block covers ${destroyed.length === 1 ? "it" : "them"}):\n` +
        destroyed.map((d) => `  ${d}`).join("\n") +
        "\nA destroyed key is scheduled for deletion and every object encrypted under it becomes unreadable. If this is a rename, add\n" +
        'moveFrom(resource, "<old address>") from @sse-kms/construct-kit instead (or key.previousNames in environment.json), and keep the lock as it is.',
    );
  }
  if (check) {
    console.log("\nRun `npm run lock:update` and commit the lock after reviewing the change.");
    return 1;
  }
  writeFileSync(file, renderLock(next));
  console.log(`\nWrote ${LOCK_FILE}: ${Object.keys(next).length} stacks, ${count} keys and buckets. Review the diff and commit it with the change.`);
  return 0;
}

runCli("lock:update", USAGE, main);
