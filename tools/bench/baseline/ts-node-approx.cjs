// Benchmark only. A stand-in for `ts-node` (type-checking mode, its default) while ts-node is
// not installed in this repository: `node -r ./ts-node-approx.cjs main.ts` (bench.mjs passes it
// to `cdktf synth --app`). It copies what ts-node 10 does for each required .ts file
// (src/index.ts, src/resolver-functions.ts of TypeStrong/ts-node):
// - one TypeScript LanguageService over the tsconfig.json of the working directory, with ts-node's
//   option overrides and `files: false` (files enter the program as they are required);
// - memoized file-system lookups and one module resolution cache; workspace .ts files reached
//   through node_modules links count as internal, so they are compiled and, being known already,
//   do not rebuild the program;
// - per file: emit, then syntactic + semantic diagnostics (ignoring 6059, 18002, 18003), throwing
//   on any.
// Not copied: source-map-support and ts-node's REPL/ESM paths. When ts-node is installed the bench
// runs the real one (cdktf.json: `npx --no ts-node main.ts`) instead.
"use strict";
const path = require("node:path");
const ts = require("typescript");

const cwd = process.cwd();
const configFile = ts.findConfigFile(cwd, ts.sys.fileExists);
if (!configFile) throw new Error(`ts-node-approx: no tsconfig.json above ${cwd}`);
const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(configFile), undefined, configFile);

// ts-node's fixed overrides (ts-node/dist/configuration.js) and the options it deletes.
const options = {
  ...parsed.options,
  sourceMap: true,
  inlineSourceMap: false,
  inlineSources: true,
  declaration: false,
  noEmit: false,
  outDir: "$$ts-node$$",
};
for (const k of ["out", "outFile", "composite", "declarationDir", "declarationMap", "emitDeclarationOnly", "tsBuildInfoFile", "incremental"]) {
  delete options[k];
}

const IGNORED = new Set([6059, 18002, 18003]);
const rootFiles = new Set();
const versions = new Map();
const contents = new Map();
let projectVersion = 1;

/** ts-node's cachedLookup: file-system answers are memoized for the life of the process. */
const cached = (fn) => {
  const memo = new Map();
  return (arg) => {
    if (!memo.has(arg)) memo.set(arg, fn(arg));
    return memo.get(arg);
  };
};
const readFile = cached((f) => ts.sys.readFile(f));

// ts-node's resolver functions (src/resolver-functions.ts): one module resolution cache for the
// process, and workspace .ts files reached through node_modules links count as "internal" (they
// are compiled, and, being known, never added as new root files, so the program is not rebuilt).
const getCanonicalFileName = (f) => (ts.sys.useCaseSensitiveFileNames ? f : f.toLowerCase());
const resolutionCache = ts.createModuleResolutionCache(cwd, getCanonicalFileName, options);
const knownInternal = new Set();
const internalBuckets = new Set();
const bucketOf = (f) => /.*\/node_modules\/(?:@[^/]+\/)?[^/]+\//.exec(f)?.[0] ?? "";
const fixup = (m) => {
  const f = m.resolvedFileName;
  if (f === undefined) return;
  if (m.isExternalLibraryImport && ((/\.(c|m)?ts$/.test(f) && !/\.d\.(c|m)?ts$/.test(f)) || knownInternal.has(f) || internalBuckets.has(bucketOf(f)))) {
    m.isExternalLibraryImport = false;
  }
  if (!m.isExternalLibraryImport) knownInternal.add(f);
};

const host = {
  getProjectVersion: () => String(projectVersion),
  getScriptFileNames: () => [...rootFiles],
  getScriptVersion: (f) => String(versions.get(f) ?? ""),
  getScriptSnapshot: (f) => {
    let text = contents.get(f);
    if (text === undefined) {
      text = readFile(f);
      if (text === undefined) return undefined;
      versions.set(f, 1);
      contents.set(f, text);
      projectVersion++;
    }
    return ts.ScriptSnapshot.fromString(text);
  },
  getCurrentDirectory: () => cwd,
  getCompilationSettings: () => options,
  getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
  fileExists: cached((f) => ts.sys.fileExists(f)),
  readFile,
  readDirectory: ts.sys.readDirectory,
  directoryExists: cached((d) => ts.sys.directoryExists(d)),
  getDirectories: cached((d) => ts.sys.getDirectories(d)),
  realpath: cached((f) => ts.sys.realpath(f)),
  getNewLine: () => ts.sys.newLine,
  useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
  resolveModuleNames: (names, containingFile, _reused, redirected, _opts, containingSourceFile) =>
    names.map((name, i) => {
      const mode = containingSourceFile && ts.getModeForResolutionAtIndex ? ts.getModeForResolutionAtIndex(containingSourceFile, i, options) : undefined;
      const { resolvedModule } = ts.resolveModuleName(name, containingFile, options, host, resolutionCache, redirected, mode);
      if (resolvedModule) fixup(resolvedModule);
      return resolvedModule;
    }),
  resolveTypeReferenceDirectives: (names, containingFile, redirected) =>
    names.map((n) => {
      const name = typeof n === "string" ? n : n.fileName.toLowerCase();
      const { resolvedTypeReferenceDirective } = ts.resolveTypeReferenceDirective(name, containingFile, options, host, redirected);
      if (resolvedTypeReferenceDirective) fixup(resolvedTypeReferenceDirective);
      return resolvedTypeReferenceDirective;
    }),
};
const service = ts.createLanguageService(host, ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames, cwd));
const formatHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => cwd,
  getNewLine: () => "\n",
};

function compile(fileName) {
  // ts-node's updateMemoryCache: a new root file only when TypeScript has not already met it.
  if (!rootFiles.has(fileName) && !knownInternal.has(fileName)) {
    internalBuckets.add(bucketOf(fileName));
    rootFiles.add(fileName);
    projectVersion++;
  }
  const text = readFile(fileName);
  if (contents.get(fileName) !== text) {
    versions.set(fileName, (versions.get(fileName) ?? 0) + 1);
    contents.set(fileName, text);
    projectVersion++;
  }
  const output = service.getEmitOutput(fileName);
  const diagnostics = [...service.getSemanticDiagnostics(fileName), ...service.getSyntacticDiagnostics(fileName)].filter(
    (d) => !IGNORED.has(d.code),
  );
  if (diagnostics.length > 0) {
    throw new Error(`ts-node-approx: TypeScript errors\n${ts.formatDiagnostics(diagnostics, formatHost)}`);
  }
  if (output.emitSkipped) throw new Error(`ts-node-approx: emit skipped for ${fileName}`);
  const js = output.outputFiles.find((f) => /\.(c|m)?js$/.test(f.name));
  if (!js) throw new Error(`ts-node-approx: no JavaScript emitted for ${fileName}`);
  return js.text;
}

require.extensions[".ts"] = function register(module, fileName) {
  module._compile(compile(fileName), fileName);
};
