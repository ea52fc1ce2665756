/**
 * rotate, status and reimport through the real AWS SDK against the fake KMS on 127.0.0.1, every path
 * including each refusal: one error line, nothing on stdout, the directory unchanged, and the calls
 * KMS received (a refusal never reaches ImportKeyMaterial).
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FakeKms, materialId, type FakeKey, type FakeMaterial } from "./test-support/fake-kms";
import { useFakeAwsEnv } from "./test-support/fake-env";
import { encodingsOf, ERROR_LINE, removeDir, runCli, snapshotDir, tempDir } from "./test-support/cli-harness";

jest.setTimeout(60_000);

const kms = new FakeKms("eu-west-1");
let restoreEnv: () => void;
let dir: string;
let newMaterialPath: string;
let newMaterial: Buffer;

beforeAll(async () => {
  dir = tempDir();
  restoreEnv = useFakeAwsEnv(dir);
  await kms.start();
  newMaterialPath = join(dir, "new.material");
  newMaterial = randomBytes(32);
  writeFileSync(newMaterialPath, newMaterial, { mode: 0o600 });
});

afterAll(async () => {
  await kms.stop();
  removeDir(dir);
  restoreEnv();
});

afterEach(() => kms.resetFaults());

const online = kms.args.bind(kms);

/** An Enabled EXTERNAL key holding one imported material (its first), as after `import`. */
function enabledKey(extra: Parameters<FakeKms["addKey"]>[0] = {}): FakeKey {
  return kms.addKey({ state: "Enabled", material: randomBytes(32), ...extra });
}

/** Adds a material to a fake key as a completed on-demand rotation (or with the given fields). */
function addMaterial(key: FakeKey, fields: Partial<FakeMaterial> = {}): FakeMaterial {
  const bytes = randomBytes(32);
  const material: FakeMaterial = {
    id: materialId(key.keyId, bytes),
    bytes,
    state: "NON_CURRENT",
    importState: "IMPORTED",
    rotationType: "ON_DEMAND",
    rotationDate: new Date(),
    ...fields,
  };
  key.materials.push(material);
  return material;
}

function operationsSince(start: number): string[] {
  return kms.requests.slice(start).map((r) => r.operation);
}

/** A run that must be refused: exit 1, one error line, no stdout, directory unchanged, and no import sent. */
async function expectRefusal(args: string[], message: RegExp): Promise<string[]> {
  const before = snapshotDir(dir);
  const start = kms.requests.length;
  const run = await runCli(args);
  expect(run.stdout).toBe("");
  expect(run.stderr).toMatch(ERROR_LINE);
  expect(run.stderr).toMatch(message);
  expect(run.code).toBe(1);
  expect(snapshotDir(dir)).toEqual(before);
  const operations = operationsSince(start);
  expect(operations).not.toContain("ImportKeyMaterial");
  return operations;
}

