#!/usr/bin/env node
// `npm run check:cdktn`: proves the move from CDK for Terraform (cdktf, archived Dec 2025) to its
// community fork CDK Terrain (cdktn) WITHOUT touching this tree. In a temporary folder it makes
//   base/   an unmodified copy of the sources, linked to this tree's installed node_modules (cdktf);
//   cdktn/  the same copy with imports and package names rewritten, installed from the registry;
// builds and synthesizes both, times the synth (median of alternating rounds, one run), and
// compares every stack's cdk.tf.json: the same blocks at the same addresses with the same
// attributes, ignoring the `//` metadata, terraform.required_providers versions and the
// cdktf/cdktn version strings. Its figures (versions, stacks, deep imports, pins) are the generated
// section of docs/migrating-to-cdktn.md: the check fails when the page says something else
// (`--write-doc` rewrites the section). Exits 1 on a difference or a stale page, 2 when the check
// itself could not run. Needs the npm registry: it is NOT part of `npm test`; .ci/run runs it.
// `--apply` makes the move in this repository itself (the same rewrite, then npm install).
//
//   node tools/cdktn/check-cdktn.mjs [--runs N] [--keep] [--workdir DIR] [--typecheck] [--json FILE] [--write-doc]
//   node tools/cdktn/check-cdktn.mjs --apply
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, "..", "..");
const NODE = process.execPath;

// ---------------------------------------------------------------------------------------------
// What the move is: the packages and the pinned versions of the fork.

/**
 * Pinned versions. @cdktn/provider-aws 25.5.0 is the release closest to the AWS provider we pin
 * today (@cdktf/provider-aws 21.22.1 = hashicorp/aws 6.25.0) that works with the only published
 * cdktn (0.24.0): 23.7.0 (aws 6.40) and 24.1.0 (aws 6.45) need cdktn ^0.22 / ^0.23, which
 * were never published. cdktn 0.24 and the provider accept constructs >=10.6.0 <10.8.0 only.
 */
export const TARGET = {
  cdktn: "0.24.0",
  "cdktn-cli": "0.24.0",
  "@cdktn/provider-aws": "25.5.0",
  constructs: "10.7.2",
};

/** Dependency renames: old name -> [new name, version spec for each kind of dependency field]. */
const RENAMES = {
  cdktf: ["cdktn", { exact: TARGET.cdktn, peer: `^${TARGET.cdktn}` }],
  "cdktf-cli": ["cdktn-cli", { exact: TARGET["cdktn-cli"], peer: `^${TARGET["cdktn-cli"]}` }],
  "@cdktf/provider-aws": ["@cdktn/provider-aws", { exact: TARGET["@cdktn/provider-aws"], peer: `^${TARGET["@cdktn/provider-aws"]}` }],
};

/** allowScripts entries of cdktf's dependencies that have no counterpart under cdktn. */
const ALLOW_SCRIPTS_DROPPED = ["@cdktf/node-pty-prebuilt-multiarch"];
/**
 * Root devDependencies and overrides that only cdktf-cli needs, dropped by the move: the node-pty
 * stand-in with Node 24 binaries (package.json "//"). cdktn-cli 0.24 uses no pseudo-terminal.
 */
const ROOT_DROPPED = ["@cdktf/node-pty-prebuilt-multiarch"];

