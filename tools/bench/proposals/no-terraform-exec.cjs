// Benchmark only (bench.mjs --proposals): `node -r ./no-terraform-exec.cjs dist/app.js`.
// cdktf's ValidateTerraformVersion (added by CloudBackend, moved blocks, import blocks, the
// terraform_data resource) runs `execSync("terraform version")` once per construct that carries
// it, at every synth: a shell and a Terraform process per staging stack today (staging uses the
// cloud backend), and a synth failure where no Terraform is installed. This measures the synth
// without that exec: the same check done once up front, or not at synth at all.
"use strict";
const { ValidateBinaryVersion } = require("cdktf/lib/validations/validate-binary-version");
ValidateBinaryVersion.prototype.validate = () => [];
