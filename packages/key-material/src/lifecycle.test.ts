/**
 * The whole life of imported key material against the fake KMS, the CLI in-process and data through
 * the AWS SDK: import, encrypt, rotate twice, list, and the data encrypted under the first material
 * still decrypts (with that material); then the first material expires, nothing decrypts, status
 * alerts, reimport from the backup, and everything decrypts again.
 *
 * "When you use a rotated KMS key to decrypt ciphertext, AWS KMS uses the key material that was used
 * to encrypt it." (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html) The fake
 * does this by recording the material id in its ciphertext; KMS's own ciphertext format is not public.
 */
import { DecryptCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FakeKms, materialId } from "./test-support/fake-kms";
import { useFakeAwsEnv } from "./test-support/fake-env";
import { removeDir, runCli, tempDir } from "./test-support/cli-harness";

jest.setTimeout(60_000);

const kms = new FakeKms("eu-west-1");
let restoreEnv: () => void;
let dir: string;
let client: KMSClient;

beforeAll(async () => {
  dir = tempDir();
  restoreEnv = useFakeAwsEnv(dir);
  await kms.start();
  client = new KMSClient({ region: "eu-west-1", endpoint: kms.url, maxAttempts: 1 });
});

afterAll(async () => {
  client.destroy();
  await kms.stop();
  removeDir(dir);
  restoreEnv();
});

const online = kms.args.bind(kms);

/** Encrypts; the material used shows in the Decrypt response only (EncryptResponse has no KeyMaterialId). */
async function encrypt(keyId: string, text: string): Promise<{ blob: Uint8Array; materialId: string | undefined }> {
  const out = await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) }));
  return { blob: out.CiphertextBlob!, materialId: (await decrypt(out.CiphertextBlob!)).materialId };
}

async function decrypt(blob: Uint8Array): Promise<{ text: string; materialId: string | undefined }> {
  const out = await client.send(new DecryptCommand({ CiphertextBlob: blob }));
  return { text: Buffer.from(out.Plaintext!).toString(), materialId: out.KeyMaterialId };
}

test("import, rotate twice, list: data under the first material still decrypts; an expired material stops everything until reimported", async () => {
  const key = kms.addKey({ alias: "alias/byok-life" });
  const paths = [1, 2, 3].map((n) => join(dir, `byok-${n}.material`));

  // Year 0: the first import.
  const imported = await runCli(online("import", "alias/byok-life", "--generate", "--material-out", paths[0]!));
  expect(imported).toMatchObject({ code: 0, stderr: "" });
  const ids = [materialId(key.keyId, readFileSync(paths[0]!))];
  const year0 = await encrypt(key.arn, "written in year 0");
  expect(year0.materialId).toBe(ids[0]);

  // Years 1 and 2: two rotations, with writes in between.
  const rotated1 = await runCli(online("rotate", "alias/byok-life", "--generate", "--material-out", paths[1]!, "--description", "year 1"));
  expect(rotated1).toMatchObject({ code: 0, stderr: "" });
  ids.push(materialId(key.keyId, readFileSync(paths[1]!)));
  const year1 = await encrypt(key.arn, "written in year 1");
  expect(year1.materialId).toBe(ids[1]);
  const rotated2 = await runCli(online("rotate", "alias/byok-life", "--generate", "--material-out", paths[2]!, "--description", "year 2"));
  expect(rotated2.code).toBe(0);
  ids.push(materialId(key.keyId, readFileSync(paths[2]!)));
  expect(new Set(ids).size).toBe(3);

  // The RotateKeyOnDemand of each rotation came after its NEW_KEY_MATERIAL import.
  const sequence = kms.requests
    .filter((r) => r.operation === "ImportKeyMaterial" || r.operation === "RotateKeyOnDemand")
    .map((r) => `${r.operation}:${String(r.body.ImportType ?? "-")}`);
  expect(sequence).toEqual([
    "ImportKeyMaterial:-",
    "ImportKeyMaterial:NEW_KEY_MATERIAL",
    "RotateKeyOnDemand:-",
    "ImportKeyMaterial:NEW_KEY_MATERIAL",
    "RotateKeyOnDemand:-",
  ]);

  // List: three materials, the newest current.
  const listed = await runCli(online("status", "alias/byok-life"));
  expect(listed).toMatchObject({ code: 0, stderr: "" });
  expect(listed.stdout).toContain("key materials (3):");
  expect(listed.stdout).toMatch(new RegExp(`${ids[0]} +NON_CURRENT +IMPORTED`));
  expect(listed.stdout).toMatch(new RegExp(`${ids[1]} +NON_CURRENT +IMPORTED +never +\\S+ ON_DEMAND +year 1`));
  expect(listed.stdout).toMatch(new RegExp(`${ids[2]} +CURRENT +IMPORTED +never +\\S+ ON_DEMAND +year 2`));
  expect(listed.stdout).toContain("2 of 25 on-demand rotations used");

  // Old data decrypts, each with the material it was written under; new data uses the newest.
  expect(await decrypt(year0.blob)).toEqual({ text: "written in year 0", materialId: ids[0] });
  expect(await decrypt(year1.blob)).toEqual({ text: "written in year 1", materialId: ids[1] });
  const year2 = await encrypt(key.arn, "written in year 2");
  expect(year2.materialId).toBe(ids[2]);

  // The first material lapses: the key goes to PendingImport and nothing decrypts, not even new data.
  kms.expire(key, ids[0]!);
  await expect(decrypt(year2.blob)).rejects.toMatchObject({ name: "KMSInvalidStateException" });
  const alert = await runCli(online("status", "alias/byok-life"));
  expect(alert.code).toBe(1);
  expect(alert.stderr).toContain(`alert: key material ${ids[0]} (NON_CURRENT) is not imported`);

  // Reimport the first material from its backup: everything decrypts again.
  const restored = await runCli(online("reimport", "alias/byok-life", "--key-material-id", ids[0]!, "--material", paths[0]!));
  expect(restored).toMatchObject({ code: 0, stderr: "" });
  expect(key.state).toBe("Enabled");
  expect(await decrypt(year0.blob)).toEqual({ text: "written in year 0", materialId: ids[0] });
  expect(await decrypt(year2.blob)).toEqual({ text: "written in year 2", materialId: ids[2] });
  expect((await runCli(online("status", "alias/byok-life"))).code).toBe(0);
});
