import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderServiceConditionTable } from "@sse-kms/policy";
import { ALL_RULES, compareRuleIds } from "./all-rules";
import { RULE_TABLE_END, RULE_TABLE_START, renderRuleTable, withRuleTable } from "./docs";
import * as exported from "./rules";
import type { GuardrailRule } from "./types";

describe("README", () => {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");

  test("carries the generated rule table (stale: run `npm run refresh`)", () => {
    const current = withRuleTable(readme) === readme;
    // On failure the message names the command that fixes it.
    expect({ "packages/guardrails/README.md rule table": current ? "current" : "stale: run `npm run refresh`" }).toEqual({
      "packages/guardrails/README.md rule table": "current",
    });
  });

  test("withRuleTable replaces only what is between the markers, and names the file when they are missing", () => {
    const text = `# t\n\nbefore\n${RULE_TABLE_START}\nold table\n${RULE_TABLE_END}\nafter\n`;
    const rule = ALL_RULES[0] as GuardrailRule;
    expect(withRuleTable(text, [rule])).toBe(`# t\n\nbefore\n${RULE_TABLE_START}\n${renderRuleTable([rule])}\n${RULE_TABLE_END}\nafter\n`);
    expect(withRuleTable(withRuleTable(text, [rule]), [rule])).toBe(withRuleTable(text, [rule]));
    expect(() => withRuleTable("# no markers\n")).toThrow(
      /packages\/guardrails\/README\.md: the markers <!-- rules:start --> and <!-- rules:end --> are missing/,
    );
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

describe("ALL_RULES", () => {
  test("is every rule the rule files export (the one list in rules/index.ts), each once, in rule-id order", () => {
    const rules = Object.values(exported).filter((v): v is GuardrailRule => typeof v === "object" && v !== null && "check" in v && "id" in v);
    expect(ALL_RULES.length).toBe(rules.length);
    expect(new Set(ALL_RULES)).toEqual(new Set(rules));
    expect(ALL_RULES.map((r) => r.id)).toEqual([...ALL_RULES.map((r) => r.id)].sort(compareRuleIds));
    // Helpers the rule files export alongside (STATEFUL_TYPES, ...) are not rules.
    expect(ALL_RULES).not.toContain(exported.STATEFUL_TYPES);
  });

  test("compareRuleIds orders numbers as numbers within a family", () => {
    expect(["SKB-S3-1", "SKB-KMS-10", "SKB-KMS-2", "SKB-IAM-1"].sort(compareRuleIds)).toEqual(["SKB-IAM-1", "SKB-KMS-2", "SKB-KMS-10", "SKB-S3-1"]);
  });
});
