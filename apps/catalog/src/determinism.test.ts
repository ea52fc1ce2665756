import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { environmentFiles, findRepoRoot } from "./app";
import { fileTree } from "@sse-kms/testing/files";

const repoRoot = findRepoRoot(__dirname);

/** A minimal checkout at a new path: the app bundle, cdktf.json, the environments, node_modules linked. */
function checkout(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, "dist"));
  copyFileSync(join(repoRoot, "dist/app.js"), join(dir, "dist/app.js"));
  copyFileSync(join(repoRoot, "cdktf.json"), join(dir, "cdktf.json"));
  for (const file of environmentFiles(repoRoot)) {
    const rel = relative(repoRoot, file);
    mkdirSync(join(dir, rel, ".."), { recursive: true });
    copyFileSync(file, join(dir, rel));
  }
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** PATH without any folder that holds a terraform (or tofu) binary: synth must not need one. */
const pathWithoutTerraform = (process.env.PATH ?? "")
  .split(delimiter)
  .filter((dir) => dir && !existsSync(join(dir, "terraform")) && !existsSync(join(dir, "tofu")))
  .join(delimiter);

describe("synth output is byte-identical from two checkout paths, without Terraform installed", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test("two checkouts, same bytes, no machine paths", () => {
    const build = spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "app"], { cwd: repoRoot, encoding: "utf8" });
    expect(build.stderr).toBe("");
    expect(build.status).toBe(0);
    const [a, b] = [checkout("sse-kms-a-"), checkout("sse-kms-checkout-b-")];
    dirs.push(a, b);
    for (const dir of [a, b]) {
      const run = spawnSync(process.execPath, ["dist/app.js"], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, CDKTF_OUTDIR: "", PATH: pathWithoutTerraform },
      });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
    }
    const treeA = fileTree(join(a, "cdktf.out"));
    const treeB = fileTree(join(b, "cdktf.out"));
    expect([...treeA.keys()].sort()).toEqual([...treeB.keys()].sort());
    expect([...treeA.keys()].filter((f) => f.endsWith("cdk.tf.json")).length).toBeGreaterThanOrEqual(3);
    for (const [file, bytes] of treeA) {
      expect({ file, same: bytes.equals(treeB.get(file) ?? Buffer.alloc(0)) }).toEqual({ file, same: true });
      const text = bytes.toString("utf8");
      for (const dir of [a, b, repoRoot, tmpdir()]) expect({ file, leaks: text.includes(dir) }).toEqual({ file, leaks: false });
    }
  });
});
