#!/usr/bin/env node
// Launcher for the key-material ceremony CLI. The code lives in ../dist/cli.js, bundled from
// src/cli.ts by the repository build; this shim only loads it and reports a missing build clearly.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const cli = join(__dirname, "..", "dist", "cli.js");
if (!existsSync(cli)) {
  process.stderr.write(`sse-kms-key-material: error: the CLI is not built (${cli} is missing) (run \`npm run build\` or \`npm ci\` at the repository root)\n`);
  process.exitCode = 1;
} else {
  // The AWS SDK prints a multi-line notice about future Node.js support; keep stderr to our own lines.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  require(cli)
    .main(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    });
}
