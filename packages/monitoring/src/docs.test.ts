/** docs/monitoring.md carries the generated table of documented service-principal conditions. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderServiceConditionTable } from "@sse-kms/policy";

test("docs/monitoring.md carries the table of documented service-principal conditions (renderServiceConditionTable())", () => {
  const doc = readFileSync(join(__dirname, "..", "..", "..", "docs", "monitoring.md"), "utf8");
  const start = doc.indexOf("<!-- service-conditions:start -->");
  const end = doc.indexOf("<!-- service-conditions:end -->");
  expect(start).toBeGreaterThan(-1);
  expect(doc.slice(start + "<!-- service-conditions:start -->".length, end).trim()).toBe(renderServiceConditionTable());
});
