/**
 * `sse-kms-key-material`: the BYOK key-material ceremony CLI.
 *   sse-kms-key-material wrap   ...   offline: wrap material under a KMS wrapping public key
 *   sse-kms-key-material import ...   online: GetParametersForImport, wrap, ImportKeyMaterial
 *   sse-kms-key-material rotate ...   online: ImportKeyMaterial NEW_KEY_MATERIAL, RotateKeyOnDemand
 *   sse-kms-key-material status ...   online: the key's materials and their expiry (exit 1 when one lapses soon)
 *   sse-kms-key-material reimport ... online: ImportKeyMaterial EXISTING_KEY_MATERIAL by key material id
 * Every failure is one line on stderr, `sse-kms-key-material: error: <what> (<fix>)`, and a
 * non-zero exit: 1 for failures, 2 for usage errors.
 */
import { wantsHelp } from "./args";
import { runImportCommand, runReimportCommand, runRotateCommand, runStatusCommand, runWrapCommand, type KmsApiFactory, type Output } from "./commands";
import { CliError, EXIT_OK, formatErrorLine, oneLine, PROGRAM, UsageError } from "./errors";
import { IMPORT_HELP, MAIN_HELP, REIMPORT_HELP, ROTATE_HELP, STATUS_HELP, WRAP_HELP } from "./help";

/** Where the CLI writes: process.stdout and process.stderr unless a caller (a test) passes others. */
export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Creates the KMS client for the online commands; defaults to the AWS SDK's KMSClient. */
  readonly kms?: KmsApiFactory;
}

const COMMAND_HELP: Record<string, string> = { wrap: WRAP_HELP, import: IMPORT_HELP, rotate: ROTATE_HELP, status: STATUS_HELP, reimport: REIMPORT_HELP };
const COMMANDS = "import, wrap, rotate, status and reimport";

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) throw new UsageError("missing command", `run \`${PROGRAM} --help\`; the commands are ${COMMANDS}`);
  if (command === "--help" || command === "-h") return print(io.stdout, MAIN_HELP);
  if (command === "help") {
    const topic = args[0];
    if (topic === undefined) return print(io.stdout, MAIN_HELP);
    const help = COMMAND_HELP[topic];
    if (help === undefined) throw unknownCommand(topic);
    return print(io.stdout, help);
  }
  const help = COMMAND_HELP[command];
  if (help === undefined) throw unknownCommand(command);
  if (wantsHelp(args)) return print(io.stdout, help);
  if (command === "wrap") return runWrapCommand(args, io.stdout);
  if (command === "rotate") return runRotateCommand(args, io.stdout, io.stderr, io.kms);
  if (command === "status") return runStatusCommand(args, io.stdout, io.stderr, io.kms);
  if (command === "reimport") return runReimportCommand(args, io.stdout, io.stderr, io.kms);
  return runImportCommand(args, io.stdout, io.stderr, io.kms);
}

function unknownCommand(command: string): UsageError {
  return new UsageError(`unknown command "${command}"`, `the commands are ${COMMANDS}; run \`${PROGRAM} --help\``);
}

function print(out: Output, text: string): number {
  out.write(text);
  return EXIT_OK;
}

/**
 * Runs the CLI with `argv` (the arguments after the program name) and resolves to the exit code.
 * Never throws and never calls process.exit: errors become one stderr line and a non-zero code.
 */
export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    const error =
      e instanceof CliError
        ? e
        : new CliError(
            `unexpected failure: ${oneLine(e instanceof Error ? `${e.name}: ${e.message}` : String(e))}`,
            "this is a bug; please report it with the command you ran",
          );
    io.stderr.write(`${formatErrorLine(error)}\n`);
    return error.exitCode;
  }
}

if (require.main === module) {
  // The AWS SDK prints a multi-line notice about future Node.js support; keep stderr to our own lines.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