describe("rotate", () => {
  test("imports NEW_KEY_MATERIAL, then RotateKeyOnDemand; the new material is CURRENT and the old one NON_CURRENT", async () => {
    const key = enabledKey();
    const first = key.materials[0]!;
    const start = kms.requests.length;
    const run = await runCli(online("rotate", key.keyId, "--material", newMaterialPath, "--description", "2027 rotation"));

    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(operationsSince(start)).toEqual([
      "DescribeKey",
      "ListKeyRotations",
      "GetParametersForImport",
      "ImportKeyMaterial",
      "RotateKeyOnDemand",
      "DescribeKey",
      "ListKeyRotations",
    ]);
    expect(kms.calls("ListKeyRotations").at(-1)?.body).toEqual({ KeyId: key.arn, IncludeKeyMaterial: "ALL_KEY_MATERIAL" });
    const imported = kms.calls("ImportKeyMaterial").at(-1)?.body;
    expect(imported).toMatchObject({
      KeyId: key.arn,
      ImportType: "NEW_KEY_MATERIAL",
      KeyMaterialDescription: "2027 rotation",
      ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE",
    });
    expect(imported).not.toHaveProperty("KeyMaterialId");
    expect(kms.calls("RotateKeyOnDemand").at(-1)?.body).toEqual({ KeyId: key.arn });

    const newId = materialId(key.keyId, newMaterial);
    expect(key.material?.equals(newMaterial)).toBe(true);
    expect(key.materials.map((m) => [m.id, m.state])).toEqual([
      [first.id, "NON_CURRENT"],
      [newId, "CURRENT"],
    ]);
    expect(run.stdout).toContain(`rotated ${key.arn} to new key material ${newId}`);
    expect(run.stdout).toMatch(new RegExp(`${newId} +CURRENT +IMPORTED +never +\\S+ ON_DEMAND +2027 rotation`));
    expect(run.stdout).toMatch(new RegExp(`${first.id} +NON_CURRENT +IMPORTED`));
    expect(run.stdout).toContain("on-demand rotations used: 1 of 25");
    for (const encoded of encodingsOf(newMaterial)) expect(run.stdout).not.toContain(encoded);
  });

  test("--generate: saved 0600 before the import, equals what KMS holds, never printed; default description; --valid-to sent", async () => {
    const key = enabledKey();
    const out = join(dir, "rotate-generated.material");
    const validTo = new Date(Date.now() + 200 * 86_400_000);
    validTo.setUTCMilliseconds(0);
    const run = await runCli(online("rotate", key.arn, "--generate", "--material-out", out, "--valid-to", validTo.toISOString()));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const saved = readFileSync(out);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(key.material?.equals(saved)).toBe(true);
    expect(kms.calls("ImportKeyMaterial").at(-1)?.body).toMatchObject({
      ImportType: "NEW_KEY_MATERIAL",
      ExpirationModel: "KEY_MATERIAL_EXPIRES",
      ValidTo: validTo.getTime() / 1000,
      KeyMaterialDescription: `imported by sse-kms-key-material rotate on ${new Date().toISOString().slice(0, 10)}`,
    });
    expect(run.stdout).toContain(`generated key material saved to ${out} (mode 0600): back it up now`);
    for (const encoded of encodingsOf(saved)) expect(run.stdout + run.stderr).not.toContain(encoded);
  });

  test("an alias resolves; the on-demand count in the report follows ListKeyRotations", async () => {
    const key = enabledKey({ alias: "alias/rotate-me" });
    addMaterial(key);
    key.materials[1]!.state = "CURRENT";
    key.materials[0]!.state = "NON_CURRENT";
    const run = await runCli(online("rotate", "alias/rotate-me", "--generate", "--material-out", join(dir, "alias.material")));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("on-demand rotations used: 2 of 25");
    expect(key.materials.map((m) => m.state)).toEqual(["NON_CURRENT", "NON_CURRENT", "CURRENT"]);
  });

  describe("refusals (before anything is imported)", () => {
    test("a key with Origin AWS_KMS", async () => {
      const key = kms.addKey({ origin: "AWS_KMS", state: "Enabled" });
      const ops = await expectRefusal(online("rotate", key.keyId, "--material", newMaterialPath), /has Origin AWS_KMS, not EXTERNAL.*rotate-key-on-demand/);
      expect(ops).toEqual(["DescribeKey"]);
    });

    test("an EXTERNAL key that is not symmetric", async () => {
      const key = kms.addKey({ keySpec: "RSA_2048", state: "Enabled" });
      await expectRefusal(online("rotate", key.keyId, "--material", newMaterialPath), /is a RSA_2048 key: KMS rotates imported material only in symmetric/);
    });

    test("a multi-Region key (rotation there: primary first)", async () => {
      const key = enabledKey({ multiRegion: true });
      const ops = await expectRefusal(
        online("rotate", key.keyId, "--generate", "--material-out", join(dir, "mrk.material")),
        /is a multi-Region key: .*primary Region key first \(NEW_KEY_MATERIAL\).*every replica \(EXISTING_KEY_MATERIAL\)/,
      );
      expect(ops).toEqual(["DescribeKey"]);
    });

    test("a key in PendingImport (a material expired): reimport first", async () => {
      const key = enabledKey();
      kms.expire(key, key.materials[0]!.id);
      expect(key.state).toBe("PendingImport");
      await expectRefusal(
        online("rotate", key.keyId, "--material", newMaterialPath),
        /state PendingImport: one of its key materials expired or was deleted.*reimport/,
      );
    });

    test("a disabled key", async () => {
      const key = enabledKey();
      key.state = "Disabled";
      await expectRefusal(online("rotate", key.keyId, "--material", newMaterialPath), /is disabled.*enable-key/);
    });

    test("a key in PendingDeletion", async () => {
      const key = enabledKey();
      key.state = "PendingDeletion";
      await expectRefusal(online("rotate", key.keyId, "--material", newMaterialPath), /state PendingDeletion, not Enabled/);
    });

    test("a rotation already staged (PENDING_ROTATION): names the material and both ways out", async () => {
      const key = enabledKey();
      const staged = addMaterial(key, { state: "PENDING_ROTATION", rotationType: undefined, rotationDate: undefined });
      const ops = await expectRefusal(
        online("rotate", key.keyId, "--material", newMaterialPath),
        new RegExp(
          `already has key material ${staged.id} staged for rotation \\(PENDING_ROTATION\\).*rotate-key-on-demand.*delete-imported-key-material .*--key-material-id ${staged.id}`,
        ),
      );
      expect(ops).toEqual(["DescribeKey", "ListKeyRotations"]);
    });

    test("the on-demand rotation limit reached (25 ON_DEMAND rotations listed)", async () => {
      const key = enabledKey();
      for (let i = 0; i < 25; i++) addMaterial(key);
      const ops = await expectRefusal(
        online("rotate", key.keyId, "--material", newMaterialPath),
        /has used 25 on-demand rotations, the most KMS allows per key \(25\)/,
      );
      expect(ops).toEqual(["DescribeKey", "ListKeyRotations"]);
    });

    test("the limit is counted across ListKeyRotations pages", async () => {
      kms.listPageSize = 4;
      const key = enabledKey();
      for (let i = 0; i < 25; i++) addMaterial(key);
      const ops = await expectRefusal(online("rotate", key.keyId, "--material", newMaterialPath), /has used 25 on-demand rotations/);
      expect(ops.filter((o) => o === "ListKeyRotations")).toHaveLength(7);
    });

    test("an existing --material-out is never overwritten, before any call", async () => {
      const key = enabledKey();
      const start = kms.requests.length;
      await expectRefusal(online("rotate", key.keyId, "--generate", "--material-out", newMaterialPath), /refusing to overwrite/);
      expect(kms.requests.length).toBe(start);
    });
  });

  describe("KMS refuses", () => {
    test("ImportKeyMaterial denied: generated material removed, no RotateKeyOnDemand", async () => {
      const key = enabledKey();
      kms.failures.set("ImportKeyMaterial", { type: "AccessDeniedException", message: "not authorized to perform: kms:ImportKeyMaterial" });
      const out = join(dir, "denied.material");
      const start = kms.requests.length;
      const run = await runCli(online("rotate", key.keyId, "--generate", "--material-out", out));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(ERROR_LINE);
      expect(run.stderr).toMatch(/access denied: kms:ImportKeyMaterial.*the generated material was not imported and .*denied\.material was removed/);
      expect(existsSync(out)).toBe(false);
      expect(operationsSince(start)).not.toContain("RotateKeyOnDemand");
      expect(key.materials).toHaveLength(1);
    });

    test("material the key already holds is not new (IncorrectKeyMaterialException)", async () => {
      const current = randomBytes(32);
      const key = enabledKey({ material: current });
      const file = join(dir, "same-as-current.material");
      writeFileSync(file, current);
      const run = await runCli(online("rotate", key.keyId, "--material", file));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/KMS rejected the new key material .*\(rotate needs material the key has never held/);
    });

    test("RotateKeyOnDemand refused with LimitExceededException (a lower limit than 25): material stays staged, file kept, both ways out named", async () => {
      kms.onDemandRotationLimit = 1;
      const key = enabledKey();
      addMaterial(key);
      key.materials[1]!.state = "CURRENT";
      key.materials[0]!.state = "NON_CURRENT";
      const out = join(dir, "limit.material");
      const run = await runCli(online("rotate", key.keyId, "--generate", "--material-out", out));
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(ERROR_LINE);
      const staged = key.materials.find((m) => m.state === "PENDING_ROTATION");
      expect(staged?.bytes.equals(readFileSync(out))).toBe(true);
      expect(run.stderr).toContain(`new key material ${staged?.id} was imported and is staged (PENDING_ROTATION), but RotateKeyOnDemand failed`);
      expect(run.stderr).toMatch(/used all its on-demand rotations.*keep it until the material is withdrawn/);
      expect(run.stderr).toContain(`delete-imported-key-material --key-id ${key.arn} --region eu-west-1 --key-material-id ${staged?.id}`);

      // The next rotate is refused because of the staged material, until it is withdrawn.
      kms.onDemandRotationLimit = 25;
      await expectRefusal(online("rotate", key.keyId, "--material", newMaterialPath), /staged for rotation/);
    });

    test("connection lost after ImportKeyMaterial: generated material kept, the error says how to check", async () => {
      const key = enabledKey();
      kms.dropAfter.add("ImportKeyMaterial");
      const out = join(dir, "uncertain-rotate.material");
      const run = await runCli(online("rotate", key.keyId, "--generate", "--material-out", out));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(ERROR_LINE);
      expect(run.stderr).toMatch(
        /could not confirm that KMS received the import.*kept in .*uncertain-rotate\.material.*sse-kms-key-material status --key-id .*PENDING_ROTATION/,
      );
      expect(key.materials.find((m) => m.state === "PENDING_ROTATION")?.bytes.equals(readFileSync(out))).toBe(true);
    });
  });
});

