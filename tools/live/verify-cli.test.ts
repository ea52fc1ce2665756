/**
 * `npm run verify` as users run it (the built bundle): without credentials it refuses in one line
 * naming credentials, exit 1, and opens no connection at all (every socket connect of the process is
 * recorded by a preloaded hook: none, so never 169.254.169.254); the chain it uses has no metadata
 * link; usage errors are one line, exit 2.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";
import { CREDENTIAL_CHAIN, EXCLUDED_SOURCES, loopbackEndpoint } from "./credentials";

const root = findRepoRoot(__dirname);
let dir: string;
jest.setTimeout(120_000);

beforeAll(() => {
  const built = spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "verify"], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`node tools/build.mjs verify failed (${built.status}):\n${built.stderr}${built.stdout}`);
  dir = mkdtempSync(join(tmpdir(), "sse-kms-verify-cli-"));
  // Records every outgoing socket connection of the process.
  writeFileSync(
    join(dir, "net-hook.js"),
    `const net = require("node:net"); const fs = require("node:fs");
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const o = args[0]; const target = typeof o === "object" && o !== null ? (o.host ?? o.path ?? "?") + ":" + (o.port ?? "") : String(o);
  fs.appendFileSync(process.env.NET_LOG, target + "\\n");
  return connect.apply(this, args);
};\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the bundle with no AWS variables at all and an empty home (no shared config or credentials files). */
function run(args: string[]) {
  const home = join(dir, "home");
  const log = join(dir, `net-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, "");
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, USERPROFILE: home, NET_LOG: log, NODE_OPTIONS: `--require ${join(dir, "net-hook.js")}` };
  const r = spawnSync(process.execPath, [join(root, "dist", "verify.js"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000, env });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr.split("\n").filter((l) => l !== ""),
    connections: readFileSync(log, "utf8").split("\n").filter(Boolean),
  };
}

test("without credentials: one line naming credentials, exit 1, no connection (never the instance metadata address)", () => {
  const r = run(["dev-customer-managed"]);
  expect(r.status).toBe(1);
  expect(r.stderr).toHaveLength(1);
  expect(r.stderr[0]).toMatch(/^verify: error: no AWS credentials found .*never the instance or container metadata service/);
  expect(r.connections).toEqual([]);
});

test("without credentials against a loopback endpoint: the same refusal", () => {
  const r = run(["dev-customer-managed", "--endpoint-url", "http://127.0.0.1:9"]);
  expect(r.status).toBe(1);
  expect(r.stderr).toEqual([expect.stringMatching(/^verify: error: no AWS credentials found/)]);
  expect(r.connections).toEqual([]);
});

test.each<[string[], RegExp]>([
  [["dev-customer-managed", "--endpoint-url", "http://169.254.169.254"], /^verify: --endpoint-url must be on loopback/],
  [["dev-customer-managed", "--endpoint-url", "https://s3.amazonaws.com"], /^verify: --endpoint-url must be on loopback/],
  [["dev-customer-managed", "--regoin", "eu-west-1"], /^verify: unknown option --regoin \(did you mean --region\?\)/],
  [["dev-customer-managed", "--region", "mars"], /^verify: --region must be an AWS region/],
  [[], /^verify: give exactly one stack name \(got 0\)/],
  [["../etc"], /^verify: the stack must be a folder name of cdktf.out\/stacks/],
])("verify %j: one line, exit 2", (args, message) => {
  const r = run(args);
  expect(r.status).toBe(2);
  expect(r.stderr).toEqual([expect.stringMatching(message)]);
});

test("--help: usage, exit 0", () => {
  const r = run(["--help"]);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^usage: npm run verify -- <stack>/);
});

test("the credential chain has no metadata link; loopback endpoints only", () => {
  expect(CREDENTIAL_CHAIN).toEqual(["env", "sso", "ini", "process", "tokenFile"]);
  expect(CREDENTIAL_CHAIN.join(" ")).not.toMatch(/metadata|imds|container|instance/i);
  expect(EXCLUDED_SOURCES.join(" ")).toMatch(/169\.254\.169\.254/);
  expect(loopbackEndpoint("http://127.0.0.1:5000").origin).toBe("http://127.0.0.1:5000");
  expect(() => loopbackEndpoint("http://10.0.0.1:5000")).toThrow(/loopback/);
});
