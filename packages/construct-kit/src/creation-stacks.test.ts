import { Lazy, Tokenization } from "cdktf";
import { skipCreationStacks } from "./creation-stacks";

/** The creation stack cdktf recorded for a new lazy token. */
function creationStackOfNewToken(): string[] {
  const token = Lazy.stringValue({ produce: () => "value" });
  return (Tokenization.reverseString(token).firstToken as unknown as { creationStack: string[] }).creationStack;
}

/** A function of its own, so the first frame names it. */
function throwingFunction(): never {
  throw new TypeError("boom");
}

function stackOfThrown(): string {
  try {
    throwingFunction();
  } catch (e) {
    return (e as Error).stack ?? "";
  }
}

test("cdktf records a creation stack for every token without it", () => {
  expect(creationStackOfNewToken().length).toBeGreaterThan(0);
});

test("with it: no creation stack, an Error's stack formatted as node does; restoring brings the traces back", () => {
  const restore = skipCreationStacks();
  let creationStack: string[];
  let stack: string;
  try {
    creationStack = creationStackOfNewToken();
    stack = stackOfThrown();
  } finally {
    restore();
  }
  expect(creationStack).toEqual([]);
  const lines = stack.split("\n");
  expect(lines[0]).toBe("TypeError: boom");
  expect(lines[1]).toMatch(/^ {4}at throwingFunction \(.*creation-stacks\.test\.ts:\d+:\d+\)$/);
  expect(lines.length).toBeGreaterThan(2);
  expect(creationStackOfNewToken().length).toBeGreaterThan(0);
});

test("with it, a creation stack is not captured at all, and every other capture still is", () => {
  const capture = jest.spyOn(Error, "captureStackTrace");
  const restore = skipCreationStacks();
  const plain: { stack?: string } = {};
  const error = new Error("kept");
  let creationCaptures: number;
  let restored: unknown;
  let captures: number;
  let plainStack: string | undefined;
  let errorStack: string | undefined;
  try {
    creationStackOfNewToken();
    creationCaptures = capture.mock.calls.length; // the spy sits below the hook: calls the hook let through
    Error.captureStackTrace(plain); // a plain object at the default limit: captured (formatted as empty)
    Error.captureStackTrace(error); // an Error: captured and formatted as node does
    // V8 formats a captured trace when it is first read, with the hook in place then.
    plainStack = plain.stack;
    errorStack = error.stack;
  } finally {
    restore();
    restored = Error.captureStackTrace;
    captures = capture.mock.calls.length; // mockRestore() clears the calls
    capture.mockRestore();
  }
  expect(restored).toBe(capture);
  expect(creationCaptures).toBe(0);
  expect(captures).toBe(2);
  expect(plainStack).toBe("");
  expect(errorStack?.split("\n")[0]).toBe("Error: kept");
  expect(errorStack?.split("\n").length).toBeGreaterThan(1);
});
