/**
 * The online ceremony against a fake KMS on 127.0.0.1 that speaks the real KMS JSON 1.1 protocol,
 * through the real AWS SDK (endpoint override, fake credentials from the environment).
 */
import { randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useFakeAwsEnv } from "./test-support/fake-env";
import { FakeKms } from "./test-support/fake-kms";
import { encodingsOf, ERROR_LINE, removeDir, runCli, snapshotDir, tempDir } from "./test-support/cli-harness";

jest.setTimeout(60_000);

const kms = new FakeKms("eu-west-1");
let restoreEnv: () => void;
let dir: string;
let materialPath: string;
let material: Buffer;

beforeAll(async () => {
  dir = tempDir();
  // Fake credentials from the environment; no ~/.aws files, no instance metadata lookups.
  restoreEnv = useFakeAwsEnv(dir);
  await kms.start();
  materialPath = join(dir, "byok.material");
  material = randomBytes(32);
  writeFileSync(materialPath, material, { mode: 0o600 });
});

afterAll(async () => {
  await kms.stop();
  removeDir(dir);
  restoreEnv();
});

afterEach(() => kms.resetFaults());

const importArgs = (keyId: string, ...rest: string[]): string[] => kms.args("import", keyId, ...rest);

/** A run that must fail: one error line, no stdout, directory unchanged. */
async function expectFailure(args: string[], message: RegExp): Promise<void> {
  const before = snapshotDir(dir);
  const run = await runCli(args);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe("");
  expect(run.stderr).toMatch(ERROR_LINE);
  expect(run.stderr).toMatch(message);
  expect(snapshotDir(dir)).toEqual(before);
}

