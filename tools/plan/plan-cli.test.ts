import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { findRepoRoot } from "@sse-kms/blueprint-catalog";

const root = findRepoRoot(__dirname);
const withoutTerraform = (process.env.PATH ?? "")
  .split(delimiter)
  .filter((dir) => dir && !existsSync(join(dir, "terraform")))
  .join(delimiter);

test("the opt-in real plan says it is skipped and exits 0 where no terraform is on PATH", () => {
  const built = spawnSync(process.execPath, ["tools/build.mjs", "--quiet", "plan"], { cwd: root, encoding: "utf8" });
  expect(built.status).toBe(0);
  const run = spawnSync(process.execPath, ["dist/plan.js", "--env", "dev"], { cwd: root, encoding: "utf8", env: { ...process.env, PATH: withoutTerraform } });
  expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
    status: 0,
    stdout: "skipped: no terraform on PATH (environment dev)\n",
    stderr: "",
  });
});
