/**
 * Plaintext material buffers are zeroed after use, on success and on every error path. The material
 * module is wrapped so the test keeps a reference to every buffer it hands out.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type * as MaterialModule from "./material";
import { useFakeAwsEnv } from "./test-support/fake-env";
import { FakeKms } from "./test-support/fake-kms";
import { removeDir, runCli, tempDir } from "./test-support/cli-harness";

const mockHandedOut: Buffer[] = [];

jest.mock("./material", () => {
  const actual = jest.requireActual<typeof MaterialModule>("./material");
  return {
    ...actual,
    generateKeyMaterial: (): Buffer => {
      const buffer = actual.generateKeyMaterial();
      mockHandedOut.push(buffer);
      return buffer;
    },
    readKeyMaterialFile: (path: string, flag?: string): Buffer => {
      const buffer = actual.readKeyMaterialFile(path, flag);
      mockHandedOut.push(buffer);
      return buffer;
    },
  };
});

jest.setTimeout(60_000);

const kms = new FakeKms("eu-west-1");
let restoreEnv: () => void;
let dir: string;
let materialPath: string;
let wrappingKey: string;

beforeAll(async () => {
  dir = tempDir();
  restoreEnv = useFakeAwsEnv(dir);
  await kms.start();
  materialPath = join(dir, "in.material");
  writeFileSync(materialPath, randomBytes(32));
  wrappingKey = join(dir, "pub.der");
  writeFileSync(wrappingKey, generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "der", type: "spki" }));
});

afterAll(async () => {
  await kms.stop();
  removeDir(dir);
  restoreEnv();
});

beforeEach(() => {
  mockHandedOut.length = 0;
  kms.resetFaults();
});

function expectAllZeroed(minimum: number): void {
  expect(mockHandedOut.length).toBeGreaterThanOrEqual(minimum);
  for (const buffer of mockHandedOut) {
    expect(buffer.length).toBe(32);
    expect(buffer.every((b) => b === 0)).toBe(true);
  }
}

const importArgs = (keyId: string, ...rest: string[]): string[] => ["import", "--key-id", keyId, "--region", "eu-west-1", "--endpoint-url", kms.url, ...rest];

test.each([
  ["wrap --material, success", (): string[] => ["wrap", "--wrapping-key", wrappingKey, "--out", join(dir, "a.out"), "--material", materialPath], 0],
  [
    "wrap --generate, success",
    (): string[] => ["wrap", "--wrapping-key", wrappingKey, "--out", join(dir, "b.out"), "--generate", "--material-out", join(dir, "b.material")],
    0,
  ],
  [
    "wrap --generate, --out cannot be created",
    (): string[] => [
      "wrap",
      "--wrapping-key",
      wrappingKey,
      "--out",
      join(dir, "missing-dir", "c.out"),
      "--generate",
      "--material-out",
      join(dir, "c.material"),
    ],
    1,
  ],
  ["import --material, success", (): string[] => importArgs(kms.addKey().keyId, "--material", materialPath), 0],
  ["import --generate, success", (): string[] => importArgs(kms.addKey().keyId, "--generate", "--material-out", join(dir, "d.material")), 0],
])("%s: every material buffer is zeroed", async (_name, args, code) => {
  const run = await runCli(args());
  expect(run.code).toBe(code);
  expectAllZeroed(1);
});

test("import --generate, ImportKeyMaterial rejected: material zeroed", async () => {
  const key = kms.addKey();
  kms.failures.set("ImportKeyMaterial", { type: "AccessDeniedException", message: "denied" });
  const run = await runCli(importArgs(key.keyId, "--generate", "--material-out", join(dir, "e.material")));
  expect(run.code).toBe(1);
  expectAllZeroed(1);
});

test("import --material, ImportKeyMaterial rejected: material zeroed", async () => {
  const key = kms.addKey();
  kms.failures.set("ImportKeyMaterial", { type: "ExpiredImportTokenException", message: "expired" });
  const run = await runCli(importArgs(key.keyId, "--material", materialPath));
  expect(run.code).toBe(1);
  expectAllZeroed(1);
});