/** The module specifier rewrites, applied to code files only (.ts .mts .cts .js .mjs .cjs). */
const SPECIFIER_REWRITES = [
  // import ... from "cdktf" / import("cdktf") / require("cdktf") / require.resolve("cdktf/lib/x"),
  // export ... from "cdktf": the package and its subpaths (cdktf/lib/...).
  [/((?:\bfrom|\bimport|\brequire(?:\.resolve)?)\s*\(?\s*)(["'`])cdktf(?=\2|\/)/g, "$1$2cdktn"],
  // "@cdktf/provider-aws", "@cdktf/provider-aws/lib/kms-key", `@cdktf/provider-aws/lib/${m}`:
  // any string, template or import that starts with the package name.
  [/(["'`])@cdktf\/provider-aws(?=[/"'`])/g, "$1@cdktn/provider-aws"],
];
/** A test or describe title: a leftover there is only prose. */
const TEST_TITLE = /^(test|it|describe)(\.each\(.*?\))?\(\s*["'`]/;
const CODE_EXT = /\.(ts|mts|cts|js|mjs|cjs)$/;
/** Copied but never rewritten: this checker (it names the old packages on purpose). */
const NO_REWRITE = /^tools\/cdktn\//;
/** Mentions of "cdktf" that cdktn keeps on purpose (config file, env vars, metadata types, outdir). */
const KEPT_BY_CDKTN = /cdktf\.json|cdktf\.out|CDKTF_[A-Z_]+|@cdktf\/(warn|info|error)|cdktfVersion/g;

// ---------------------------------------------------------------------------------------------
// Options

const HELP = `node tools/cdktn/check-cdktn.mjs [options]
  --runs N         timed synth rounds per side after one warm-up (default 5)
  --workdir DIR    use DIR (created if missing) instead of a fresh temporary folder; an install
                   already there for the same package.json files is reused
  --keep           keep the temporary folder (default: removed at the end, unless the check
                   could not run: then it stays for its logs)
  --typecheck      also type-check every project of the rewritten copy (nx run-many -t typecheck)
  --json FILE      write the result (versions, times, differences) as JSON
  --write-doc      write the figures into the generated section of docs/migrating-to-cdktn.md
                   (without it, the check fails when that section differs from what it measured)
  --apply          do the move in this repository (clean git tree required): the same rewrite of
                   the package.json files and imports as the copy gets, then npm install; no check`;
const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(HELP);
  process.exit(0);
}
const value = (flag, fallback) => {
  const i = argv.indexOf(flag);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const RUNS = Math.max(1, Number(value("--runs", 5)));
const KEEP = argv.includes("--keep") || argv.includes("--workdir");
const TYPECHECK = argv.includes("--typecheck");
const JSON_OUT = value("--json", null);
const WRITE_DOC = argv.includes("--write-doc");
const APPLY = argv.includes("--apply");
const KNOWN_FLAGS = new Set(["--runs", "--workdir", "--json", "--keep", "--typecheck", "--write-doc", "--apply", "--help", "-h"]);
for (let i = 0; i < argv.length; i++) {
  if (!KNOWN_FLAGS.has(argv[i])) {
    console.error(`check:cdktn: unknown option "${argv[i]}" (see --help)`);
    process.exit(2);
  }
  if (["--runs", "--workdir", "--json"].includes(argv[i])) i++;
}
const DOC = join(ROOT, "docs", "migrating-to-cdktn.md");
const DOC_BEGIN = "<!-- check:cdktn figures: begin (generated by `npm run check:cdktn -- --write-doc`; the check fails when they differ) -->";
const DOC_END = "<!-- check:cdktn figures: end -->";

// ---------------------------------------------------------------------------------------------
// Small helpers

class SetupError extends Error {}

const log = (s = "") => console.log(s);
const ms = (ns) => Number(ns) / 1e6;
const fmtMs = (x) => `${x.toFixed(0)} ms`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const readJson = (f) => JSON.parse(readFileSync(f, "utf8"));
const sha = (s) => createHash("sha256").update(s).digest("hex");

/** Runs a command; throws a SetupError with the tail of its output (also saved to logFile) on failure. */
function run(cmd, args, { cwd, env = process.env, logFile, what }) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const elapsed = ms(process.hrtime.bigint() - started);
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (logFile) writeFileSync(logFile, `$ ${cmd} ${args.join(" ")}  (in ${cwd})\n${output}`);
  if (r.error || r.status !== 0) {
    const tail = output.trim().split("\n").slice(-25).join("\n");
    throw new SetupError(`${what} failed (exit ${r.status ?? r.error?.message})${logFile ? `, full log: ${logFile}` : ""}\n${tail}`);
  }
  return { ms: elapsed, stdout: r.stdout, stderr: r.stderr, output };
}

// ---------------------------------------------------------------------------------------------
// 1. The copy

/** The files of the working tree as git sees them: tracked + untracked-but-not-ignored, still present. */
function sourceFiles() {
  const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new SetupError(`git ls-files failed: ${r.stderr}`);
  const skip = /^(node_modules|dist|cdktf\.out|cdktf\.out\.hcl|\.nx|coverage)\//;
  return [...new Set(r.stdout.split("\0").filter(Boolean))]
    .filter((f) => !skip.test(f) && !f.includes("/node_modules/"))
    .filter((f) => existsSync(join(ROOT, f)) && lstatSync(join(ROOT, f)).isFile())
    .sort();
}

function copyTree(files, to) {
  for (const f of files) {
    mkdirSync(dirname(join(to, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(to, f));
  }
}

/** Workspace folders (relative), from the root package.json's "workspaces" globs (`dir/*` or `dir`). */
function workspaceDirs(rootDir) {
  const pkg = readJson(join(rootDir, "package.json"));
  const dirs = [];
  for (const w of pkg.workspaces ?? []) {
    if (w.endsWith("/*")) {
      const parent = w.slice(0, -2);
      if (!existsSync(join(rootDir, parent))) continue;
      for (const d of readdirSync(join(rootDir, parent), { withFileTypes: true })) {
        if (d.isDirectory() && existsSync(join(rootDir, parent, d.name, "package.json"))) dirs.push(`${parent}/${d.name}`);
      }
    } else if (existsSync(join(rootDir, w, "package.json"))) dirs.push(w);
  }
  return dirs.sort();
}

/**
 * base/node_modules: a folder of symlinks to this tree's installed packages (nothing is copied or
 * written there), except our own workspace packages, which point at base/'s copies.
 */
function linkInstalledModules(baseDir) {
  const real = join(ROOT, "node_modules");
  if (!existsSync(join(real, "cdktf"))) throw new SetupError(`no cdktf under ${real}: run npm install in the repository first`);
  const nm = join(baseDir, "node_modules");
  mkdirSync(nm, { recursive: true });
  const ours = new Map(); // package name -> workspace dir
  for (const w of workspaceDirs(baseDir)) ours.set(readJson(join(baseDir, w, "package.json")).name, w);
  const ourScopes = new Set([...ours.keys()].filter((n) => n.startsWith("@")).map((n) => n.split("/")[0]));
  for (const e of readdirSync(real, { withFileTypes: true })) {
    if (ourScopes.has(e.name)) {
      mkdirSync(join(nm, e.name), { recursive: true });
      for (const s of readdirSync(join(real, e.name))) {
        if (!ours.has(`${e.name}/${s}`)) symlinkSync(join(real, e.name, s), join(nm, e.name, s));
      }
    } else if (!ours.has(e.name)) symlinkSync(join(real, e.name), join(nm, e.name));
  }
  for (const [name, w] of ours) {
    const link = join(nm, name);
    mkdirSync(dirname(link), { recursive: true });
    if (!existsSync(link)) symlinkSync(relative(dirname(link), join(baseDir, w)), link);
    // A workspace's own nested node_modules (a version that differs from the root's).
    const nested = join(ROOT, w, "node_modules");
    if (existsSync(nested) && !existsSync(join(baseDir, w, "node_modules"))) symlinkSync(nested, join(baseDir, w, "node_modules"));
  }
}

// ---------------------------------------------------------------------------------------------
// 2. The rewrite

/** Rewrites the module specifiers of one code file's text; returns [text, count]. */
export function rewriteSpecifiers(text) {
  let count = 0;
  let out = text;
  for (const [re, to] of SPECIFIER_REWRITES) {
    count += (out.match(re) ?? []).length;
    out = out.replace(re, to);
  }
  return [out, count];
}

/** Rewrites one package.json object in place; returns the list of changes made. */
export function rewritePackageJson(pkg, { isRoot }) {
  const changes = [];
  for (const field of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
    const deps = pkg[field];
    if (!deps) continue;
    const next = {};
    for (const [name, spec] of Object.entries(deps)) {
      if (name in RENAMES) {
        const [to, versions] = RENAMES[name];
        const v = field === "peerDependencies" ? versions.peer : versions.exact;
        next[to] = v;
        changes.push(`${field}: ${name}@${spec} -> ${to}@${v}`);
      } else if (name === "constructs" && field !== "peerDependencies" && spec !== TARGET.constructs) {
        next[name] = TARGET.constructs;
        changes.push(`${field}: constructs@${spec} -> constructs@${TARGET.constructs} (cdktn 0.24 wants >=10.6.0 <10.8.0)`);
      } else next[name] = spec;
    }
    pkg[field] = Object.fromEntries(Object.entries(next).sort(([a], [b]) => a.localeCompare(b)));
  }
  if (isRoot) {
    for (const field of ["devDependencies", "dependencies", "overrides"]) {
      for (const k of ROOT_DROPPED) {
        if (pkg[field] && k in pkg[field]) {
          delete pkg[field][k];
          changes.push(`${field}: dropped ${k} (cdktf-cli only)`);
        }
      }
      if (field === "overrides" && pkg.overrides && Object.keys(pkg.overrides).length === 0) delete pkg.overrides;
    }
  }
  if (isRoot && pkg.allowScripts) {
    for (const k of ALLOW_SCRIPTS_DROPPED) {
      if (k in pkg.allowScripts) {
        delete pkg.allowScripts[k];
        changes.push(`allowScripts: dropped ${k} (cdktf-cli only)`);
      }
    }
  }
  return changes;
}

/** Lines of code (not comments) that still say cdktf after the rewrite, minus what cdktn keeps. */
function leftovers(file, text) {
  const hits = [];
  text.split("\n").forEach((line, i) => {
    const t = line.trim();
    if (t.startsWith("//") || t.startsWith("*") || t.startsWith("/*")) return;
    const code = t.replace(/\s\/\/\s.*$/, "");
    if (/cdktf/i.test(code.replace(KEPT_BY_CDKTN, ""))) hits.push(`${file}:${i + 1}: ${t.slice(0, 140)}`);
  });
  return hits;
}

function rewriteCopy(dir, files) {
  const result = { specifiers: 0, files: [], packageJson: {}, leftovers: [] };
  for (const f of files) {
    const p = join(dir, f);
    if (f === "package.json" || f.endsWith("/package.json")) {
      const pkg = readJson(p);
      const changes = rewritePackageJson(pkg, { isRoot: f === "package.json" });
      if (changes.length) {
        writeFileSync(p, `${JSON.stringify(pkg, null, 2)}\n`);
        result.packageJson[f] = changes;
      }
      continue;
    }
    if (!CODE_EXT.test(f) || NO_REWRITE.test(f)) continue;
    const text = readFileSync(p, "utf8");
    const [out, n] = rewriteSpecifiers(text);
    if (n > 0) {
      writeFileSync(p, out);
      result.specifiers += n;
      result.files.push(f);
    }
    result.leftovers.push(...leftovers(f, out));
  }
  return result;
}

/**
 * Every deep path the rewritten code imports must exist in the installed fork: each
 * `@cdktn/provider-aws/lib/<module>` and any `cdktn/lib/<path>` (an import of cdktf internals).
 */
function checkDeepImports(dir, files) {
  const mods = new Set();
  const internals = new Set();
  for (const f of files) {
    if (!CODE_EXT.test(f) || NO_REWRITE.test(f)) continue;
    const text = readFileSync(join(dir, f), "utf8");
    for (const m of text.matchAll(/@cdktn\/provider-aws\/lib\/([a-z0-9-]+)/g)) mods.add(m[1]);
    for (const m of text.matchAll(/["'`]cdktn\/(lib\/[\w./-]+)["'`]/g)) internals.add(`${m[1]} (${f})`);
  }
  const pkgDir = join(dir, "node_modules/@cdktn/provider-aws");
  const missing = [...mods].filter((m) => !existsSync(join(pkgDir, "lib", m, "index.js"))).map((m) => `@cdktn/provider-aws/lib/${m}`);
  for (const i of internals) {
    const p = join(dir, "node_modules/cdktn", i.split(" ")[0]);
    if (![p, `${p}.js`, join(p, "index.js")].some((x) => existsSync(x))) missing.push(`cdktn/${i}`);
  }
  return { modules: [...mods].sort(), internals: [...internals].sort(), missing: missing.sort() };
}

// ---------------------------------------------------------------------------------------------
// 3. Install, build, synth

/** npm install in the rewritten copy, skipped when --workdir already has it for the same package.json files. */
function install(dir, files) {
  const stampFile = join(dir, "node_modules/.check-cdktn-stamp");
  const stamp = sha(
    files
      .filter((f) => f.endsWith("package.json"))
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .join("\0"),
  );
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return { ms: null, reused: true };
  const env = { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true", npm_config_update_notifier: "false" };
  const r = run("npm", ["install", "--no-audit", "--no-fund"], {
    cwd: dir,
    env,
    logFile: join(dir, "..", "npm-install.log"),
    what: "npm install (cdktn copy)",
  });
  writeFileSync(stampFile, stamp);
  const warnings = r.output
    .split("\n")
    .filter(
      (l) => /npm warn (EBADENGINE|ERESOLVE|install-scripts|deprecated cdktn|peer)/i.test(l) || /Unsupported engine|not allowed to run|allowScripts/i.test(l),
    );
  return { ms: r.ms, reused: false, warnings: [...new Set(warnings)] };
}

function installedVersion(dir, name) {
  const p = join(dir, "node_modules", name, "package.json");
  if (!existsSync(p)) return null;
  const pkg = readJson(p);
  return { version: pkg.version, provider: pkg.cdktf?.provider?.version ?? null, engines: pkg.engines?.node ?? null };
}

function buildApp(dir, side) {
  return run(NODE, ["tools/build.mjs", "--quiet", "app"], { cwd: dir, logFile: join(dir, "..", `build-${side}.log`), what: `build (${side})` }).ms;
}

const SYNTH_ENV = (() => {
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
  delete env.CDKTF_OUTDIR; // main.ts then writes <copy>/cdktf.out and prints its summary line
  return env;
})();

/** One synth: `node dist/app.js` (what `npm run synth` runs after the build) or the given script. */
function synthOnce(dir, side, script = "dist/app.js") {
  rmSync(join(dir, "cdktf.out"), { recursive: true, force: true });
  const r = run(NODE, [script], { cwd: dir, env: SYNTH_ENV, logFile: join(dir, "..", `synth-${side}.log`), what: `synth (${side})` });
  return { ms: r.ms, stderr: r.stderr, tree: treeHash(join(dir, "cdktf.out")) };
}

function treeHash(dir) {
  const h = createHash("sha256");
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else
        h.update(`${relative(dir, p)}\0`)
          .update(readFileSync(p))
          .update("\0");
    }
  };
  walk(dir);
  return h.digest("hex");
}

// ---------------------------------------------------------------------------------------------
// 4. The comparison

/** Drops every `//` key (cdktf's metadata: construct paths, unique ids, the cdktf version). */
function stripMeta(v) {
  if (Array.isArray(v)) return v.map(stripMeta);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== "//")
        .map(([k, x]) => [k, stripMeta(x)]),
    );
  return v;
}

/**
 * A stack as addressable blocks: `aws_kms_key.data`, `data.aws_iam_policy_document.x`,
 * `provider.aws` / `provider.aws.destination`, `output.x`, `variable.x`, `locals`, `module.x`,
 * `moved[0]`, `import[0]`, `terraform` (without the required_providers versions).
 */
export function blocks(doc) {
  const d = stripMeta(doc);
  const out = new Map();
  for (const [type, byName] of Object.entries(d.resource ?? {})) for (const [name, body] of Object.entries(byName)) out.set(`${type}.${name}`, body);
  for (const [type, byName] of Object.entries(d.data ?? {})) for (const [name, body] of Object.entries(byName)) out.set(`data.${type}.${name}`, body);
  for (const [type, byName] of Object.entries(d.ephemeral ?? {})) for (const [name, body] of Object.entries(byName)) out.set(`ephemeral.${type}.${name}`, body);
  for (const [name, list] of Object.entries(d.provider ?? {})) {
    for (const body of Array.isArray(list) ? list : [list]) out.set(`provider.${name}${body.alias ? `.${body.alias}` : ""}`, body);
  }
  for (const kind of ["output", "variable", "module"]) for (const [name, body] of Object.entries(d[kind] ?? {})) out.set(`${kind}.${name}`, body);
  if (d.locals) out.set("locals", d.locals);
  for (const kind of ["moved", "import", "removed", "check"]) (d[kind] ?? []).forEach((body, i) => out.set(`${kind}[${i}]`, body));
  if (d.terraform) {
    const tf = structuredClone(d.terraform);
    for (const p of Object.values(tf.required_providers ?? {})) {
      if (!p || typeof p !== "object") continue;
      delete p.version;
      if (typeof p.source === "string") p.source = canonicalSource(p.source);
    }
    out.set("terraform", tf);
  }
  const known = new Set([
    "resource",
    "data",
    "ephemeral",
    "provider",
    "output",
    "variable",
    "module",
    "locals",
    "moved",
    "import",
    "removed",
    "check",
    "terraform",
  ]);
  for (const [k, v] of Object.entries(d)) if (!known.has(k)) out.set(k, v);
  return out;
}

/**
 * A provider source address in its canonical form: Terraform (and OpenTofu) read a bare "aws" as
 * "hashicorp/aws" on the default registry, so "aws", "hashicorp/aws" and
 * "registry.terraform.io/hashicorp/aws" name the same provider (cdktf 0.21's bindings write "aws",
 * cdktn's write "hashicorp/aws").
 */
export function canonicalSource(source) {
  const s = source
    .trim()
    .toLowerCase()
    .replace(/^registry\.terraform\.io\//, "");
  return s.includes("/") ? s : `hashicorp/${s}`;
}

/** Attribute-level differences of two JSON values: [{ path, cdktf, cdktn }]. */
export function jsonDiff(a, b, path = "") {
  if (Object.is(a, b)) return [];
  const ta = Array.isArray(a) ? "array" : a === null ? "null" : typeof a;
  const tb = Array.isArray(b) ? "array" : b === null ? "null" : typeof b;
  if (ta !== tb || (ta !== "object" && ta !== "array")) return [{ path: path || "(value)", cdktf: a, cdktn: b }];
  const diffs = [];
  if (ta === "array") {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length || i >= b.length) diffs.push({ path: `${path}[${i}]`, cdktf: a[i], cdktn: b[i] });
      else diffs.push(...jsonDiff(a[i], b[i], `${path}[${i}]`));
    }
    return diffs;
  }
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in a) || !(k in b)) diffs.push({ path: p, cdktf: a[k], cdktn: b[k] });
    else diffs.push(...jsonDiff(a[k], b[k], p));
  }
  return diffs;
}

function stacksOf(dir) {
  const s = join(dir, "cdktf.out", "stacks");
  return existsSync(s)
    ? readdirSync(s)
        .filter((n) => existsSync(join(s, n, "cdk.tf.json")))
        .sort()
    : [];
}

/**
 * The file's text with only the version strings and provider sources neutralised: is the output
 * otherwise byte-identical (key order, `//` metadata and all)?
 */
function versionNeutralText(doc) {
  const d = structuredClone(doc);
  if (d["//"]?.metadata?.version) d["//"].metadata.version = "<version>";
  for (const p of Object.values(d.terraform?.required_providers ?? {})) {
    if (!p || typeof p !== "object") continue;
    if ("version" in p) p.version = "<version>";
    if (typeof p.source === "string") p.source = canonicalSource(p.source);
  }
  return JSON.stringify(d, null, 2);
}

function compareStack(baseDir, cdktnDir, stack) {
  const a = readJson(join(baseDir, "cdktf.out/stacks", stack, "cdk.tf.json"));
  const b = readJson(join(cdktnDir, "cdktf.out/stacks", stack, "cdk.tf.json"));
  const ba = blocks(a);
  const bb = blocks(b);
  const onlyCdktf = [...ba.keys()].filter((k) => !bb.has(k)).sort();
  const onlyCdktn = [...bb.keys()].filter((k) => !ba.has(k)).sort();
  const changed = [];
  for (const [k, v] of ba) {
    if (!bb.has(k)) continue;
    const diffs = jsonDiff(v, bb.get(k));
    if (diffs.length) changed.push({ address: k, diffs });
  }
  const resources = [...ba.keys()].filter((k) => /^[a-z0-9_]+\.[^.]+$/.test(k) && !/^(provider|output|variable|module)\./.test(k)).length;
  const providerVersions = (doc) => Object.fromEntries(Object.entries(doc.terraform?.required_providers ?? {}).map(([n, p]) => [n, p?.version ?? null]));
  const providerSources = (doc) => Object.fromEntries(Object.entries(doc.terraform?.required_providers ?? {}).map(([n, p]) => [n, p?.source ?? null]));
  return {
    stack,
    equal: onlyCdktf.length === 0 && onlyCdktn.length === 0 && changed.length === 0,
    blocks: ba.size,
    resources,
    onlyCdktf,
    onlyCdktn,
    changed,
    metadataVersion: { cdktf: a["//"]?.metadata?.version ?? null, cdktn: b["//"]?.metadata?.version ?? null },
    providerVersions: { cdktf: providerVersions(a), cdktn: providerVersions(b) },
    providerSources: { cdktf: providerSources(a), cdktn: providerSources(b) },
    // Beyond the gate: the `//` metadata (minus the version) and the whole file, key order included.
    metadataEqual: jsonDiff(withoutVersion(a["//"]), withoutVersion(b["//"])).length === 0 && resourceMetaEqual(a, b),
    textEqualApartFromVersions: versionNeutralText(a) === versionNeutralText(b),
  };
}

function withoutVersion(meta) {
  const m = structuredClone(meta ?? {});
  if (m.metadata) delete m.metadata.version;
  return m;
}

function resourceMetaEqual(a, b) {
  const metas = (doc) => {
    const out = {};
    for (const kind of ["resource", "data"]) {
      for (const [t, byName] of Object.entries(doc[kind] ?? {})) for (const [n, body] of Object.entries(byName)) out[`${kind}.${t}.${n}`] = body["//"] ?? null;
    }
    return out;
  };
  return jsonDiff(metas(a), metas(b)).length === 0;
}

const show = (v) => (v === undefined ? "(absent)" : JSON.stringify(v)?.slice(0, 160));

// ---------------------------------------------------------------------------------------------
// 5. The page: docs/migrating-to-cdktn.md's generated section

const uniq = (xs) => [...new Set(xs)];
const code = (s) => `\`${s}\``;

/**
 * The figures of one run as markdown: only what the same sources and packages always give (no
 * times, no Node version, no dates), so that a page that differs is stale, not noisy.
 */
export function docFigures(result) {
  const v = result.versions;
  const ver = (n) => v[n]?.version ?? "(not installed)";
  const aws = (n) => (v[n]?.provider ? ` (hashicorp/aws ${v[n].provider})` : "");
  const per = result.stacks;
  const equal = per.filter((p) => p.equal).length;
  const pins = (side) =>
    uniq(
      per.map((p) =>
        Object.entries(p.providerVersions[side])
          .map(([n, x]) => `${n} ${x}`)
          .join(", "),
      ),
    ).join("; ");
  const sources = (side) =>
    uniq(
      per.map((p) =>
        Object.entries(p.providerSources[side])
          .map(([n, x]) => `${n}: "${x}"`)
          .join(", "),
      ),
    ).join("; ");
  const lines = [
    "| | cdktf side (the default) | cdktn side |",
    "| --- | --- | --- |",
    `| library | ${code(`cdktf`)} ${ver("cdktf")} | ${code("cdktn")} ${ver("cdktn")} |`,
    `| CLI | ${code("cdktf-cli")} ${ver("cdktf-cli")} | ${code("cdktn-cli")} ${ver("cdktn-cli")}${v["cdktn-cli"]?.engines ? ` (engines.node ${v["cdktn-cli"].engines})` : ""} |`,
    `| AWS bindings | ${code("@cdktf/provider-aws")} ${ver("@cdktf/provider-aws")}${aws("@cdktf/provider-aws")} | ${code("@cdktn/provider-aws")} ${ver("@cdktn/provider-aws")}${aws("@cdktn/provider-aws")} |`,
    `| constructs | ${ver("constructs (cdktf side)")} | ${ver("constructs (cdktn side)")} |`,
    `| AWS provider pinned in the stacks (${code("required_providers")}) | ${pins("cdktf")} | ${pins("cdktn")} |`,
    "",
    `- **${equal} of ${per.length + result.stacksOnlyCdktf.length + result.stacksOnlyCdktn.length} shipped stacks are EQUAL**: the same resource addresses with the same attributes, and the same providers, outputs and backend.`,
    `  ${per.every((p) => p.textEqualApartFromVersions) ? "Each" : "Not every"} ${code("cdk.tf.json")} is byte-identical apart from ${code("//.metadata.version")} (${uniq(per.map((p) => `${p.metadataVersion.cdktf} → ${p.metadataVersion.cdktn}`)).join(", ")}), the ${code("required_providers")} versions and the provider source (${sources("cdktf")} → ${sources("cdktn")}, the same provider: a bare "aws" is "hashicorp/aws").`,
    `  The rest of the ${code("//")} metadata (construct paths, unique ids) is ${per.every((p) => p.metadataEqual) ? "identical" : "DIFFERENT"}; synth warnings on stderr: ${result.warningsEqual ? (result.stderrEmpty ? "none on either side" : "the same on both sides") : "DIFFERENT"}.`,
    `- **Deterministic**: every synth of each side wrote the same ${code("cdktf.out")} (the whole folder hashed): cdktf ${result.deterministic.cdktf ? "yes" : "NO"}, cdktn ${result.deterministic.cdktn ? "yes" : "NO"}.`,
    `- **Deep imports**: ${result.deepImports.modules.length} ${code("@cdktn/provider-aws/lib/<resource>")} paths, ${result.deepImports.missing.length ? `MISSING ${result.deepImports.missing.join(", ")}` : "all present (the fork keeps the same layout)"}: ${result.deepImports.modules.map(code).join(", ")}.`,
    "",
    "| stack | result | resources | blocks |",
    "| --- | --- | --- | --- |",
    ...per.map(
      (p) =>
        `| ${p.stack} | ${p.equal ? (p.textEqualApartFromVersions ? "EQUAL, byte-identical apart from versions" : "EQUAL") : "DIFFERENT"} | ${p.resources} | ${p.blocks} |`,
    ),
    ...result.stacksOnlyCdktf.map((s) => `| ${s} | MISSING under cdktn | | |`),
    ...result.stacksOnlyCdktn.map((s) => `| ${s} | EXTRA under cdktn | | |`),
  ];
  return lines.join("\n");
}

/** The page's generated section (between the markers), or null when the markers are missing. */
function docSection(text) {
  const a = text.indexOf(DOC_BEGIN);
  const b = text.indexOf(DOC_END);
  return a < 0 || b < a ? null : text.slice(a + DOC_BEGIN.length, b).trim();
}

/** Compares (or with --write-doc, writes) the page's figures; returns the problem, or null. */
function syncDoc(figures) {
  const text = readFileSync(DOC, "utf8");
  const current = docSection(text);
  if (current === null) return `${relative(ROOT, DOC)} has no generated section (the markers ${DOC_BEGIN} ... ${DOC_END})`;
  if (current === figures) return null;
  if (WRITE_DOC) {
    const a = text.indexOf(DOC_BEGIN) + DOC_BEGIN.length;
    writeFileSync(DOC, `${text.slice(0, a)}\n${figures}\n${text.slice(text.indexOf(DOC_END))}`);
    log(`  wrote the figures into ${relative(ROOT, DOC)}`);
    return null;
  }
  const was = current.split("\n");
  const now = figures.split("\n");
  const changed = now.map((l, i) => [i, l]).filter(([i, l]) => was[i] !== l);
  const detail = changed
    .slice(0, 6)
    .map(
      ([i, l]) =>
        `\n    line ${i + 1} of the section: page says ${JSON.stringify(was[i] ?? "(nothing)").slice(0, 200)}\n                              measured ${JSON.stringify(l).slice(0, 200)}`,
    )
    .join("");
  return `${relative(ROOT, DOC)} is stale: its generated figures differ from what this run measured (${Math.max(changed.length, was.length - now.length)} lines); run \`npm run check:cdktn -- --write-doc\` and commit the page${detail}`;
}

// ---------------------------------------------------------------------------------------------
// 6. --apply: the move itself, in this repository

function applyMove() {
  const dirty = spawnSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" });
  if (dirty.status !== 0) throw new SetupError(`git status failed: ${dirty.stderr.trim()}`);
  if (dirty.stdout.trim())
    throw new SetupError("the working tree has uncommitted changes: commit or stash them first, so that the move is one reviewable diff");
  const files = sourceFiles();
  const rw = rewriteCopy(ROOT, files);
  log(`check:cdktn --apply: ${rw.specifiers} module specifiers in ${rw.files.length} files rewritten`);
  for (const [f, changes] of Object.entries(rw.packageJson)) for (const c of changes) log(`  ${f}: ${c}`);
  log("  npm install --no-audit --no-fund (the lockfile moves to cdktn) ...");
  run("npm", ["install", "--no-audit", "--no-fund"], { cwd: ROOT, what: "npm install" });
  log("done. Next (docs/migrating-to-cdktn.md, 'Steps for the real migration'): npm run refresh && npm test, review `git diff`,");
  log("then terraform init -upgrade && terraform plan in every stack before any apply.");
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 19)) {
    console.error(
      `check:cdktn: cdktn-cli ${TARGET["cdktn-cli"]} needs Node >= 22.19 (its engines), this is ${process.version}; run it with Node 22 or 24 (.nvmrc)`,
    );
    return 2;
  }
  if (APPLY) {
    try {
      return applyMove();
    } catch (e) {
      if (!(e instanceof SetupError)) throw e;
      console.error(`check:cdktn --apply: ${e.message.split("\n")[0]}`);
      return 1;
    }
  }
  const startedAt = new Date();
  const work = value("--workdir", null) ?? mkdtempSync(join(tmpdir(), "sse-kms-cdktn-"));
  mkdirSync(work, { recursive: true });
  const baseDir = join(work, "base");
  const cdktnDir = join(work, "cdktn");
  const result = { date: startedAt.toISOString(), node: process.version, workdir: work, target: TARGET };
  let exitCode = 0;
  try {
    log(`check:cdktn: CDK for Terraform (cdktf) -> CDK Terrain (cdktn), in ${work}`);
    const files = sourceFiles();
    log(`  copy: ${files.length} files (git ls-files: tracked + untracked, not ignored)`);

    // base/: the sources as they are, with this tree's installed packages (linked, never written).
    rmSync(baseDir, { recursive: true, force: true });
    copyTree(files, baseDir);
    linkInstalledModules(baseDir);

    // cdktn/: the same sources, rewritten. An existing install (--workdir) is kept for reuse.
    for (const e of existsSync(cdktnDir) ? readdirSync(cdktnDir) : []) if (e !== "node_modules") rmSync(join(cdktnDir, e), { recursive: true, force: true });
    copyTree(files, cdktnDir);
    const rw = rewriteCopy(cdktnDir, files);
    result.rewrite = rw;
    log(`  rewrite: ${rw.specifiers} module specifiers in ${rw.files.length} files; package.json: ${Object.keys(rw.packageJson).join(", ") || "none"}`);
    for (const [f, changes] of Object.entries(rw.packageJson)) for (const c of changes) log(`    ${f}: ${c}`);

    const inst = install(cdktnDir, files);
    result.install = inst;
    log(`  npm install --no-audit --no-fund: ${inst.reused ? "reused the install in --workdir" : fmtMs(inst.ms)}`);
    for (const w of inst.warnings ?? []) log(`    ${w.trim()}`);

    const versions = {
      cdktf: installedVersion(baseDir, "cdktf"),
      "cdktf-cli": installedVersion(baseDir, "cdktf-cli"),
      "@cdktf/provider-aws": installedVersion(baseDir, "@cdktf/provider-aws"),
      "constructs (cdktf side)": installedVersion(baseDir, "constructs"),
      cdktn: installedVersion(cdktnDir, "cdktn"),
      "cdktn-cli": installedVersion(cdktnDir, "cdktn-cli"),
      "@cdktn/provider-aws": installedVersion(cdktnDir, "@cdktn/provider-aws"),
      "constructs (cdktn side)": installedVersion(cdktnDir, "constructs"),
    };
    result.versions = versions;
    log("  versions:");
    for (const [n, v] of Object.entries(versions)) {
      log(
        `    ${n.padEnd(24)} ${v ? v.version : "(not installed)"}${v?.provider ? `  (hashicorp/aws ${v.provider})` : ""}${v?.engines ? `  engines.node ${v.engines}` : ""}`,
      );
    }
    if (existsSync(join(cdktnDir, "node_modules/cdktf"))) log("    note: cdktf is still installed in the cdktn copy (something depends on it)");

    const deep = checkDeepImports(cdktnDir, files);
    result.deepImports = deep;
    log(
      `  deep imports: ${deep.modules.length} @cdktn/provider-aws/lib/<module> paths${deep.internals.length ? ` + ${deep.internals.length} into cdktn's internals (${deep.internals.join(", ")}: not public API, review)` : ""}: ${deep.missing.length ? `MISSING ${deep.missing.join(", ")}` : "all present (same lib/<resource> layout)"}`,
    );
    if (deep.missing.length) throw new SetupError(`the installed cdktn packages lack ${deep.missing.join(", ")}`);
    if (rw.leftovers.length) {
      const titles = rw.leftovers.filter((l) => TEST_TITLE.test(l.replace(/^[^:]+:\d+: /, "")));
      log(`  code that still says cdktf after the rewrite (not imports; review what is more than prose):`);
      for (const l of rw.leftovers.filter((x) => !titles.includes(x))) log(`    ${l}`);
      if (titles.length) log(`    ... and ${titles.length} test titles (${[...new Set(titles.map((l) => l.split(":")[0]))].join(", ")})`);
    }

    // Build both (the esbuild step of `npm run synth`), then time the synth itself.
    const build = { cdktf: buildApp(baseDir, "cdktf"), cdktn: buildApp(cdktnDir, "cdktn") };
    result.buildMs = build;
    const sides = [
      ["cdktf", baseDir],
      ["cdktn", cdktnDir],
    ];
    const times = { cdktf: [], cdktn: [] };
    const trees = { cdktf: new Set(), cdktn: new Set() };
    const stderr = {};
    for (const [side, dir] of sides) {
      // Warm-up (file cache), not timed: `node tools/synth.mjs`, what `npm run synth` and the CLI's
      // app command run (bundle, then synth), so the user's own command is proven on both sides.
      const w = synthOnce(dir, side, "tools/synth.mjs");
      trees[side].add(w.tree);
      stderr[side] = w.stderr;
    }
    for (let round = 0; round < RUNS; round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const [side, dir] of order) {
        const r = synthOnce(dir, side);
        times[side].push(r.ms);
        trees[side].add(r.tree);
      }
    }
    const synth = {
      runs: RUNS,
      cdktf: { medianMs: median(times.cdktf), runsMs: times.cdktf },
      cdktn: { medianMs: median(times.cdktn), runsMs: times.cdktn },
    };
    synth.ratio = synth.cdktn.medianMs / synth.cdktf.medianMs;
    result.synth = synth;
    result.deterministic = { cdktf: trees.cdktf.size === 1, cdktn: trees.cdktn.size === 1 };
    result.warningsEqual = stderr.cdktf === stderr.cdktn;
    result.stderrEmpty = !stderr.cdktf.trim() && !stderr.cdktn.trim();

    // Compare.
    const stacksA = stacksOf(baseDir);
    const stacksB = stacksOf(cdktnDir);
    const onlyA = stacksA.filter((s) => !stacksB.includes(s));
    const onlyB = stacksB.filter((s) => !stacksA.includes(s));
    const per = stacksA.filter((s) => stacksB.includes(s)).map((s) => compareStack(baseDir, cdktnDir, s));
    result.stacks = per;
    result.stacksOnlyCdktf = onlyA;
    result.stacksOnlyCdktn = onlyB;

    log("");
    log("Per stack (resources, data sources, providers, outputs, backend; `//` metadata and versions ignored):");
    const width = Math.max(...per.map((p) => p.stack.length), 10);
    for (const p of per) {
      if (p.equal) {
        log(
          `  ${p.stack.padEnd(width)}  EQUAL      ${p.resources} resources, ${p.blocks} blocks${p.textEqualApartFromVersions ? "; file byte-identical apart from versions and provider source" : "; file not byte-identical (key order or `//` metadata)"}`,
        );
        continue;
      }
      log(`  ${p.stack.padEnd(width)}  DIFFERENT  ${p.onlyCdktf.length} only under cdktf, ${p.onlyCdktn.length} only under cdktn, ${p.changed.length} changed`);
      for (const a of p.onlyCdktf.slice(0, 10)) log(`      - ${a}   (cdktf only)`);
      for (const a of p.onlyCdktn.slice(0, 10)) log(`      + ${a}   (cdktn only)`);
      for (const c of p.changed.slice(0, 10)) {
        log(`      ~ ${c.address}`);
        for (const d of c.diffs.slice(0, 5)) log(`          ${d.path}: cdktf ${show(d.cdktf)}  cdktn ${show(d.cdktn)}`);
        if (c.diffs.length > 5) log(`          ... ${c.diffs.length - 5} more attributes`);
      }
      if (p.changed.length > 10) log(`      ... ${p.changed.length - 10} more changed blocks`);
    }
    for (const s of onlyA) log(`  ${s.padEnd(width)}  MISSING    synthesized by cdktf only`);
    for (const s of onlyB) log(`  ${s.padEnd(width)}  EXTRA      synthesized by cdktn only`);

    const mv = [...new Set(per.map((p) => `${p.metadataVersion.cdktf} -> ${p.metadataVersion.cdktn}`))];
    const pv = [...new Set(per.map((p) => `${JSON.stringify(p.providerVersions.cdktf)} -> ${JSON.stringify(p.providerVersions.cdktn)}`))];
    log("");
    log("Ignored by the comparison (expected to differ):");
    log(`  //.metadata.version (the cdktf/cdktn version): ${mv.join(", ")}`);
    const ps = [...new Set(per.map((p) => `${JSON.stringify(p.providerSources.cdktf)} -> ${JSON.stringify(p.providerSources.cdktn)}`))];
    log(`  terraform.required_providers versions: ${pv.join(", ")}`);
    log(`  terraform.required_providers sources:  ${ps.join(", ")} (compared in canonical form: a bare "aws" is "hashicorp/aws")`);
    log(
      `  rest of the // metadata (paths, unique ids, outputs): ${
        per.every((p) => p.metadataEqual)
          ? "identical"
          : `DIFFERS in ${per
              .filter((p) => !p.metadataEqual)
              .map((p) => p.stack)
              .join(", ")}`
      }`,
    );
    log(
      `  synth warnings on stderr:           ${result.warningsEqual ? (stderr.cdktf.trim() ? "identical" : "identical (none)") : "DIFFER (see synth-*.log in the work folder)"}`,
    );
    log(
      `  deterministic (${RUNS + 1} synths each, whole cdktf.out hashed): cdktf ${result.deterministic.cdktf ? "yes" : "NO"}, cdktn ${result.deterministic.cdktn ? "yes" : "NO"}`,
    );

    log("");
    log(`Times (same run, ${process.version}, median of ${RUNS} alternating rounds after a warm-up):`);
    log(`  build (esbuild, app entry):  cdktf ${fmtMs(build.cdktf)}   cdktn ${fmtMs(build.cdktn)}`);
    const range = (xs) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
    log(
      `  synth (node dist/app.js):    cdktf ${fmtMs(synth.cdktf.medianMs)}   cdktn ${fmtMs(synth.cdktn.medianMs)}   ratio cdktn/cdktf ${synth.ratio.toFixed(2)}x`,
    );
    log(`                               (runs: cdktf ${range(times.cdktf)} ms, cdktn ${range(times.cdktn)} ms)`);

    if (TYPECHECK) {
      const env = { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_SKIP_NX_CACHE: "true" };
      const r = spawnSync("npx", ["nx", "run-many", "-t", "typecheck", "--output-style=static", "--skip-nx-cache"], {
        cwd: cdktnDir,
        env,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
      writeFileSync(join(work, "typecheck-cdktn.log"), `${r.stdout}${r.stderr}`);
      result.typecheck = r.status === 0;
      log(`  typecheck of the cdktn copy: ${r.status === 0 ? "passed" : `FAILED (see ${join(work, "typecheck-cdktn.log")})`}`);
      if (r.status !== 0) exitCode = 1;
    }

    const differing = per.filter((p) => !p.equal).length + onlyA.length + onlyB.length;
    result.equal = differing === 0;
    const stale = syncDoc(docFigures(result));
    result.docCurrent = stale === null;
    log("");
    log(`Page: ${stale ?? `${relative(ROOT, DOC)} states these figures (generated section current)`}`);
    if (stale) exitCode = 1;
    if (differing === 0)
      log(
        `RESULT: EQUAL: ${per.length} stacks synthesize the same Terraform under cdktn ${versions.cdktn?.version} as under cdktf ${versions.cdktf?.version} (${process.version})${stale ? "; but the page is STALE (above)" : "; docs/migrating-to-cdktn.md current"}.`,
      );
    else {
      log(`RESULT: DIFFERENT: ${differing} of ${new Set([...stacksA, ...stacksB]).size} stacks differ (first differences above).`);
      exitCode = 1;
    }
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    console.error(`check:cdktn: could not run the check: ${e.message}`);
    result.error = e.message;
    exitCode = 2;
  } finally {
    if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify(result, null, 2)}\n`);
    // Kept on request, and when the check could not run (its logs are there).
    if (KEEP || exitCode === 2) log(`(kept ${work}${exitCode === 2 ? ": logs of the failed step are there; remove it when done" : ""})`);
    else rmSync(work, { recursive: true, force: true });
  }
  return exitCode;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main();
