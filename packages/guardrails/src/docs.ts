/** The rule table of the README, generated from the rules so the two cannot drift apart. */
import { ALL_RULES } from "./rules";
import type { GuardrailRule } from "./types";

const cell = (list: readonly string[] | undefined): string => (list && list.length > 0 ? list.join(", ") : "—");

/** Markdown table: id, name, what fails, checkov and cdk-nag mappings, resource types. */
export function renderRuleTable(rules: readonly GuardrailRule[] = ALL_RULES): string {
  const lines = ["| Id | Rule | Fails when | checkov | cdk-nag | Other references | Checks |", "| --- | --- | --- | --- | --- | --- | --- |"];
  for (const r of rules) {
    const types = r.appliesTo.map((t) => (t === "*" ? "every resource" : `\`${t}\``)).join(", ");
    lines.push(
      `| ${r.id} | \`${r.name}\` | ${r.description} | ${cell(r.mappings.checkov)} | ${cell(r.mappings.cdkNag)} | ${cell(r.mappings.other)} | ${types} |`,
    );
  }
  return lines.join("\n");
}
