/**
 * `npm run validate -- <file>...`: validates environment files, each alone and then as a set
 * (distinct names, bucket names and aliases across the files given).
 * Exit 0 when every file is valid; 1 with one line per problem:
 * `<file>: <field.path>: <message> (got <value>)`; 2 for a bad command line. Never a stack trace.
 * `npm run validate -- --write-schema` regenerates the committed JSON Schema.
 */
import { writeFileSync } from "node:fs";
import { ConfigError, type EnvironmentFile, UsageError, checkEnvironmentSet, formatProblem, parseCliArgs, runCli } from "@sse-kms/config";
import { loadEnvironment } from "./app";
import { BLUEPRINTS, ENVIRONMENT_JSON_SCHEMA_PATH, renderJsonSchema } from "./catalog";

const USAGE = `npm run validate -- <environment.json>...
       npm run validate -- --write-schema
Validates each file (JSON, schema, cross-field rules), then the files as a set (distinct
environment names, bucket names, aliases per account and region). Exit 0 valid, 1 invalid, 2 usage.`;

function main(args: readonly string[]): number {
  const parsed = parseCliArgs(args, { "write-schema": { type: "boolean" } }, { positionals: true });
  if (parsed.flags.has("write-schema")) {
    if (parsed.positionals.length > 0) throw new UsageError("--write-schema takes no files");
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
  if (parsed.positionals.length === 0) {
    console.error(`usage: ${USAGE.split("\n")[0]}`);
    return 2;
  }
  let failed = false;
  const valid: EnvironmentFile[] = [];
  for (const file of parsed.positionals) {
    try {
      const env = loadEnvironment(file);
      valid.push({ file, env });
      console.log(`${file}: ok (environment ${env.name}, account ${env.account}, ${env.region})`);
    } catch (e) {
      failed = true;
      if (e instanceof ConfigError) for (const p of e.problems) console.error(formatProblem(p));
      else console.error(`${file}: (root): ${(e as Error).message} (got nothing)`);
    }
  }
  const across = checkEnvironmentSet(valid, BLUEPRINTS);
  for (const p of across) console.error(formatProblem(p));
  return failed || across.length > 0 ? 1 : 0;
}

runCli("validate", USAGE, main);
