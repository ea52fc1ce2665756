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
