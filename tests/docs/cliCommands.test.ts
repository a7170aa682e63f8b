/**
 * Every aws, gcloud and az command in the runbooks, the drill guide and the README, checked
 * against the CLIs' command references (tests/docs/cliReference.ts): the subcommand exists, each
 * flag exists for it, and none of the known misleading forms is used. `pulumi` and `npm run`
 * commands are checked by commands.test.ts.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Cli, cliReference, commandRules } from "./cliReference";
import { commandsOf, fencedBlocks, repoRoot } from "./markdown";
import { simpleCommands } from "./shellWords";

const clis = Object.keys(cliReference) as Cli[];

/** The problems of one simple command; empty when it is fine. */
export function checkCommand(words: readonly string[]): string[] {
  const problems = commandRules
    .filter((rule) => rule.breaks(words))
    .map((r) => `${r.name}: ${r.why}`);
  const cli = words[0] as Cli;
  if (!clis.includes(cli)) return problems;
  const reference = cliReference[cli];
  const rest = words.slice(1);
  const positional = rest.findIndex((w) => w.startsWith("-"));
  const path = positional < 0 ? rest : rest.slice(0, positional);
  let command: string | undefined;
  for (let n = path.length; n > 0 && command === undefined; n -= 1) {
    const candidate = path.slice(0, n).join(" ");
    if (candidate in reference.commands) command = candidate;
  }
  if (command === undefined) {
    return [
      ...problems,
      `${cli} ${path.join(" ")}: not a subcommand in the ${cli} reference table`,
    ];
  }
  const allowed = new Set([...reference.global, ...reference.commands[command]]);
  for (const word of rest) {
    if (!word.startsWith("-") || /^-\d/.test(word)) continue;
    const flag = word.split("=")[0];
    const long = reference.aliases[flag] ?? flag;
    if (!allowed.has(long)) problems.push(`${cli} ${command}: no flag ${flag} in the reference`);
  }
  return problems;
}

function documentedCommands(): { where: string; words: readonly string[] }[] {
  const files = [
    "README.md",
    "docs/drills.md",
    ...readdirSync(join(repoRoot, "docs", "runbooks"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/runbooks/${f}`),
  ];
  return files.flatMap((file) =>
    fencedBlocks(file)
      .filter((block) => block.language === "sh")
      .flatMap((block) => commandsOf(block))
      .flatMap(({ command, line }) =>
        simpleCommands(command).map(({ words }) => ({ where: `${file}:${line}`, words })),
      ),
  );
}

describe("cloud CLI commands in the docs, against the CLIs' references", () => {
  const commands = documentedCommands();

  it("finds the runbooks' cloud commands, including those inside $( … )", () => {
    const counts = Object.fromEntries(
      clis.map((cli) => [cli, commands.filter((c) => c.words[0] === cli).length]),
    );
    for (const cli of clis) assert.ok(counts[cli] >= 3, `${cli}: ${counts[cli]} commands found`);
    assert.ok(
      commands.some((c) => c.words.join(" ").startsWith("aws ecs describe-services")),
      "a command inside $( … ) is found",
    );
  });

  it("every cloud command uses a real subcommand and real flags, and none of the misleading forms", () => {
    const problems = commands.flatMap(({ where, words }) =>
      checkCommand(words).map((problem) => `${where}: ${problem}`),
    );
    assert.deepEqual(problems, []);
  });

  // The commands the review found wrong: each must be caught, or the check proves nothing.
  const wrong: [string, string][] = [
    [
      'gcloud compute instance-groups managed rolling-action replace "$group" --region "$region" --project "$project" --max-surge 3 --max-unavailable 0 --min-ready 10s',
      "no flag --min-ready",
    ],
    [
      "az vmss get-instance-view -g \"$rg\" -n \"$vmss\" --instance-id '*' --query '[].{id:instanceId}' -o table",
      "returns instance views without an instanceId",
    ],
    ['gcloud compute instances delete "$vm" --quiet', "gcloud without --project"],
    ['gcloud compute instances get-serial-port-output "$url"', "gcloud without --project"],
    ["pulumi stack rm", "deletes the committed Pulumi.<stack>.yaml"],
    ['aws ecs describe-service --cluster "$c"', "not a subcommand"],
    ["az vmss list-instances -g rg -n vmss --expanded instanceView", "no flag --expanded"],
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
