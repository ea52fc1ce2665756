// Benchmark only (bench.mjs --alternatives): every project's jest config as `projects` of ONE
// jest run, instead of one jest process per project through Nx.
const { existsSync, readdirSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..", "..", "..");
const projects = [];
for (const group of ["apps", "blueprints", "packages", "tools"]) {
  for (const e of readdirSync(join(root, group), { withFileTypes: true })) {
    if (e.isDirectory() && e.name !== "bench" && existsSync(join(root, group, e.name, "jest.config.js"))) projects.push(`<rootDir>/${group}/${e.name}`);
  }
}
if (existsSync(join(root, "tools", "jest.config.js"))) projects.push("<rootDir>/tools");

/** @type {import('jest').Config} */
module.exports = { rootDir: root, projects };
