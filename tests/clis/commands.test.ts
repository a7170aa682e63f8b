/**
 * Every `aws`, `gcloud` and `az` command an engineer or a tool runs, through the real CLIs,
 * offline (tests/clis/realClis.ts): the runbooks' and drill guide's commands, the argv the stack
 * drills build (tools/drill/clouds.ts) and the doctor's (tools/doctor/checks.ts). Each must get
 * past the CLI's parser to the point where it logs in or sends its request; the wrong forms the
 * review found must not.
 *
 * What no real CLI here can check stays in tests/docs/cliReference.ts (the fast tier), each with
 * its reason: AWS CLI v2-only commands (PyPI has only v1), and commands that parse but mislead.
 * This file also proves the v2-only exceptions are still needed: AWS CLI v1 rejects each.
 *
 * Run: npm run clis:setup, then
 *   npx mocha --no-config -r tsx/cjs --extension ts -t 600000 tests/clis/commands.test.ts
 */
import assert from "node:assert/strict";
import { Cloud } from "../../components/cloud";
import { DoctorEnv, ExecResult, runDoctor } from "../../tools/doctor/checks";
import { cloudGroup } from "../../tools/drill/clouds";
import { documentedCommands } from "../docs/cloudCommands";
import { tableOnlyCommand } from "../docs/cliReference";
import { simpleCommands } from "../docs/shellWords";
import { recordingExec } from "../drill/fakes";
import {
  Cli,
  CliRun,
  clis,
  expandWord,
  networkGuard,
  runBatch,
  Verdict,
  verdictOf,
} from "./realClis";

interface Case {
  /** Where the command comes from, for the failure message. */
  readonly where: string;
  readonly cli: Cli;
  /** Without the CLI's name, with sample values in place of shell variables. */
  readonly argv: readonly string[];
}

const isCli = (word: string | undefined): word is Cli => clis.includes(word as Cli);

/** A documented command line as a case per cloud command in it. */
function casesOf(where: string, line: string): Case[] {
  return simpleCommands(line)
    .map(({ words }) => words)
    .filter((words) => isCli(words[0]))
    .map((words) => {
      const cli = words[0] as Cli;
      return { where, cli, argv: words.slice(1).map((w) => expandWord(w, cli)) };
    });
}

/**
 * The runbooks' commands, less those only the table can check. A command whose shell variables
 * have no sample value is a problem of its own, not a crash of the whole file.
 */
function documentedCases(): { real: Case[]; tableOnly: Case[]; unexpanded: string[] } {
  const all: Case[] = [];
  const unexpanded: string[] = [];
  for (const { where, words } of documentedCommands()) {
    if (!isCli(words[0])) continue;
    const cli = words[0];
    try {
      all.push({ where, cli, argv: words.slice(1).map((w) => expandWord(w, cli)) });
    } catch (error) {
      unexpanded.push(`${where}: ${(error as Error).message}`);
    }
  }
  return {
    real: all.filter((c) => tableOnlyCommand([c.cli, ...c.argv]) === undefined),
    tableOnly: all.filter((c) => tableOnlyCommand([c.cli, ...c.argv]) !== undefined),
    unexpanded,
  };
}

