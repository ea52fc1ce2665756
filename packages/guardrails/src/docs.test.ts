import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderServiceConditionTable } from "@sse-kms/policy";
import { renderRuleTable } from "./docs";
import { ALL_RULES } from "./rules";

describe("README", () => {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");

  test("carries the generated rule table (regenerate with renderRuleTable() when a rule changes)", () => {
    const start = readme.indexOf("<!-- rules:start -->");
    const end = readme.indexOf("<!-- rules:end -->");
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start + "<!-- rules:start -->".length, end).trim()).toBe(renderRuleTable());
  });

  test("carries the generated table of documented service-principal conditions (renderServiceConditionTable())", () => {
    const start = readme.indexOf("<!-- service-conditions:start -->");
    const end = readme.indexOf("<!-- service-conditions:end -->");
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start + "<!-- service-conditions:start -->".length, end).trim()).toBe(renderServiceConditionTable());
  });

  test("rule ids are unique and every rule explains what, why and how", () => {
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
    for (const r of ALL_RULES) {
      expect([r.id, r.description.length > 20, r.rationale.length > 40, r.fix.length > 20, r.appliesTo.length > 0]).toEqual([r.id, true, true, true, true]);
    }
  });
});
