/**
 * `npm run validate -- <file>...`: validates environment files.
 * Exit 0 when every file is valid; otherwise exit 1 with one line per problem:
 * `<file>: <field.path>: <message> (got <value>)`. Never a stack trace.
 * `npm run validate -- --write-schema` regenerates the committed JSON Schema.
 */
import { writeFileSync } from "node:fs";
import { ConfigError, formatProblem } from "@sse-kms/config";
import { loadEnvironment } from "./app";
import { ENVIRONMENT_JSON_SCHEMA_PATH, renderJsonSchema } from "./catalog";

function main(args: string[]): number {
  if (args.includes("--write-schema")) {
    try {
      writeFileSync(ENVIRONMENT_JSON_SCHEMA_PATH, renderJsonSchema());
    } catch (e) {
      // One line, no stack trace (e.g. not run from the repository root).
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      console.error(`${ENVIRONMENT_JSON_SCHEMA_PATH}: cannot write the file (${code}); run from the repository root`);
      return 1;
    }
    console.log(`wrote ${ENVIRONMENT_JSON_SCHEMA_PATH}`);
    return 0;
  }
  if (args.length === 0 || args.includes("--help")) {
    console.error("usage: npm run validate -- <environment.json>...");
    return args.length === 0 ? 2 : 0;
  }
  let failed = false;
  for (const file of args) {
    try {
      const env = loadEnvironment(file);
      console.log(`${file}: ok (environment ${env.name}, account ${env.account}, ${env.region})`);
    } catch (e) {
      failed = true;
      if (e instanceof ConfigError) for (const p of e.problems) console.error(formatProblem(p));
      else console.error(`${file}: (root): ${(e as Error).message} (got nothing)`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
