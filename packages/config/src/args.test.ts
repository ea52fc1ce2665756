/** The shared argument parser: strict flags, decimal-only numbers, one-line usage errors. */
import { UsageError, parseCliArgs, wantsHelp, wholeNumber } from "./args";

const spec = { env: { type: "string" }, check: { type: "boolean" } } as const;

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("no UsageError");
}

test("parses string and boolean flags in both spellings", () => {
  expect(parseCliArgs(["--env", "dev", "--check"], spec)).toMatchObject({ strings: { env: "dev" }, positionals: [] });
  expect(parseCliArgs(["--env=prod"], spec).strings.env).toBe("prod");
  expect([...parseCliArgs(["--check"], spec).flags]).toEqual(["check"]);
});

test.each<[string[], RegExp]>([
  [["--chek"], /^unknown option --chek \(did you mean --check\?\)$/],
  [["--zzz"], /^unknown option --zzz$/],
  [["--env"], /^option --env needs a value/],
  [["--env", "-5"], /^option --env needs a value \(a value that starts with '-' is given as --env=<value>\)$/],
  [["--env="], /^option --env has an empty value$/],
  [["--env", "a", "--env", "b"], /^option --env is given more than once$/],
  [["--check=yes"], /^option --check takes no value$/],
  [["file.json"], /^unexpected argument "file.json"/],
])("%j is a one-line usage error", (args, message) => {
  const m = usageError(() => parseCliArgs(args, spec));
  expect(m).toMatch(message);
  expect(m).not.toMatch(/\n/);
});

test("positionals only where allowed", () => {
  expect(parseCliArgs(["a.json", "b.json"], {}, { positionals: true }).positionals).toEqual(["a.json", "b.json"]);
});

test.each(["-5", "1e30", "0x10", "", "1.5", " 1", "NaN", "１２", "99999999999999999"])("wholeNumber refuses %j", (value) => {
  expect(usageError(() => wholeNumber("puts", value))).toMatch(/^--puts must be a whole number from 0 to \d+, in decimal digits \(got /);
});

test("wholeNumber accepts decimal digits within bounds", () => {
  expect(wholeNumber("puts", "0")).toBe(0);
  expect(wholeNumber("puts", "1000000")).toBe(1_000_000);
  expect(usageError(() => wholeNumber("months", "1201", { max: 1200 }))).toMatch(/from 0 to 1200/);
});

test("wantsHelp: --help or -h before any --", () => {
  expect(wantsHelp(["--env", "dev", "--help"])).toBe(true);
  expect(wantsHelp(["-h"])).toBe(true);
  expect(wantsHelp(["--", "--help"])).toBe(false);
});