describe("status", () => {
  test("lists every material with state, import state, expiry and description; exit 0 when nothing lapses soon", async () => {
    const key = enabledKey();
    key.materials[0]!.description = "first";
    key.materials[0]!.state = "NON_CURRENT";
    const current = addMaterial(key, {
      state: "CURRENT",
      description: "second",
      expirationModel: "KEY_MATERIAL_EXPIRES",
      validTo: new Date(Date.now() + 90 * 86_400_000),
    });
    const start = kms.requests.length;
    const run = await runCli(online("status", key.keyId));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(operationsSince(start)).toEqual(["DescribeKey", "ListKeyRotations"]);
    expect(run.stdout).toContain(`key ${key.arn}`);
    expect(run.stdout).toMatch(/state: +Enabled, origin EXTERNAL, single-Region/);
    expect(run.stdout).toMatch(new RegExp(`current: +${current.id}, expires ${current.validTo!.toISOString().replace(/\./g, "\\.")} \\(in (89|90) days\\)`));
    expect(run.stdout).toMatch(new RegExp(`${key.materials[0]!.id} +NON_CURRENT +IMPORTED +- +- +first`));
    expect(run.stdout).toMatch(new RegExp(`${current.id} +CURRENT +IMPORTED +\\S+ \\(in (89|90) days\\) +\\S+ ON_DEMAND +second`));
    expect(run.stdout).toContain("ok: no key material that decrypts data expires within 30 days");
  });

  test("exit 1 with an alert when a NON_CURRENT material expires within --warn-days; not with a shorter threshold", async () => {
    const key = enabledKey();
    const old = key.materials[0]!;
    old.state = "NON_CURRENT";
    old.expirationModel = "KEY_MATERIAL_EXPIRES";
    old.validTo = new Date(Date.now() + 10 * 86_400_000);
    addMaterial(key, { state: "CURRENT", expirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE" });
    const run = await runCli(online("status", key.keyId));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^sse-kms-key-material: alert: key material ${old.id} \\(NON_CURRENT\\) expires \\S+ \\(in (9|10) days\\), within 30 days\\n$`),
    );
    expect(run.stdout).toMatch(/current: +\S+, does not expire/);
    expect(run.stdout).toContain("1 alert (see stderr)");
    expect((await runCli(online("status", key.keyId, "--warn-days", "45"))).code).toBe(1);
    expect((await runCli(online("status", key.keyId, "--warn-days", "5"))).code).toBe(0);
  });

  test("staged (PENDING_ROTATION) material decrypts nothing: its expiry is shown but raises no alert", async () => {
    const key = enabledKey();
    addMaterial(key, {
      state: "PENDING_ROTATION",
      rotationType: undefined,
      rotationDate: undefined,
      expirationModel: "KEY_MATERIAL_EXPIRES",
      validTo: new Date(Date.now() + 12 * 3_600_000),
    });
    const run = await runCli(online("status", key.keyId));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/PENDING_ROTATION +IMPORTED +\S+ \(in \d+ hours\)/);
  });

  test("an expired material: exit 1, the key is PendingImport, the alert names the material", async () => {
    const key = enabledKey();
    kms.expire(key, key.materials[0]!.id);
    const run = await runCli(online("status", key.keyId));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/state: +PendingImport/);
    expect(run.stderr).toContain(`alert: key material ${key.materials[0]!.id} (CURRENT) is not imported: it expired or was deleted`);
  });

  test("all pages of ListKeyRotations are read", async () => {
    kms.listPageSize = 2;
    const key = enabledKey();
    for (let i = 0; i < 4; i++) addMaterial(key);
    const run = await runCli(online("status", key.keyId));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("key materials (5):");
    for (const m of key.materials) expect(run.stdout).toContain(m.id);
    expect(kms.calls("ListKeyRotations").at(-1)?.body).toMatchObject({ Marker: "4" });
  });

  test("an asymmetric key is refused after DescribeKey", async () => {
    const key = kms.addKey({ keySpec: "RSA_2048", state: "Enabled" });
    const ops = await expectRefusal(online("status", key.keyId), /is a RSA_2048 key: KMS lists key materials only for symmetric/);
    expect(ops).toEqual(["DescribeKey"]);
  });

  test.each([["abc"], ["-1"], ["1.5"], ["100000"]])("--warn-days %s is a usage error", async (value) => {
    const run = await runCli(online("status", "alias/x", "--warn-days", value));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(ERROR_LINE);
  });
});

describe("reimport", () => {
  test("puts the same bytes back by key material id: EXISTING_KEY_MATERIAL with KeyMaterialId; the key is Enabled again", async () => {
    const bytes = randomBytes(32);
    const key = enabledKey({ material: bytes });
    const id = key.materials[0]!.id;
    kms.expire(key, id);
    const backup = join(dir, "backup-1.material");
    writeFileSync(backup, bytes, { mode: 0o600 });
    const start = kms.requests.length;
    const run = await runCli(online("reimport", key.keyId, "--key-material-id", id, "--material", backup));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(operationsSince(start)).toEqual([
      "DescribeKey",
      "ListKeyRotations",
      "GetParametersForImport",
      "ImportKeyMaterial",
      "DescribeKey",
      "ListKeyRotations",
    ]);
    expect(kms.calls("ImportKeyMaterial").at(-1)?.body).toMatchObject({
      KeyId: key.arn,
      ImportType: "EXISTING_KEY_MATERIAL",
      KeyMaterialId: id,
      ExpirationModel: "KEY_MATERIAL_DOES_NOT_EXPIRE",
    });
    expect(kms.calls("ImportKeyMaterial").at(-1)?.body).not.toHaveProperty("KeyMaterialDescription");
    expect(key.state).toBe("Enabled");
    expect(key.materials[0]!.importState).toBe("IMPORTED");
    expect(run.stdout).toContain(`reimported key material ${id} into ${key.arn} (ImportType EXISTING_KEY_MATERIAL)`);
    expect(run.stdout).toMatch(/key state: +Enabled/);
    for (const encoded of encodingsOf(bytes)) expect(run.stdout).not.toContain(encoded);
  });

  test("other bytes than that material: KMS refuses (IncorrectKeyMaterialException) and the key stays PendingImport", async () => {
    const key = enabledKey();
    const id = key.materials[0]!.id;
    kms.expire(key, id);
    const run = await runCli(online("reimport", key.keyId, "--key-material-id", id, "--material", newMaterialPath));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(ERROR_LINE);
    expect(run.stderr).toMatch(new RegExp(`it is not key material ${id} of this key .*\\(reimport needs the exact bytes`));
    expect(key.state).toBe("PendingImport");
  });

  test("an id the key does not have is refused before GetParametersForImport, listing the ids it has", async () => {
    const key = enabledKey();
    const ops = await expectRefusal(
      online("reimport", key.keyId, "--key-material-id", "f".repeat(64), "--material", newMaterialPath),
      new RegExp(`has no key material f{64} \\(its materials: ${key.materials[0]!.id}\\)`),
    );
    expect(ops).toEqual(["DescribeKey", "ListKeyRotations"]);
  });

  test("a material that is still imported is refused: nothing to restore", async () => {
    const key = enabledKey();
    await expectRefusal(
      online("reimport", key.keyId, "--key-material-id", key.materials[0]!.id, "--material", newMaterialPath),
      /is IMPORTED, not PENDING_IMPORT: there is nothing to restore/,
    );
  });

  test("a key with Origin AWS_KMS is refused", async () => {
    const key = kms.addKey({ origin: "AWS_KMS", state: "Enabled" });
    await expectRefusal(online("reimport", key.keyId, "--key-material-id", "x", "--material", newMaterialPath), /has Origin AWS_KMS, not EXTERNAL/);
  });

  test.each([
    [["--generate"], /unknown option --generate for reimport/],
    [["--material", "MATERIAL"], /missing --key-material-id/],
    [["--key-material-id", "abc"], /missing --material/],
  ])("usage: %j", async (extra, message) => {
    const args = online("reimport", "alias/x", ...extra.map((a) => (a === "MATERIAL" ? newMaterialPath : a)));
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe("help", () => {
  test("--help lists rotate, status and reimport; rotate --help names NEW_KEY_MATERIAL", async () => {
    const main = await runCli(["--help"]);
    expect(main.stdout).toMatch(/\n {2}rotate +Online: import NEW key material/);
    expect(main.stdout).toMatch(/\n {2}status +Online: list the key's materials/);
    expect(main.stdout).toMatch(/\n {2}reimport +Online: put the same bytes back/);
    const rotate = await runCli(["rotate", "--help"]);
    expect(rotate).toMatchObject({ code: 0, stderr: "" });
    expect(rotate.stdout).toContain("NEW_KEY_MATERIAL");
    expect(rotate.stdout).toContain("RotateKeyOnDemand");
  });

  test.each([
    [
      "rotate",
      [
        "--key-id",
        "--region",
        "--material",
        "--generate",
        "--material-out",
        "--description",
        "--wrapping-key-spec",
        "--valid-to",
        "--no-expiry",
        "--endpoint-url",
      ],
    ],
    ["status", ["--key-id", "--region", "--warn-days", "--endpoint-url"]],
    [
      "reimport",
      ["--key-id", "--region", "--key-material-id", "--material", "--description", "--wrapping-key-spec", "--valid-to", "--no-expiry", "--endpoint-url"],
    ],
  ])("%s --help lists every option", async (command, options) => {
    const run = await runCli([command, "--help"]);
    expect(run.code).toBe(0);
    for (const option of [...options, "-h, --help"]) expect(run.stdout).toContain(`  ${option}`);
  });
});
