#!/usr/bin/env node
// Which synthesized stacks a change touches: compares two synth outputs (the base's and the head's
// cdktf.out/stacks) stack by stack, byte for byte (the output is deterministic), and prints JSON:
//   {"changed": [...], "removed": [...]}
// `changed`: stacks added or whose cdk.tf.json differs and that run in HCP Terraform (a `cloud`
// block), the ones the pipeline plans or applies in their workspace. `removed`: stacks the base had
// and the head no longer writes; no apply will ever run for them (their resources are orphaned, not
// destroyed): the pipeline fails on them until they are destroyed or released (README, "Remove an
// environment").
//   node tools/hcp/changed-stacks.mjs <base cdktf.out> <head cdktf.out>
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** stack name -> cdk.tf.json text, for every `<dir>/stacks/<stack>/cdk.tf.json`. */
export function readStacks(outdir) {
  const dir = join(outdir, "stacks");
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "cdk.tf.json")))
      .map((e) => [e.name, readFileSync(join(dir, e.name, "cdk.tf.json"), "utf8")]),
  );
}

/** The change between two synth outputs (maps of stack name -> cdk.tf.json text). */
export function changedStacks(base, head) {
  const cloud = (text) => JSON.parse(text).terraform?.cloud !== undefined;
  const changed = [...head].filter(([name, text]) => base.get(name) !== text && cloud(text)).map(([name]) => name);
  const removed = [...base.keys()].filter((name) => !head.has(name));
  return { changed: changed.sort(), removed: removed.sort() };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const args = process.argv.slice(2);
  if (args.includes("--help")) {
    console.log('node tools/hcp/changed-stacks.mjs <base cdktf.out> <head cdktf.out>: prints {"changed": [...], "removed": [...]}');
    process.exit(0);
  }
  if (args.length !== 2) {
    console.error("changed-stacks: give two synth output folders: <base cdktf.out> <head cdktf.out> (--help prints the usage)");
    process.exit(2);
  }
  console.log(JSON.stringify(changedStacks(readStacks(args[0]), readStacks(args[1]))));
}