/** Every argv the drill adapters run, driven through each method with the CLIs' JSON shapes. */
async function drillCases(): Promise<Case[]> {
  const answer = (argv: readonly string[]): unknown => {
    const verb = argv.slice(1).join(" ");
    if (verb.startsWith("ecs list-tasks"))
      return { taskArns: ["arn:aws:ecs:us-east-1:123456789012:task/web-cluster/t1"] };
    if (verb.startsWith("ecs describe-tasks")) {
      return {
        tasks: [
          {
            taskArn: "arn:aws:ecs:us-east-1:123456789012:task/web-cluster/t1",
            lastStatus: "RUNNING",
          },
        ],
      };
    }
    if (verb.startsWith("ecs describe-services")) {
      return {
        services: [
          {
            desiredCount: 2,
            loadBalancers: [
              {
                targetGroupArn:
                  "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/6d0ecf831eec9f09",
              },
            ],
          },
        ],
      };
    }
    if (verb.startsWith("compute instance-groups managed list-instances")) {
      return [
        {
          instance:
            "https://www.googleapis.com/compute/v1/projects/ha-web-test/zones/us-central1-a/instances/web-vm-x1",
          instanceStatus: "RUNNING",
          currentAction: "NONE",
        },
      ];
    }
    if (verb.startsWith("compute instance-groups managed describe")) return { targetSize: 3 };
    if (verb.startsWith("compute backend-services get-health")) return [];
    if (verb.startsWith("vmss list-instances"))
      return [{ instanceId: "0", provisioningState: "Succeeded" }];
    if (verb.startsWith("vmss show")) return { sku: { capacity: 3 } };
    if (verb.startsWith("vmss rolling-upgrade")) return { runningStatus: { code: "Completed" } };
    return {};
  };
  const groups = [
    { kind: "ecs-service", region: "us-east-1", cluster: "web-cluster", service: "web-service" },
    {
      kind: "gce-regional-mig",
      project: "ha-web-test",
      region: "us-central1",
      group: "web-mig",
      backendService: "web-backend",
    },
    {
      kind: "azure-vmss",
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      resourceGroup: "ha-web-test",
      scaleSet: "web-vmss",
    },
  ] as const;
  const calls: string[][] = [];
  for (const descriptor of groups) {
    const recorder = recordingExec(answer);
    const group = cloudGroup(descriptor, recorder.exec);
    const [first] = await group.list();
    assert.ok(first, `${descriptor.kind}: the fake listing gives one instance`);
    await group.desiredSize();
    await group.remove(first);
    await group.settleRollout?.({ pollMs: 1, timeoutMs: 1000 });
    calls.push(...recorder.calls);
  }
  return calls.map(([cli, ...argv]) => {
    assert.ok(isCli(cli), `drill runs ${cli}`);
    return { where: "tools/drill/clouds.ts", cli, argv };
  });
}

/** Every cloud CLI argv the doctor runs for each cloud, when no credentials are in the env. */
async function doctorCases(): Promise<Case[]> {
  const calls: string[][] = [];
  for (const cloud of ["aws", "gcp", "azure"] as Cloud[]) {
    const env: DoctorEnv = {
      env: {},
      nodeVersion: "v22.0.0",
      readFile: () => undefined,
      exec: async (command, args): Promise<ExecResult> => {
        calls.push([command, ...args]);
        // Logged in everywhere, so the doctor goes on to every command it has.
        const stdout = command === "aws" && args[0] === "--version" ? "aws-cli/2.17.0" : "x\n";
        return { code: 0, stdout, stderr: "", missing: false };
      },
    };
    await runDoctor(env, { stack: "test", cloud });
  }
  return calls
    .filter(([command]) => isCli(command))
    .map(([cli, ...argv]) => ({ where: "tools/doctor/checks.ts", cli: cli as Cli, argv }));
}

/**
 * gcloud reads `--format` and `--filter` only when it prints, after the request; so each is also
 * given to a command that prints offline (`gcloud config list`), which parses it the same way
 * (core/resource/resource_printer.py, resource_filter.py).
 */
function projectionCases(cases: readonly Case[]): Case[] {
  return cases
    .filter((c) => c.cli === "gcloud")
    .flatMap((c) =>
      c.argv.flatMap((word, i) => {
        const [flag, inline] = word.split(/=(.*)/s, 2);
        if (flag !== "--format" && flag !== "--filter") return [];
        const value = inline ?? c.argv[i + 1];
        return [
          {
            where: `${c.where} (${flag})`,
            cli: "gcloud" as const,
            argv: ["config", "list", flag, value],
          },
        ];
      }),
    );
}

/**
 * The wrong forms the review found that a real CLI rejects, with what it says. The others
 * (a JMESPath field the response lacks, a command that parses but misleads, AWS CLI v2-only
 * flags, `pulumi stack rm`) are the table's: tests/docs/cliCommands.test.ts.
 */
