/**
 * The part of the docs' cloud-command check that needs no CLI: the commands only a table can
 * check (tests/docs/cliReference.ts, each with its reason) and the forms that parse but mislead.
 * Every other `aws`, `gcloud` and `az` command is run through the real CLIs by
 * tests/clis/commands.test.ts (`npm test`'s real-CLI tier). `pulumi` and `npm run` commands are
 * checked by commands.test.ts.
 */
import assert from "node:assert/strict";
import { commandRules, tableOnlyCommand } from "./cliReference";
import { documentedCommands } from "./cloudCommands";
import { simpleCommands } from "./shellWords";

/** The problems of one simple command; empty when it is fine. */
export function checkCommand(words: readonly string[]): string[] {
  const problems = commandRules
    .filter((rule) => rule.breaks(words))
    .map((r) => `${r.name}: ${r.why}`);
  const entry = tableOnlyCommand(words);
  if (entry === undefined) return problems;
  for (const word of words) {
    if (!word.startsWith("-") || /^-\d/.test(word)) continue;
    const flag = word.split("=")[0];
    if (!entry.flags.includes(flag)) {
      problems.push(`${entry.cli} ${entry.command}: no flag ${flag} in ${entry.reference}`);
    }
  }
  return problems;
}

describe("cloud CLI commands in the docs: what only the table can check", () => {
  const commands = documentedCommands();

  it("finds the runbooks' cloud commands, including those inside $( … )", () => {
    for (const cli of ["aws", "gcloud", "az"]) {
      const count = commands.filter((c) => c.words[0] === cli).length;
      assert.ok(count >= 3, `${cli}: ${count} commands found`);
    }
    assert.ok(
      commands.some((c) => c.words.join(" ").startsWith("aws ecs describe-services")),
      "a command inside $( … ) is found",
    );
    assert.ok(
      commands.some((c) => tableOnlyCommand(c.words) !== undefined),
      "the runbooks use a table-only command (aws logs tail)",
    );
  });

  it("table-only commands use their reference's flags, and no command uses a misleading form", () => {
    const problems = commands.flatMap(({ where, words }) =>
      checkCommand(words).map((problem) => `${where}: ${problem}`),
    );
    assert.deepEqual(problems, []);
  });

  // The wrong forms only the table catches; those a real CLI rejects are in tests/clis.
  const wrong: [string, string][] = [
    [
      "az vmss get-instance-view -g \"$rg\" -n \"$vmss\" --instance-id '*' --query '[].{id:instanceId}' -o table",
      "returns instance views without an instanceId",
    ],
    [
      'gcloud compute instance-groups managed rolling-action replace "$group" --region "$region" --project "$project" --max-surge 3 --max-unavailable 0',
      "renames the group's version",
    ],
    ["pulumi stack rm", "deletes the committed Pulumi.<stack>.yaml"],
    ['aws ecr get-login --region "$region" --no-include-email', "removed in AWS CLI v2"],
    ['aws logs tail "$logs" --since 15m --tail', "no flag --tail"],
  ];
  for (const [command, expected] of wrong) {
    it(`catches: ${command}`, () => {
      const problems = simpleCommands(command).flatMap(({ words }) => checkCommand(words));
      assert.ok(
        problems.some((p) => p.includes(expected)),
        `expected a problem containing "${expected}"; got ${JSON.stringify(problems)}`,
      );
    });
  }

  it("splits quotes, pipes and command substitutions as the shell does", () => {
    assert.deepEqual(
      simpleCommands(
        `tg="$(aws ecs describe-services --query 'services[0].x' --output text)"; aws elbv2 describe-target-health --target-group-arn "$tg" | jq -r '.a | .b' # note`,
      ).map((c) => c.words),
      [
        ["aws", "elbv2", "describe-target-health", "--target-group-arn", "$tg"],
        ["jq", "-r", ".a | .b"],
        ["aws", "ecs", "describe-services", "--query", "services[0].x", "--output", "text"],
      ],
    );
    assert.throws(() => simpleCommands("echo `date`"), /backquotes/);
  });
});
