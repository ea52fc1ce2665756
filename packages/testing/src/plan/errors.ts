/**
 * Thrown when a document is not a Terraform plan this package can read: not JSON, not an object,
 * a missing or unsupported `format_version`, or a malformed part (e.g. `resource_changes` not an
 * array, a change without an `actions` array, an unknown action). The message names the file
 * (or source label) first, then the problem, so a failing CI log says which fixture is broken.
 */
export class PlanFormatError extends Error {
  /** The file path or source label the plan was read from. */
  readonly file: string;
  /** The problem alone, without the file name. */
  readonly problem: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "PlanFormatError";
    this.file = file;
    this.problem = problem;
  }
}