const rejected: readonly [string, RegExp][] = [
  // Beta only: https://cloud.google.com/sdk/gcloud/reference/beta/compute/instance-groups/managed/rolling-action/replace
  [
    'gcloud compute instance-groups managed rolling-action replace "$group" --region "$region" --project "$project" --max-surge 3 --max-unavailable 0 --min-ready 10s',
    /unrecognized arguments:[\s\S]*--min-ready flag is available in one or more alternate release tracks/,
  ],
  // Neither a resource URL nor a zone stands in for the project.
  [
    'gcloud compute instances delete "$vm_url" --quiet',
    /required property \[project\] is not currently set/,
  ],
  [
    'gcloud compute instances delete "${vm_url##*/}" --zone "$zone" --quiet',
    /required property \[project\] is not currently set/,
  ],
  [
    'gcloud compute instances get-serial-port-output "$vm_url"',
    /required property \[project\] is not currently set/,
  ],
  [
    'aws ecs describe-service --region "$region" --cluster "$cluster"',
    /Invalid choice: 'describe-service'/,
  ],
  [
    'az vmss list-instances -g "$rg" -n "$vmss" --expanded instanceView',
    /unrecognized arguments: --expanded/,
  ],
  // Canaries: each CLI's checks that the docs' commands rely on can fail.
  ["aws ecs list-tasks --cluster c --query 'taskArns[0' --output text", /Bad value for --query/],
  [
    "az vmss list-instances -g rg -n vmss --query '[].{id:instanceId'",
    /invalid jmespath_type value/,
  ],
  ['gcloud compute instances deleet "$vm_url" --project "$project"', /Invalid choice: 'deleet'/],
  ['gcloud config list --format "value(instance"', /More tokens expected/],
  [
    'aws ecs update-service --region "$region" --cluster "$cluster" --service "$service" --desired-count two',
    /invalid literal for int\(\)/,
  ],
];

/**
 * Wrong forms the real CLIs accept, which is why tests/docs/cliReference.ts keeps a rule for each:
 * their flaw is in the response or the effect, not in the syntax.
 */
const acceptedButWrong: readonly string[] = [
  // The response's instance views carry no instanceId (JMESPath field semantics).
  "az vmss get-instance-view -g \"$rg\" -n \"$vmss\" --instance-id '*' --query '[].{id:instanceId}' -o table",
  // GA flags only, so it parses; it renames the group's version, which pulumi up renames back.
  'gcloud compute instance-groups managed rolling-action replace "$group" --region "$region" --project "$project" --max-surge 3 --max-unavailable 0',
  // AWS CLI v1 still has it; v2, which the runbooks need, removed it.
  'aws ecr get-login --region "$region" --no-include-email',
];

