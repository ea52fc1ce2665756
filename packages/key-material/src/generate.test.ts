/** `--generate`: fresh CSPRNG material, saved with mode 0600, never echoed. */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodingsOf, removeDir, runCli, tempDir } from "./test-support/cli-harness";

jest.setTimeout(60_000);

let dir: string;

beforeAll(() => {
  dir = tempDir();
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(join(dir, "pub.der"), publicKey.export({ format: "der", type: "spki" }));
});

afterAll(() => removeDir(dir));

async function generateOnce(tag: string): Promise<{ material: Buffer; output: string; materialPath: string }> {
  const materialPath = join(dir, `${tag}.material`);
  const run = await runCli([
    "wrap",
    "--wrapping-key",
    join(dir, "pub.der"),
    "--out",
    join(dir, `${tag}.wrapped`),
    "--generate",
    "--material-out",
    materialPath,
  ]);
  expect(run.code).toBe(0);
  return { material: readFileSync(materialPath), output: run.stdout + run.stderr, materialPath };
}

test("generated material: 32 bytes, mode 0600, different each run, never in stdout or stderr", async () => {
  const first = await generateOnce("first");
  const second = await generateOnce("second");
  for (const { material, output, materialPath } of [first, second]) {
    expect(material.length).toBe(32);
    expect(statSync(materialPath).mode & 0o777).toBe(0o600);
    for (const encoded of encodingsOf(material)) expect(output).not.toContain(encoded);
    expect(output).toContain(materialPath); // the report says where the material is, not what it is
  }
  expect(first.material.equals(second.material)).toBe(false);
});

test("mode 0600 holds under a permissive umask", async () => {
  const previous = process.umask(0o000);
  try {
    const { materialPath } = await generateOnce("umask");
    expect(statSync(materialPath).mode & 0o777).toBe(0o600);
  } finally {
    process.umask(previous);
  }
});
