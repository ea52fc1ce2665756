// Parses every ```mermaid block of the Markdown files given with mermaid's own parser, offline,
// in node: mermaid is ESM-only and expects a browser, so jsdom supplies a window and DOMPurify
// a sanitizer. Prints one JSON line: [{ file, line, error }] with error null for a diagram that parses.
// Run by tools/docs/mermaid.test.ts; also by hand: node tools/docs/mermaid-check.mjs docs/*.md
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const { window } = new JSDOM("");
globalThis.window = window;
globalThis.document = window.document;
const { default: createDOMPurify } = await import("dompurify");
globalThis.DOMPurify = createDOMPurify(window);
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

const results = [];
for (const file of process.argv.slice(2)) {
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```mermaid") continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== "```") end++;
    const text = lines.slice(start, end).join("\n");
    let error = null;
    try {
      await mermaid.parse(text);
    } catch (e) {
      error = String(e?.message ?? e)
        .split("\n")
        .slice(0, 4)
        .join(" | ");
    }
    results.push({ file, line: start, error });
    i = end;
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);
