/**
 * The rule table of the README, generated from the rules' own metadata so the two cannot drift
 * apart: `npm run refresh` writes it between the README's markers, and a test fails when the
 * committed table is stale.
 */
import { ALL_RULES } from "./all-rules";
import type { GuardrailRule } from "./types";

/** Repo-relative path of the README that holds the rule table. */
export const RULE_TABLE_README = "packages/guardrails/README.md";
export const RULE_TABLE_START = "<!-- rules:start -->";
export const RULE_TABLE_END = "<!-- rules:end -->";

const cell = (list: readonly string[] | undefined): string => (list && list.length > 0 ? list.join(", ") : "—");
const code = (types: readonly string[]): string => types.map((t) => (t === "*" ? "every resource" : `\`${t}\``)).join(", ");

/** Markdown table: id, name, what fails, checkov and cdk-nag mappings, resource types. */
export function renderRuleTable(rules: readonly GuardrailRule[] = ALL_RULES): string {
  const lines = ["| Id | Rule | Fails when | checkov | cdk-nag | Other references | Checks |", "| --- | --- | --- | --- | --- | --- | --- |"];
  for (const r of rules) {
    const needs = r.needsInStack && r.needsInStack.length > 0 ? ` (in stacks with ${code(r.needsInStack)})` : "";
    lines.push(
      `| ${r.id} | \`${r.name}\` | ${r.description} | ${cell(r.mappings.checkov)} | ${cell(r.mappings.cdkNag)} | ${cell(r.mappings.other)} | ${code(r.appliesTo)}${needs} |`,
    );
  }
  return lines.join("\n");
}

/** The README text with the generated rule table between its markers (throws, naming the file, when the markers are missing). */
export function withRuleTable(readme: string, rules: readonly GuardrailRule[] = ALL_RULES): string {
  const start = readme.indexOf(RULE_TABLE_START);
  const end = readme.indexOf(RULE_TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`${RULE_TABLE_README}: the markers ${RULE_TABLE_START} and ${RULE_TABLE_END} are missing; put them where the rule table goes`);
  return `${readme.slice(0, start + RULE_TABLE_START.length)}\n${renderRuleTable(rules)}\n${readme.slice(end)}`;
}
