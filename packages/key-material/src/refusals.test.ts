/**
 * Every refusal: non-zero exit, exactly one `sse-kms-key-material: error: <what> (<fix>)` line on
 * stderr, nothing on stdout, and the working directory exactly as it was (no file created or changed).
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ERROR_LINE, removeDir, runCli, snapshotDir, tempDir } from "./test-support/cli-harness";

jest.setTimeout(60_000);

// Created at load time: the test tables below name paths inside it.
const dir = tempDir();
const p = (name: string): string => join(dir, name);

beforeAll(() => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(p("pub.der"), rsa.publicKey.export({ format: "der", type: "spki" }));
  writeFileSync(p("priv.pem"), rsa.privateKey.export({ format: "pem", type: "pkcs8" }));
  const small = generateKeyPairSync("rsa", { modulusLength: 1024 });
  writeFileSync(p("rsa1024.der"), small.publicKey.export({ format: "der", type: "spki" }));
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  writeFileSync(p("ec.pem"), ec.publicKey.export({ format: "pem", type: "spki" }));
  const der = rsa.publicKey.export({ format: "der", type: "spki" });
  writeFileSync(p("truncated.der"), der.subarray(0, der.length - 10));
  writeFileSync(p("garbage.bin"), randomBytes(300));
  writeFileSync(p("garbage.b64"), "bm90IGEga2V5IGF0IGFsbA==\n");
  writeFileSync(p("garbage.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
  writeFileSync(p("empty.key"), "");
  writeFileSync(p("ok.material"), randomBytes(32));
  writeFileSync(p("31.material"), randomBytes(31));
  writeFileSync(p("33.material"), randomBytes(33));
  writeFileSync(p("empty.material"), "");
  writeFileSync(p("zero.material"), Buffer.alloc(32));
  writeFileSync(p("hex.material"), `${randomBytes(32).toString("hex")}\n`);
  writeFileSync(p("b64.material"), `${randomBytes(32).toString("base64")}\n`);
  writeFileSync(p("big.material"), randomBytes(4096));
  writeFileSync(p("existing.out"), "do not touch");
  writeFileSync(p("existing.material"), "do not touch either");
  symlinkSync(p("nowhere"), p("dangling.link"));
  mkdirSync(p("subdir"));
});

afterAll(() => removeDir(dir));

async function expectRefusal(args: string[], expectedCode: number, message: RegExp): Promise<void> {
  const before = snapshotDir(dir);
  const run = await runCli(args);
  expect(run.code).toBe(expectedCode);
  expect(run.stdout).toBe("");
  expect(run.stderr).toMatch(ERROR_LINE);
  expect(run.stderr).toMatch(message);
  expect(snapshotDir(dir)).toEqual(before);
}

const wrapWith = (...args: string[]): string[] => ["wrap", "--wrapping-key", p("pub.der"), "--out", p("new.out"), ...args];
const generate = ["--generate", "--material-out", p("new.material")];

describe("wrap refuses bad material", () => {
  test.each([
    ["31.material", /is 31 bytes, expected exactly 32/],
    ["33.material", /is 33 bytes, expected exactly 32/],
    ["empty.material", /is 0 bytes, expected exactly 32/],
    ["big.material", /is 4096 bytes, expected exactly 32/],
    ["hex.material", /looks like hex text/],
    ["b64.material", /looks like base64 text/],
    ["zero.material", /all zero bytes/],
    ["missing.material", /cannot read material file .*no such file/],
    ["subdir", /not a regular file/],
  ])("--material %s", (file, message) => expectRefusal(wrapWith("--material", p(file)), 1, message));
});

describe("wrap refuses bad wrapping keys", () => {
  test.each([
    ["missing.der", /cannot read wrapping key file .*no such file/],
    ["empty.key", /is empty/],
    ["garbage.bin", /malformed wrapping key file/],
    ["garbage.b64", /malformed wrapping key file/],
    ["garbage.pem", /malformed wrapping key file/],
    ["truncated.der", /malformed wrapping key file/],
    ["priv.pem", /is a private key/],
    ["ec.pem", /is a ec key, not RSA/],
    ["rsa1024.der", /1024-bit RSA key/],
  ])("--wrapping-key %s", (file, message) =>
    expectRefusal(["wrap", "--wrapping-key", p(file), "--out", p("new.out"), "--material", p("ok.material")], 1, message),
  );

  test("a malformed key with --generate creates no material file", () =>
    expectRefusal(["wrap", "--wrapping-key", p("garbage.bin"), "--out", p("new.out"), ...generate], 1, /malformed/));
});

describe("wrap never overwrites", () => {
  test("existing --out", () =>
    expectRefusal(
      ["wrap", "--wrapping-key", p("pub.der"), "--out", p("existing.out"), "--material", p("ok.material")],
      1,
      /refusing to overwrite .*existing\.out \(--out\)/,
    ));
  test("existing --out with --generate", () =>
    expectRefusal(["wrap", "--wrapping-key", p("pub.der"), "--out", p("existing.out"), ...generate], 1, /refusing to overwrite/));
  test("existing --material-out", () =>
    expectRefusal(wrapWith("--generate", "--material-out", p("existing.material")), 1, /refusing to overwrite .*existing\.material \(--material-out\)/));
  test("a dangling symbolic link as --material-out", () =>
    expectRefusal(wrapWith("--generate", "--material-out", p("dangling.link")), 1, /refusing to overwrite/));
  test("--out in a directory that does not exist: the generated material is removed again", () =>
    expectRefusal(["wrap", "--wrapping-key", p("pub.der"), "--out", p("no-such-dir/new.out"), ...generate], 1, /cannot create .*no-such-dir/));
});

describe("usage errors exit 2", () => {
  test.each([
    [[], /missing command/],
    [["unwrap"], /unknown command "unwrap"/],
    [["help", "unwrap"], /unknown command "unwrap"/],
    [wrapWith("--material", p("ok.material"), "--force"), /unknown option --force for wrap/],
    [wrapWith("--material", p("ok.material"), "-f"), /unknown option -f for wrap/],
    [wrapWith("--material", p("ok.material"), "extra"), /unexpected argument "extra"/],
    [wrapWith("--material"), /option --material needs a value/],
    [wrapWith("--material", "--generate"), /option --material needs a value/],
    [wrapWith("--generate=yes", "--material-out", p("m")), /option --generate takes no value/],
    [wrapWith("--material", p("ok.material"), "--out", p("other.out")), /--out is given more than once/],
    [wrapWith("--material", ""), /--material has an empty value/],
    [wrapWith(), /missing key material/],
    [wrapWith("--material", p("ok.material"), ...generate), /--material and --generate conflict/],
    [wrapWith("--generate"), /--generate needs --material-out/],
    [wrapWith("--material", p("ok.material"), "--material-out", p("m")), /--material-out is only used with --generate/],
    [["wrap", "--out", p("new.out"), "--material", p("ok.material")], /missing --wrapping-key/],
    [["wrap", "--wrapping-key", p("pub.der"), "--material", p("ok.material")], /missing --out/],
    [wrapWith("--material", p("ok.material"), "--wrapping-algorithm", "RSAES_PKCS1_V1_5"), /unknown --wrapping-algorithm RSAES_PKCS1_V1_5/],
    [["wrap", "--wrapping-key", p("pub.der"), "--out", p("same"), "--generate", "--material-out", p("same")], /name the same file/],
  ] as Array<[string[], RegExp]>)("%j", (args, message) => expectRefusal(args, 2, message));
});

describe("import refuses bad options before any network call", () => {
  const importWith = (...args: string[]): string[] => ["import", "--key-id", "alias/byok", ...args];
  const base = ["--region", "eu-west-1", ...generate];
  const endpoint = ["--endpoint-url", "http://127.0.0.1:9"]; // discard port: nothing may be sent there
  test.each([
    [importWith("--region", "eu-west-9", ...generate, ...endpoint), /unknown region "eu-west-9"/],
    [importWith("--region", "eu-west-1a", ...generate, ...endpoint), /availability zone.*--region eu-west-1/],
    [importWith("--region", "Ireland", ...generate, ...endpoint), /unknown region "Ireland"/],
    [importWith(...generate, ...endpoint), /missing --region/],
    [["import", ...base, ...endpoint], /missing --key-id/],
    [importWith(...base, ...endpoint, "--valid-to", "2001-01-01T00:00:00Z"), /--valid-to 2001-01-01T00:00:00.000Z is in the past/],
    [importWith(...base, ...endpoint, "--valid-to", "2999-01-01T00:00:00Z"), /more than 365 days away/],
    [importWith(...base, ...endpoint, "--valid-to", "next tuesday"), /not an ISO-8601 timestamp/],
    [importWith(...base, ...endpoint, "--valid-to", "2030-01-01T00:00:00"), /not an ISO-8601 timestamp with a time zone/],
    [importWith(...base, ...endpoint, "--valid-to", "2030-02-30T00:00:00Z"), /not a real date/],
    [importWith(...base, ...endpoint, "--valid-to", "2030-01-01T00:00:00Z", "--no-expiry"), /--valid-to and --no-expiry conflict/],
    [importWith(...base, ...endpoint, "--wrapping-key-spec", "RSA_1024"), /unknown --wrapping-key-spec RSA_1024/],
    [importWith(...base, ...endpoint, "--wrapping-algorithm", "RSAES_OAEP_SHA_1"), /unknown option --wrapping-algorithm for import/],
    [importWith(...base, "--endpoint-url", "not a url"), /is not a URL/],
    [importWith(...base, "--endpoint-url", "ftp://127.0.0.1"), /not an http\(s\) URL/],
    [importWith(...base, "--endpoint-url", "http://kms.example.com"), /plain http: to a host that is not loopback/],
    [importWith(...base, "--endpoint-url", "http://10.0.0.1:4566"), /plain http: to a host that is not loopback/],
    [importWith(...base, "--endpoint-url", "http://127.0.0.1.evil.example:80"), /plain http: to a host that is not loopback/],
    [importWith(...base, "--endpoint-url", "https://user:pw@kms.eu-west-1.amazonaws.com"), /must not carry a user name or password/],
    [["import", "--key-id", "arn:aws:kms:us-east-1:111122223333:key/abc", ...base, ...endpoint], /ARN in us-east-1 but --region is eu-west-1/],
  ] as Array<[string[], RegExp]>)("%j", (args, message) => expectRefusal(args, 2, message));

  test("bad material files are refused before contacting KMS", async () => {
    await expectRefusal(importWith("--region", "eu-west-1", ...endpoint, "--material", p("33.material")), 1, /is 33 bytes/);
    await expectRefusal(importWith("--region", "eu-west-1", ...endpoint, "--material", p("missing.material")), 1, /no such file/);
    // Never opened: opening a FIFO would wait for a writer forever, /dev/zero never ends.
    await expectRefusal(importWith("--region", "eu-west-1", ...endpoint, "--material", "/dev/zero"), 1, /not a regular file/);
    // The FIFO lives outside `dir`: the directory snapshot would read it (and wait forever).
    const fifoDir = tempDir();
    try {
      if (spawnSync("mkfifo", [join(fifoDir, "fifo.material")]).status === 0) {
        await expectRefusal(importWith("--region", "eu-west-1", ...endpoint, "--material", join(fifoDir, "fifo.material")), 1, /not a regular file/);
      }
    } finally {
      removeDir(fifoDir);
    }
    await expectRefusal(importWith("--region", "eu-west-1", ...endpoint, "--generate", "--material-out", p("existing.material")), 1, /refusing to overwrite/);
  });
});

describe("help", () => {
  test.each([[["--help"]], [["-h"]], [["help"]]])("%j prints the overview", async (args) => {
    const run = await runCli(args);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/Commands:\n {2}import .*\n {2}wrap /);
  });
  test.each(["wrap", "import"])("%s --help lists every option", async (command) => {
    const run = await runCli([command, "--help"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const options =
      command === "wrap"
        ? ["--wrapping-key", "--out", "--material", "--generate", "--material-out", "--wrapping-algorithm", "--help"]
        : [
            "--key-id",
            "--region",
            "--material",
            "--generate",
            "--material-out",
            "--wrapping-key-spec",
            "--valid-to",
            "--no-expiry",
            "--endpoint-url",
            "--help",
          ];
    for (const option of options) expect(run.stdout).toContain(`  ${option === "--help" ? "-h, --help" : option}`);
    expect((await runCli(["help", command])).stdout).toBe(run.stdout);
  });
  test("--help wins over other, even invalid, options", async () => {
    const run = await runCli(["wrap", "--bogus", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: sse-kms-key-material wrap/);
  });
});
