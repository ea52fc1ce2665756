/**
 * `npm run verify -- <stack> [--endpoint-url http://127.0.0.1:PORT] [--region <r>]`: compares a
 * deployed stack with its synthesized `cdktf.out/stacks/<stack>/cdk.tf.json` (see verify.ts). One
 * line per finding; exit 1 on any difference. Credentials: the standard chain without the instance
 * and container metadata services (credentials.ts); none -> one line naming credentials, exit 1.
 * Against AWS over TLS (the SDK's own endpoints); `--endpoint-url` (loopback only) points it at
 * moto_server, over plain http there.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CliError, UsageError, parseCliArgs, runCli } from "@sse-kms/config/args";

// Before any SDK code loads: never consult the instance metadata service.
process.env.AWS_EC2_METADATA_DISABLED = "true";

const USAGE = `npm run verify -- <stack> [--endpoint-url http://127.0.0.1:<port>] [--region <region>]
Reads the deployed resources of <stack> (a folder of cdktf.out/stacks) with the AWS SDK v3 and compares them with the synthesized stack;
then an S3 round trip (one test object per bucket, every version deleted) and TestEventPattern of each rule against AWS's documented samples.
One line per difference, exit 1 on any. Credentials: the standard chain (environment, SSO, shared files, credential_process, web identity),
never the instance metadata service. --endpoint-url (loopback only): moto_server, over http.`;

async function main(argv: readonly string[]): Promise<number> {
  const args = parseCliArgs(argv, { "endpoint-url": { type: "string" }, region: { type: "string" } }, { positionals: true });
  if (args.positionals.length !== 1) throw new UsageError(`give exactly one stack name (got ${args.positionals.length})`);
  const stack = args.positionals[0];
  if (!/^[a-z0-9][a-z0-9-]{0,99}$/.test(stack)) throw new UsageError(`the stack must be a folder name of cdktf.out/stacks (got ${JSON.stringify(stack)})`);
  const region = args.strings.region;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new UsageError(`--region must be an AWS region such as eu-west-1 (got ${JSON.stringify(region)})`);
  const { loopbackEndpoint, credentialChain } = await import("./credentials");
  let endpoint: string | undefined;
  if (args.strings["endpoint-url"] !== undefined) {
    try {
      endpoint = loopbackEndpoint(args.strings["endpoint-url"]).origin;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const credentials = credentialChain();
  // Refuse before anything else when the chain has nothing (one line naming credentials).
  await credentials();
  const { findRepoRoot } = await import("@sse-kms/blueprint-catalog");
  const file = join(findRepoRoot(process.cwd()), "cdktf.out", "stacks", stack, "cdk.tf.json");
  if (!existsSync(file)) throw new CliError(`no synthesized stack ${stack}: ${file} does not exist (run npm run synth first)`);
  const { verifyStack } = await import("./verify");
  const { formatFinding } = await import("./compare");
  console.log(
    `verify ${stack}: ${endpoint ? `against ${endpoint} (moto or another loopback emulator, plain http; moto gaps of tools/live/moto-gaps.ts tolerated)` : "against AWS over TLS"}`,
  );
  const result = await verifyStack(readFileSync(file, "utf8"), { credentials, ...(endpoint ? { endpoint } : {}), ...(region ? { region } : {}) });
  for (const f of result.findings) console.log(formatFinding(f));
  console.log(
    `verify ${stack}: ${result.differences} difference(s), ${result.findings.filter((f) => f.kind === "tolerated").length} tolerated moto gap(s), ${result.findings.filter((f) => f.kind === "note").length} note(s)`,
  );
  return result.differences > 0 ? 1 : 0;
}

runCli("verify", USAGE, main);
