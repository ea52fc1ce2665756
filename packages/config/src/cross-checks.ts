/**
 * Environment-level rules that span fields of one environment file. Each is `(env, ctx) => void`
 * over the parsed environment and walks it generically, so it holds for every blueprint schema,
 * wherever the blueprint keeps its keys. Called from the environment schema's superRefine.
 */
import type { z } from "zod";
import { isAccountId } from "./primitives";

type Path = (string | number)[];

/** What a key-like block is found with: its path and the account it belongs to. */
interface KeyBlock {
  /** Field path of the block, e.g. `blueprints.cross-account-replication.destination.key`. */
  readonly path: Path;
  /** The block's `administrators`, `users` (strings only; the schema reports the rest). */
  readonly administrators: readonly unknown[] | undefined;
  readonly users: readonly unknown[] | undefined;
  /** A bucket's per-bucket `readers` and `writers`. */
  readonly readers?: readonly unknown[] | undefined;
  readonly writers?: readonly unknown[] | undefined;
  /** The account the key lives in: the environment's, or the `account` of the nearest enclosing block that names one. */
  readonly account: string;
  /** True when `account` comes from an enclosing block (e.g. a replication destination), not the environment. */
  readonly foreign: boolean;
}

/**
 * Every object at any depth with an `administrators`, `users`, `readers` or `writers` array, with the account it belongs
 * to. An object holding an `account` (12 digits), such as a replication `destination`, moves
 * everything below it into that account.
 */
export function keyBlocks(env: { account: string }): KeyBlock[] {
  const out: KeyBlock[] = [];
  const visit = (value: unknown, path: Path, account: string, foreign: boolean) => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i], account, foreign));
      return;
    }
    if (!value || typeof value !== "object") return;
    const obj = value as Record<string, unknown>;
    if (path.length > 0 && isAccountId(obj.account) && obj.account !== account) {
      account = obj.account;
      foreign = true;
    }
    if (Array.isArray(obj.administrators) || Array.isArray(obj.users) || Array.isArray(obj.readers) || Array.isArray(obj.writers)) {
      out.push({
        path,
        administrators: Array.isArray(obj.administrators) ? obj.administrators : undefined,
        users: Array.isArray(obj.users) ? obj.users : undefined,
        readers: Array.isArray(obj.readers) ? obj.readers : undefined,
        writers: Array.isArray(obj.writers) ? obj.writers : undefined,
        account,
        foreign,
      });
    }
    for (const [k, v] of Object.entries(obj)) visit(v, [...path, k], account, foreign);
  };
  visit(env, [], env.account, false);
  return out;
}

/** The account id of an IAM principal ARN (`arn:<partition>:iam::<account>:...`), or undefined. */
export function principalAccount(arn: unknown): string | undefined {
  if (typeof arn !== "string") return undefined;
  const account = arn.split(":")[4];
  return isAccountId(account) ? account : undefined;
}

/**
 * Key administrators and users, and buckets' readers and writers, must be principals of the key's own account.
 *
 * - An administrator from another account holds `kms:PutKeyPolicy` and `kms:ScheduleKeyDeletion`:
 *   a one-digit typo in an account id hands the key to a stranger. On a replication destination
 *   key, an administrator from the source account could rewrite the backup key's policy or
 *   delete it, which breaks the isolation of the backup.
 * - A user from another account can never use the key: the key policy pins `kms:CallerAccount`
 *   to the key's account, so the grant is dead and hides a mistake.
 */
export function checkKeyPrincipalAccounts(env: { account: string }, ctx: z.RefinementCtx): void {
  if (!isAccountId(env.account)) return; // reported at `account`; there is nothing to compare with
  for (const block of keyBlocks(env)) {
    const where = block.foreign ? `the destination account ${block.account}` : `the environment's account ${block.account}`;
    (block.administrators ?? []).forEach((arn, i) => {
      const account = principalAccount(arn);
      if (account === undefined || account === block.account) return;
      const why =
        block.foreign && account === env.account
          ? "the source account would administer the backup key (rewrite its policy or schedule its deletion), which breaks the isolation of the replica"
          : "an administrator holds kms:PutKeyPolicy and kms:ScheduleKeyDeletion, so another account would own the key (check the account id for a typo)";
      ctx.addIssue({
        code: "custom",
        path: [...block.path, "administrators", i],
        input: arn,
        message: `must be a principal of ${where}, not of account ${account}: ${why}`,
      });
    });
    (block.users ?? []).forEach((arn, i) => {
      const account = principalAccount(arn);
      if (account === undefined || account === block.account) return;
      ctx.addIssue({
        code: "custom",
        path: [...block.path, "users", i],
        input: arn,
        message: `must be a principal of ${where}, not of account ${account}: the key policy pins kms:CallerAccount to the key's account, so this grant could never apply (check the account id for a typo)`,
      });
    });
    for (const field of ["readers", "writers"] as const) {
      (block[field] ?? []).forEach((arn, i) => {
        const account = principalAccount(arn);
        if (account === undefined || account === block.account) return;
        ctx.addIssue({
          code: "custom",
          path: [...block.path, field, i],
          input: arn,
          message: `must be a role or user of ${where}, not of account ${account}: per-bucket key use is pinned to the key's account (kms:CallerAccount), so this grant could never apply (check the account id for a typo)`,
        });
      });
    }
  }
}

/** Every cross-field check of one environment, in order. */
export const ENVIRONMENT_CROSS_CHECKS: readonly ((env: { account: string }, ctx: z.RefinementCtx) => void)[] = [checkKeyPrincipalAccounts];

/** Runs every {@link ENVIRONMENT_CROSS_CHECKS} entry: the one line the environment schema calls. */
export function runCrossChecks(env: { account: string }, ctx: z.RefinementCtx): void {
  for (const check of ENVIRONMENT_CROSS_CHECKS) check(env, ctx);
}
