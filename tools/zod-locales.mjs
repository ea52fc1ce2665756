// Used by tools/synth.mjs before it loads zod; see deferZodLocales.
import { readFileSync } from "node:fs";
import { Module } from "node:module";
import { dirname, join } from "node:path";

/**
 * One entry of zod 4's compiled locales index (zod/v4/locales/index.cjs), as TypeScript emits
 * `export { default as ar } from "./ar.js"`:
 *   var ar_js_1 = require("./ar.cjs");
 *   Object.defineProperty(exports, "ar", { enumerable: true, get: function () { return __importDefault(ar_js_1).default; } });
 */
const ENTRY = /var (\w+) = require\("(\.\/[\w-]+\.cjs)"\);\s*Object\.defineProperty\(exports, "(\w+)", \{ enumerable: true, get: function \(\) \{ return __importDefault\(\1\)\.default; \} \}\);/g;

/**
 * Makes zod's `locales` namespace load each locale on first use, instead of all of them when zod
 * is imported. zod 4 (core, classic and mini alike) requires its locales index at import, and the
 * index requires every locale module (63 files with zod 4.6): about 29 ms of the 62 ms that
 * `require("zod")` took in a synth (docs/performance.md), for translations that nothing here reads.
 * The English messages zod uses by default do not come through the index (zod's schemas require
 * locales/en.cjs themselves), so nothing a synth prints changes.
 *
 * How: the module cache (`require.cache`, which Node documents as writable) gets, under the index's
 * own file name, a module whose exports are the index's names, each a getter that requires the
 * locale file the index would have required and returns what the index would have returned (its
 * default export). The names and files are read from the installed index itself; when that file
 * does not have exactly the shape above (another zod version compiled it differently), or zod or its
 * index is already loaded, nothing is changed and zod loads as usual. tools/zod-locales.test.ts holds
 * the deferred namespace to the real one, name by name.
 *
 * @param {NodeJS.Require} require a require function from which `zod` resolves (the app's)
 * @returns {boolean} whether the locales are deferred
 */
export function deferZodLocales(require) {
  let file;
  try {
    file = require.resolve("zod/v4/locales");
  } catch {
    return false; // no zod 4 here
  }
  if (require.cache[file] !== undefined) return false;
  const source = readFileSync(file, "utf8");
  const entries = [...source.matchAll(ENTRY)].map((m) => ({ path: join(dirname(file), m[2]), name: m[3] }));
  if (entries.length === 0 || entries.length !== source.split("require(").length - 1) return false;
  const exports = {};
  Object.defineProperty(exports, "__esModule", { value: true });
  for (const { path, name } of entries) {
    Object.defineProperty(exports, name, {
      enumerable: true,
      configurable: true,
      get() {
        const loaded = require(path);
        const value = loaded?.__esModule ? loaded.default : loaded; // what the index's __importDefault(...).default returns
        Object.defineProperty(exports, name, { enumerable: true, value });
        return value;
      },
    });
  }
  const module = new Module(file);
  module.filename = file;
  module.exports = exports;
  module.loaded = true;
  require.cache[file] = module;
  return true;
}