describe("happy path", () => {
  test("imports existing material: KMS unwraps exactly the file's bytes, key becomes Enabled, no expiry by default", async () => {
    const key = kms.addKey();
    const run = await runCli(importArgs(key.keyId, "--material", materialPath));

    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(key.material?.equals(material)).toBe(true);
    expect(key.state).toBe("Enabled");
    const imported = kms.calls("ImportKeyMaterial");
    expect(imported.at(-1)?.body).toMatchObject({ KeyId: key.arn, ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" });
    expect(imported.at(-1)?.body).not.toHaveProperty("ValidTo");
    expect(kms.calls("GetParametersForImport").at(-1)?.body).toEqual({ KeyId: key.arn, WrappingAlgorithm: "RSAES_OAEP_SHA_256", WrappingKeySpec: "RSA_4096" });
    expect(run.stdout).toContain(`imported key material into ${key.arn}`);
    expect(run.stdout).toMatch(new RegExp(`key id: +${key.keyId}`));
    expect(run.stdout).toMatch(/state: +Enabled/);
    expect(run.stdout).toMatch(/origin: +EXTERNAL/);
    expect(run.stdout).toMatch(/expiration: +KEY_MATERIAL_DOES_NOT_EXPIRE/);
    expect(run.stdout).toMatch(/wrapping key: +RSA 4096-bit, RSAES_OAEP_SHA_256/);
    for (const encoded of encodingsOf(material)) expect(run.stdout).not.toContain(encoded);
  });

  test("the request is signed with the credential chain's keys (the fake credentials from the environment)", () => {
    const request = kms.calls("ImportKeyMaterial").at(-1);
    expect(String(request?.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKEFAKE\/\d{8}\/eu-west-1\/kms\/aws4_request/);
    expect(request?.headers["x-amz-target"]).toBe("TrentService.ImportKeyMaterial");
    expect(request?.headers["content-type"]).toBe("application/x-amz-json-1.1");
  });

  test("--no-expiry sends KEY_MATERIAL_DOES_NOT_EXPIRE; an alias resolves to the key ARN", async () => {
    const key = kms.addKey({ alias: "alias/byok-no-expiry" });
    const run = await runCli(importArgs("alias/byok-no-expiry", "--material", materialPath, "--no-expiry", "--wrapping-key-spec", "RSA_2048"));
    expect(run.code).toBe(0);
    expect(key.state).toBe("Enabled");
    expect(key.expirationModel).toBe("KEY_MATERIAL_DOES_NOT_EXPIRE");
    expect(kms.calls("GetParametersForImport").at(-1)?.body).toMatchObject({ KeyId: key.arn, WrappingKeySpec: "RSA_2048" });
    expect(run.stdout).toMatch(/wrapping key: +RSA 2048-bit/);
  });

  test("--valid-to sends KEY_MATERIAL_EXPIRES with ValidTo and reports it", async () => {
    const key = kms.addKey();
    const validTo = new Date(Date.now() + 30 * 24 * 3600 * 1000);
    validTo.setUTCMilliseconds(0);
    const run = await runCli(importArgs(key.arn, "--material", materialPath, "--valid-to", validTo.toISOString().replace(".000Z", "Z")));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(kms.calls("ImportKeyMaterial").at(-1)?.body).toMatchObject({ ExpirationModel: "KEY_MATERIAL_EXPIRES", ValidTo: validTo.getTime() / 1000 });
    expect(key.expirationModel).toBe("KEY_MATERIAL_EXPIRES");
    expect(key.validTo?.toISOString()).toBe(validTo.toISOString());
    expect(run.stdout).toContain(`expiration:   KEY_MATERIAL_EXPIRES, valid to ${validTo.toISOString()}`);
  });

  test("--generate: material saved with mode 0600 before the import, matches what KMS imported, never printed", async () => {
    const key = kms.addKey();
    const out = join(dir, "generated-ok.material");
    const run = await runCli(importArgs(key.keyId, "--generate", "--material-out", out));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const saved = readFileSync(out);
    expect(saved.length).toBe(32);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(key.material?.equals(saved)).toBe(true);
    expect(run.stdout).toContain(`generated key material saved to ${out} (mode 0600): back it up now`);
    for (const encoded of encodingsOf(saved)) expect(run.stdout + run.stderr).not.toContain(encoded);
  });
});

describe("refusals", () => {
  test("a key that is already Enabled is refused after DescribeKey; nothing else is called", async () => {
    const key = kms.addKey({ state: "Enabled", material: randomBytes(32) });
    const before = kms.requests.length;
    await expectFailure(
      importArgs(key.keyId, "--generate", "--material-out", join(dir, "never.material")),
      new RegExp(
        `key ${key.arn} is in state Enabled, not PendingImport \\(it already holds key material.*sse-kms-key-material rotate.*sse-kms-key-material reimport`,
      ),
    );
    expect(kms.requests.slice(before).map((r) => r.operation)).toEqual(["DescribeKey"]);
  });

  test("a key with Origin AWS_KMS is refused", async () => {
    const key = kms.addKey({ origin: "AWS_KMS", state: "Enabled" });
    await expectFailure(importArgs(key.keyId, "--material", materialPath), /has Origin AWS_KMS, not EXTERNAL/);
  });

  test("a key in PendingDeletion is refused with the way out", async () => {
    const key = kms.addKey({ state: "PendingDeletion" });
    await expectFailure(importArgs(key.keyId, "--material", materialPath), /state PendingDeletion.*cancel-key-deletion/);
  });

  test("an unknown key maps NotFoundException", async () => {
    await expectFailure(importArgs("alias/nope", "--material", materialPath), /key alias\/nope not found in eu-west-1/);
  });

  test("an expired import token maps ExpiredImportTokenException; generated material is removed", async () => {
    const key = kms.addKey();
    kms.tokenLifetimeMs = -1;
    await expectFailure(
      importArgs(key.keyId, "--generate", "--material-out", join(dir, "expired.material")),
      /import token has expired.*the generated material was not imported and .*expired\.material was removed \(.*24 hours/,
    );
    expect(key.state).toBe("PendingImport");
  });

  test("AccessDenied on ImportKeyMaterial is mapped; generated material is removed", async () => {
    const key = kms.addKey();
    kms.failures.set("ImportKeyMaterial", {
      type: "AccessDeniedException",
      message: `User: arn:aws:iam::111122223333:user/ceremony is not authorized to perform: kms:ImportKeyMaterial on resource: ${key.arn}`,
    });
    await expectFailure(
      importArgs(key.keyId, "--generate", "--material-out", join(dir, "denied.material")),
      /access denied: kms:ImportKeyMaterial on key .*not authorized.*was removed \(run as a key administrator/,
    );
  });

  test("AccessDenied on DescribeKey is mapped (existing material)", async () => {
    const key = kms.addKey();
    kms.failures.set("DescribeKey", { type: "AccessDeniedException", message: "not authorized to perform: kms:DescribeKey" });
    await expectFailure(importArgs(key.keyId, "--material", materialPath), /access denied: kms:DescribeKey/);
  });

  test.each([
    ["InvalidImportTokenException", /KMS rejected the import token/],
    ["IncorrectKeyMaterialException", /already had different key material/],
    ["KMSInvalidStateException", /not in a state that allows ImportKeyMaterial/],
    ["UnsupportedOperationException", /does not support ImportKeyMaterial/],
  ])("%s on ImportKeyMaterial is mapped; generated material is removed", async (type, message) => {
    const key = kms.addKey();
    kms.failures.set("ImportKeyMaterial", { type, message: "from the fake" });
    await expectFailure(importArgs(key.keyId, "--generate", "--material-out", join(dir, `${type}.material`)), message);
  });

  test("different material for a key that had material before maps IncorrectKeyMaterialException (real check)", async () => {
    const key = kms.addKey({ material: randomBytes(32) }); // PendingImport again, e.g. after its material expired
    await expectFailure(importArgs(key.keyId, "--material", materialPath), /already had different key material/);
  });

  test("an unreachable endpoint is a network error, with no file left behind", async () => {
    await expectFailure(
      [
        "import",
        "--key-id",
        "alias/x",
        "--region",
        "eu-west-1",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--generate",
        "--material-out",
        join(dir, "unreachable.material"),
      ],
      /could not reach http:\/\/127\.0\.0\.1:9 for DescribeKey \(ECONNREFUSED/,
    );
  });

  test("a 500 from KMS is mapped and names the operation", async () => {
    const key = kms.addKey();
    kms.failures.set("GetParametersForImport", { type: "KMSInternalException", message: "boom", status: 500 });
    await expectFailure(importArgs(key.keyId, "--material", materialPath), /KMS failed internally during GetParametersForImport/);
  });
});

describe("uncertain outcome", () => {
  test("connection lost after KMS imported: generated material is kept and the error says so", async () => {
    const key = kms.addKey();
    kms.dropAfter.add("ImportKeyMaterial");
    const out = join(dir, "uncertain.material");
    const before = kms.calls("ImportKeyMaterial").length;
    const run = await runCli(importArgs(key.keyId, "--generate", "--material-out", out));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(ERROR_LINE);
    expect(run.stderr).toMatch(
      /could not confirm that KMS received the import.*kept in .*uncertain\.material because KMS may have imported it \(run `aws kms describe-key/,
    );
    // KMS did import it: the kept file is the only copy outside KMS, and it is the right material.
    expect(key.state).toBe("Enabled");
    expect(key.material?.equals(readFileSync(out))).toBe(true);
    // ImportKeyMaterial is never retried automatically.
    expect(kms.calls("ImportKeyMaterial").length - before).toBe(1);
  });
});