describe("cloud CLI commands, through the real aws, gcloud and az (offline)", function () {
  this.timeout(600_000);
  const { real, tableOnly, unexpanded } = documentedCases();
  const fixtures = rejected.map(([line]) => casesOf(`fixture: ${line}`, line)[0]);
  const tableFixtures = acceptedButWrong.map((line) => casesOf(`fixture: ${line}`, line)[0]);
  let drill: Case[] = [];
  let doctor: Case[] = [];
  const verdicts = new Map<string, Verdict & { run: CliRun }>();
  const keyOf = (c: Case) => `${c.cli} ${JSON.stringify(c.argv)}`;

  before(async () => {
    drill = await drillCases();
    doctor = await doctorCases();
    const all = [...real, ...tableOnly, ...drill, ...doctor, ...fixtures, ...tableFixtures];
    const cases = [...all, ...projectionCases(all)];
    const started = Date.now();
    await Promise.all(
      clis.map(async (cli) => {
        const mine = cases.filter((c) => c.cli === cli);
        // The same argv runs once: the docs repeat some commands.
        const unique = [...new Map(mine.map((c) => [JSON.stringify(c.argv), c.argv])).values()];
        const runs = await runBatch(cli, unique);
        const byArgv = new Map(unique.map((argv, i) => [JSON.stringify(argv), runs[i]]));
        for (const c of mine) {
          const run = byArgv.get(JSON.stringify(c.argv)) as CliRun;
          verdicts.set(keyOf(c), { ...verdictOf(cli, run), run });
        }
        const slowest = unique
          .map((argv, i) => ({ seconds: runs[i].seconds, argv: argv.slice(0, 4).join(" ") }))
          .sort((a, b) => b.seconds - a.seconds)
          .slice(0, 3)
          .map((s) => `${s.seconds} s ${s.argv}`);
        console.log(
          `      ${cli}: ${unique.length} commands, ${runs.reduce((s, r) => s + r.seconds, 0).toFixed(1)} s running them (slowest: ${slowest.join("; ")})`,
        );
      }),
    );
    console.log(
      `      all three CLIs: ${((Date.now() - started) / 1000).toFixed(1)} s, network cut by ${networkGuard().how}`,
    );
  });

  const problems = (cases: readonly Case[]) =>
    [...cases, ...projectionCases(cases)].flatMap((c) => {
      const v = verdicts.get(keyOf(c));
      if (v === undefined) return [`${c.where}: ${c.cli} ${c.argv.join(" ")}: not run`];
      return v.accepted ? [] : [`${c.where}: ${c.cli} ${c.argv.join(" ")}: ${v.why}`];
    });

  it("every shell variable in a documented command has a sample value", () => {
    assert.deepEqual(unexpanded, []);
  });

  it("finds the runbooks' commands of each CLI", () => {
    for (const cli of clis) {
      const count = real.filter((c) => c.cli === cli).length;
      assert.ok(count >= 10, `${cli}: only ${count} documented commands found`);
    }
  });

  it("every runbook and drill-guide command is accepted by its real CLI", () => {
    assert.deepEqual(problems(real), []);
  });

  it("every command the stack drills build is accepted by its real CLI", () => {
    assert.ok(drill.length >= 12, `${drill.length} drill commands`);
    assert.deepEqual(problems(drill), []);
  });

  it("every cloud command the doctor runs is accepted by its real CLI", () => {
    assert.deepEqual(
      doctor.map((c) => [c.cli, ...c.argv].slice(0, 3).join(" ")),
      [
        "aws sts get-caller-identity",
        "aws --version",
        "gcloud auth list",
        "gcloud config get-value",
        "gcloud auth application-default",
        "gcloud version",
        "az account show",
        "az version",
      ],
    );
    assert.deepEqual(problems(doctor), []);
  });

  it("the commands with gcloud requests reach the API URL they should, with the project in it", () => {
    const requests = [...real, ...drill]
      .filter((c) => c.cli === "gcloud" && c.argv[0] === "compute")
      .map((c) => verdicts.get(keyOf(c)));
    assert.ok(requests.length >= 20);
    for (const v of requests) {
      assert.ok(v?.accepted, JSON.stringify(v));
      assert.match(
        v.how,
        /^request to https:\/\/compute\.googleapis\.com\/compute\/v1\/projects\/(ha-web-test|cos-cloud)\//,
      );
    }
  });

  // Each exception of the table must still be one: if AWS CLI v1 ever learns the command, the
  // real CLI should check it instead.
  it("the table-only commands are still beyond AWS CLI v1 (so the table is still needed)", () => {
    assert.ok(tableOnly.length > 0);
    for (const c of tableOnly) {
      const v = verdicts.get(keyOf(c));
      assert.ok(v !== undefined && !v.accepted, `${c.where}: v1 now accepts ${c.argv.join(" ")}`);
      assert.match(v.run.stderr, /Invalid choice/);
    }
  });

  it("the table's misleading forms parse in the real CLIs (so only the table can catch them)", () => {
    for (const c of tableFixtures) {
      const v = verdicts.get(keyOf(c));
      assert.ok(v?.accepted, `${c.where}: ${JSON.stringify(v)}: the real CLI rejects it now`);
    }
  });

  rejected.forEach(([line, message], i) => {
    it(`rejects: ${line}`, () => {
      const c = fixtures[i];
      const v = verdicts.get(keyOf(c));
      assert.ok(v !== undefined);
      assert.equal(v.accepted, false, `the real ${c.cli} accepted it: ${v.accepted && v.how}`);
      assert.match(`${v.run.stderr}\n${v.run.stdout}`, message);
    });
  });
});
