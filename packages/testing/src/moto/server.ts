import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";
import { isAccountId } from "@sse-kms/config";

/**
 * `moto_server` (moto 5.2.1, Python), an emulator of the AWS APIs, started on loopback for the
 * terratest-style lifecycle tests. Only `127.0.0.1` is ever used: nothing here reaches AWS.
 * moto answers every service on one port; `MOTO_ACCOUNT_ID` sets the account its resources (and
 * `sts:GetCallerIdentity`) belong to (moto docs, "Multi-Account support": "the default account ID can
 * be changed by setting the environment variable MOTO_ACCOUNT_ID",
 * https://docs.getmoto.org/en/latest/docs/multi_account.html).
 */

/** Names the `moto_server` binary to use. @default the first `moto_server` on PATH */
export const MOTO_SERVER_ENV = "SSE_KMS_MOTO_SERVER";

/** The `moto_server` binary: `$SSE_KMS_MOTO_SERVER`, else the first on PATH; undefined when there is none. */
export function findMotoServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env[MOTO_SERVER_ENV];
  if (named) return existsSync(named) ? named : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "moto_server");
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Options of {@link startMotoServer}. */
export interface MotoServerOptions {
  /** The account moto's resources belong to (`MOTO_ACCOUNT_ID`). @default "123456789012" (moto's own default) */
  readonly accountId?: string;
  /**
   * Leave `MOTO_ACCOUNT_ID` unset so that moto picks each request's account from its access key:
   * moto docs, "Multi-Account support": "Moto will only look at the access credentials if the
   * environment variable and request header is not set", and for `sts:AssumeRole`: "Passing in a role
   * that belongs to a different account will return a set of credentials that give access to that
   * account" (https://docs.getmoto.org/en/latest/docs/multi_account.html). Needed by stacks whose
   * providers assume a role in another account; {@link MotoServer.accessKeyFor} then mints static
   * keys that moto maps to `accountId` (moto/iam/models.py `get_account_id_from`). @default false
   */
  readonly multiAccount?: boolean;
  /** The binary. @default {@link findMotoServer} */
  readonly binary?: string;
  /** How long to wait for the server to answer, in milliseconds. @default 60000 */
  readonly startTimeoutMs?: number;
}

/** A running `moto_server` on loopback. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: the endpoint of every service. */
  readonly endpoint: string;
  readonly port: number;
  readonly accountId: string;
  /** Whether `MOTO_ACCOUNT_ID` is unset (see {@link MotoServerOptions.multiAccount}). */
  readonly multiAccount: boolean;
  /**
   * Static keys of a new IAM user in `accountId` (created with moto's `x-moto-account-id` request
   * header, moto/core/responses.py `get_current_account`): requests signed with them land in that
   * account. Only in multi-account mode; in single-account mode every request is `accountId`'s anyway.
   */
  accessKeyFor(accountId: string): Promise<{ readonly accessKeyId: string; readonly secretAccessKey: string }>;
  /** Forgets every resource (moto's `POST /moto-api/reset`). */
  reset(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
  /** What the server printed so far (its request log), for a failure message. */
  output(): string;
}

/** A free TCP port on 127.0.0.1 (the kernel picks it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free loopback port"))));
    });
  });
}

/**
 * Starts `moto_server -H 127.0.0.1 -p <free port>` as `accountId` and waits until `GET /moto-api/`
 * answers. Throws (one line) when the binary is missing, the account id is malformed or the server
 * does not answer in time. The child gets no AWS_* variables from this process.
 */
export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  const accountId = options.accountId ?? "123456789012";
  if (!isAccountId(accountId)) throw new Error(`moto: accountId must be 12 digits (got ${JSON.stringify(accountId)})`);
  const binary = options.binary ?? findMotoServer();
  if (binary === undefined) throw new Error(`moto: no moto_server on PATH (or ${MOTO_SERVER_ENV})`);
  const port = await freeLoopbackPort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^AWS_/.test(k)) delete env[k];
  const multiAccount = options.multiAccount ?? false;
  Object.assign(env, { AWS_EC2_METADATA_DISABLED: "true", PYTHONUNBUFFERED: "1" });
  delete env.MOTO_ACCOUNT_ID;
  if (!multiAccount) env.MOTO_ACCOUNT_ID = accountId;
  const child: ChildProcess = spawn(binary, ["-H", "127.0.0.1", "-p", String(port)], { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-64 * 1024);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.on("exit", (code) => {
      exited = code;
      resolve();
    }),
  );
  child.on("error", (e) => {
    log += `\n${e.message}`;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exit;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) throw new Error(`moto: moto_server exited (code ${exited}) before answering: ${log.trim().split("\n").slice(-3).join(" | ")}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto: moto_server did not answer on ${endpoint} within ${options.startTimeoutMs ?? 60_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    port,
    accountId,
    multiAccount,
    async accessKeyFor(account: string) {
      if (!isAccountId(account)) throw new Error(`moto: accountId must be 12 digits (got ${JSON.stringify(account)})`);
      const user = `sse-kms-live-${account}`;
      const iam = async (body: string): Promise<string> => {
        const res = await fetch(endpoint, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "x-moto-account-id": account,
            authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
          },
          body: `${body}&Version=2010-05-08`,
        });
        const text = await res.text();
        if (!res.ok && !/EntityAlreadyExists/.test(text)) throw new Error(`moto: IAM ${body.split("&")[0]} answered HTTP ${res.status}`);
        return text;
      };
      await iam(`Action=CreateUser&UserName=${user}`);
      const text = await iam(`Action=CreateAccessKey&UserName=${user}`);
      const accessKeyId = /<AccessKeyId>([^<]+)</.exec(text)?.[1];
      const secretAccessKey = /<SecretAccessKey>([^<]+)</.exec(text)?.[1];
      if (!accessKeyId || !secretAccessKey) throw new Error("moto: CreateAccessKey returned no key");
      return { accessKeyId, secretAccessKey };
    },
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!res.ok) throw new Error(`moto: reset answered HTTP ${res.status}`);
    },
    stop,
    output: () => log,
  };
}
