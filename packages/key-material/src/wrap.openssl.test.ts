/**
 * Cross-check of `wrap` against an independent implementation: the openssl CLI must unwrap what
 * the CLI wrapped (RSAES-OAEP, same hash for OAEP and MGF1), for every public-key encoding.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { removeDir, runCli, tempDir } from "./test-support/cli-harness";

jest.setTimeout(120_000);

const OPENSSL = "/usr/bin/openssl";

interface KeyFiles {
  readonly privatePem: string;
  readonly der: string;
  readonly pem: string;
  readonly base64: string;
}

let dir: string;
const keys = new Map<number, KeyFiles>();

beforeAll(() => {
  dir = tempDir();
  for (const bits of [2048, 4096]) {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
    const der = publicKey.export({ format: "der", type: "spki" });
    const files: KeyFiles = {
      privatePem: join(dir, `priv-${bits}.pem`),
      der: join(dir, `pub-${bits}.der`),
      pem: join(dir, `pub-${bits}.pem`),
      base64: join(dir, `pub-${bits}.b64`),
    };
    writeFileSync(files.privatePem, privateKey.export({ format: "pem", type: "pkcs8" }));
    writeFileSync(files.der, der);
    writeFileSync(files.pem, publicKey.export({ format: "pem", type: "spki" }));
    // What `aws kms get-parameters-for-import --query PublicKey --output text` prints: one line plus newline.
    writeFileSync(files.base64, `${der.toString("base64")}\n`);
    keys.set(bits, files);
  }
});

afterAll(() => removeDir(dir));

function opensslUnwrap(privatePem: string, wrapped: string, md: "sha256" | "sha1"): Buffer {
  const out = `${wrapped}.plain`;
  execFileSync(
    OPENSSL,
    [
      "pkeyutl",
      "-decrypt",
      "-inkey",
      privatePem,
      "-pkeyopt",
      "rsa_padding_mode:oaep",
      "-pkeyopt",
      `rsa_oaep_md:${md}`,
      "-pkeyopt",
      `rsa_mgf1_md:${md}`,
      "-in",
      wrapped,
      "-out",
      out,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return readFileSync(out);
}

type AlgorithmCase = "RSAES_OAEP_SHA_256" | "RSAES_OAEP_SHA_1" | "(default)";
const cases: Array<[number, keyof Omit<KeyFiles, "privatePem">, AlgorithmCase]> = [];
for (const bits of [2048, 4096]) {
  for (const encoding of ["der", "pem", "base64"] as const) {
    for (const algorithm of ["(default)", "RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1"] as const) cases.push([bits, encoding, algorithm]);
  }
}

test.each(cases)("RSA-%i public key as %s, --wrapping-algorithm %s: openssl unwraps the input material", async (bits, encoding, algorithm) => {
  const files = keys.get(bits)!;
  const tag = `${bits}-${encoding}-${algorithm === "(default)" ? "default" : algorithm}`;
  const materialPath = join(dir, `${tag}.material`);
  const wrappedPath = join(dir, `${tag}.wrapped`);
  const material = randomBytes(32);
  writeFileSync(materialPath, material, { mode: 0o600 });

  const run = await runCli([
    "wrap",
    "--wrapping-key",
    files[encoding],
    "--material",
    materialPath,
    "--out",
    wrappedPath,
    ...(algorithm === "(default)" ? [] : ["--wrapping-algorithm", algorithm]),
  ]);

  expect(run).toMatchObject({ code: 0, stderr: "" });
  const wrapped = readFileSync(wrappedPath);
  expect(wrapped.length).toBe(bits / 8);
  const md = algorithm === "RSAES_OAEP_SHA_1" ? "sha1" : "sha256";
  expect(opensslUnwrap(files.privatePem, wrappedPath, md).equals(material)).toBe(true);
  // The other hash must not unwrap it: the algorithm flag really selects OAEP's hash and MGF1.
  expect(() => opensslUnwrap(files.privatePem, wrappedPath, md === "sha1" ? "sha256" : "sha1")).toThrow();
});

test("generated material wrapped by `wrap --generate` unwraps to the saved material file", async () => {
  const files = keys.get(4096)!;
  const materialOut = join(dir, "generated.material");
  const wrappedPath = join(dir, "generated.wrapped");
  const run = await runCli(["wrap", "--wrapping-key", files.der, "--generate", "--material-out", materialOut, "--out", wrappedPath]);
  expect(run.code).toBe(0);
  expect(opensslUnwrap(files.privatePem, wrappedPath, "sha256").equals(readFileSync(materialOut))).toBe(true);
});

test("a PKCS#1 `RSA PUBLIC KEY` PEM is accepted too", async () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pkcs1 = join(dir, "pkcs1.pem");
  const priv = join(dir, "pkcs1-priv.pem");
  writeFileSync(pkcs1, publicKey.export({ format: "pem", type: "pkcs1" }));
  writeFileSync(priv, privateKey.export({ format: "pem", type: "pkcs8" }));
  const materialPath = join(dir, "pkcs1.material");
  const material = randomBytes(32);
  writeFileSync(materialPath, material);
  const run = await runCli(["wrap", "--wrapping-key", pkcs1, "--material", materialPath, "--out", join(dir, "pkcs1.wrapped")]);
  expect(run.code).toBe(0);
  expect(opensslUnwrap(priv, join(dir, "pkcs1.wrapped"), "sha256").equals(material)).toBe(true);
});
