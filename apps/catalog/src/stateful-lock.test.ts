/**
 * Stateful-resource safety over every shipped stack: the KMS keys and buckets each stack
 * synthesizes must match stateful-resources.lock.json. A locked address that disappears (a rename
 * or removal: terraform apply would destroy the key or bucket) fails unless a moved block carries it
 * to its new address; an address the lock does not know fails until `npm run lock:update`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GuardrailPack, LOCK_FILE, compareLock, formatLockFailure, parseLock, renderLock } from "@sse-kms/guardrails";
import { Aspects, Testing } from "cdktf";
import { findRepoRoot, loadEnvironments } from "./app";
import { buildEnvironment } from "./catalog";
import { synthEnvironment } from "./synth";

const repoRoot = findRepoRoot(__dirname);
const environments = loadEnvironments(repoRoot);
// Synthesizing applies the guardrail pack (EnvironmentStack adds it): a violation fails here too.
const stacks = environments.flatMap((env) => synthEnvironment(env)).map((s) => ({ name: s.name, json: s.json }));
const lockText = readFileSync(join(repoRoot, LOCK_FILE), "utf8");

describe(`${LOCK_FILE}`, () => {
  test("every locked key and bucket is still synthesized (or moved), and every synthesized one is locked", () => {
    const cmp = compareLock(parseLock(lockText, LOCK_FILE), stacks);
    if (!cmp.ok) throw new Error(formatLockFailure(cmp, LOCK_FILE));
    expect(cmp.ok).toBe(true);
  });

  test("is in the canonical form npm run lock:update writes (sorted, no hand-formatting)", () => {
    expect(lockText).toBe(renderLock(parseLock(lockText, LOCK_FILE)));
  });
});

describe("guardrails on every shipped stack", () => {
  test.each(environments.map((env) => [env.name, env] as const))("%s: each stack carries the guardrail pack for its environment", (_name, env) => {
    for (const stack of buildEnvironment(Testing.app({ stackTraces: false }), env)) {
      const packs = Aspects.of(stack).all.filter((a): a is GuardrailPack => a instanceof GuardrailPack);
      expect(packs.map((p) => p.production)).toEqual([env.production]);
    }
  });
});
