/**
 * `npm run adopt:inspect` as users run it (the built bundle): usage errors, the loopback-only
 * endpoint, and no credentials -> one line naming credentials, exit 1, with the instance metadata
 * service never asked (its endpoint is pointed at a local recorder that must see no request).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";

const root = findRepoRoot(__dirname);
const bundle = join(root, "dist", "adopt-inspect.js");
let home: string;
jest.setTimeout(120_000);

beforeAll(() => {
  const built = spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "adopt-inspect"], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`node tools/build.mjs failed (${built.status}):\n${built.stderr}${built.stdout}`);
  home = mkdtempSync(join(tmpdir(), "sse-kms-adopt-cli-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The environment of a machine without AWS credentials: no AWS_* variables, an empty home. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^AWS_/.test(k)) env[k] = v;
  return { ...env, HOME: home, USERPROFILE: home, AWS_CONFIG_FILE: join(home, "config"), AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"), ...extra };
}

/** Runs the bundle asynchronously (the recorder server must keep answering meanwhile). */
function run(args: string[], env: NodeJS.ProcessEnv = bareEnv()): Promise<{ status: number | null; stdout: string; stderr: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, ...args], { cwd: root, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (status) =>
      resolve({
        status,
        stdout,
        // The SDK's Node-version notice is a warning of the runtime, not the CLI's output.
        stderr: stderr
          .split("\n")
          .filter(
            (l) =>
              l !== "" && !/NodeVersionSupportWarning|node >=22|versions published|upgrade to node|a\.co\/|trace-warnings|continue receiving|^\s*$/.test(l),
          ),
      }),
    );
  });
}

test("--help: usage on stdout, exit 0", async () => {
  const r = await run(["--help"]);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^usage: npm run adopt:inspect -- --bucket <name> --region <region>/);
});

test.each<[string[], RegExp]>([
  [["--bucket", "acme-data"], /^adopt:inspect: --region is required/],
  [["--region", "eu-west-1"], /^adopt:inspect: --bucket is required/],
  [["--bucket", "Acme_Data", "--region", "eu-west-1"], /^adopt:inspect: --bucket .*\(got "Acme_Data"\)/],
  [["--bucket", "acme-data", "--region", "eu-west-1a"], /^adopt:inspect: --region must be a known AWS region .*\(got "eu-west-1a"\)/],
  [
    ["--bucket", "acme-data", "--region", "eu-west-1", "--endpoint-url", "http://169.254.169.254"],
    /^adopt:inspect: --endpoint-url must be http\(s\) on loopback/,
  ],
  [
    ["--bucket", "acme-data", "--region", "eu-west-1", "--endpoint-url", "https://s3.eu-west-1.amazonaws.com"],
    /^adopt:inspect: --endpoint-url must be http\(s\) on loopback/,
  ],
  [["--bucket", "acme-data", "--region", "eu-west-1", "--sample", "-1"], /^adopt:inspect: option --sample needs a value/],
  [["--bucket", "acme-data", "--region", "eu-west-1", "--verbose"], /^adopt:inspect: unknown option --verbose/],
])("%j: one line, exit 2", async (args, message) => {
  const r = await run(args);
  expect(r.stderr).toHaveLength(1);
  expect(r.stderr[0]).toMatch(message);
  expect(r.status).toBe(2);
});

describe("without credentials", () => {
  let recorder: Server;
  const hits: string[] = [];
  beforeAll(async () => {
    recorder = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => recorder.close(() => resolve())));

  test("one line naming credentials, exit 1, and the instance metadata service is never asked", async () => {
    const address = recorder.address();
    const port = typeof address === "object" && address ? address.port : 0;
    // If the SDK asked IMDS, it would ask this recorder (AWS_EC2_METADATA_SERVICE_ENDPOINT), not 169.254.169.254.
    const r = await run(["--bucket", "acme-data", "--region", "eu-west-1"], bareEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${port}` }));
    expect(r.stderr).toEqual([
      expect.stringMatching(/^adopt:inspect: error: no AWS credentials found: set AWS_PROFILE .* the instance metadata service is not asked$/),
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(hits).toEqual([]);
  });
});
