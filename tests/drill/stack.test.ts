import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDrill } from "../../tools/drill/drills";
import { runDrillCli } from "../../tools/drill/main";
import { stackTarget } from "../../tools/drill/stack";
import { ecsGroup, fakeEcs, fakeService, FakeService, fakeStack } from "./fakes";

/**
 * The same drills (drills.ts) against a deployed stack, with the Automation API and the cloud CLI
 * replaced by fakes and the "service" a tiny server on 127.0.0.1. What is asserted is the flow:
 * which calls, in which order, and that the drill reads the outcome from what clients saw.
 */
describe("drills against a stack (fake Automation API and aws CLI)", function () {
  this.timeout(20_000);
  let service: FakeService;
  beforeEach(async () => (service = await fakeService("1.0.0")));
  afterEach(async () => service.close());

  const fast = { rate: 50, warmupMs: 200, cooldownMs: 200 } as const;
  const limits = { mttrMs: 5_000, settleMs: 5_000 };

  it("self-heal: stops one healthy task through the CLI and times the service's replacement", async () => {
    const ecs = fakeEcs(2, 3);
    const stack = fakeStack(service, ecsGroup);
    const target = stackTarget({
      stack: "test",
      api: stack.api,
      exec: ecs.exec,
      expectedSize: 2,
      pollMs: 10,
      limits,
    });
    const report = await runDrill(target, { kind: "self-heal", ...fast });
    assert.ok(report.pass, JSON.stringify(report.checks));
    assert.equal(report.figures.failedRequests, 0);
    assert.ok(report.figures.mttrMs !== undefined && report.figures.mttrMs < 5_000);

    const stops = ecs.calls.filter((argv) => argv[2] === "stop-task");
    assert.deepEqual(stops, [
      [
        "aws",
        "ecs",
        "stop-task",
        "--region",
        "us-east-1",
        "--cluster",
        "web-cluster",
        "--task",
        "arn:aws:ecs:us-east-1:123456789012:task/web-cluster/task1",
        "--reason",
        "drill: self-heal (npm run drill)",
        "--output",
        "json",
      ],
    ]);
    // Every other call lists or describes: the drill only watches the group heal itself.
    assert.ok(
      ecs.calls.every((argv) =>
        ["list-tasks", "describe-tasks", "stop-task"].includes(argv[2] ?? ""),
      ),
    );
    // The replacement came up (task3) and the stopped task is gone.
    assert.deepEqual(
      ecs.tasks.map((t) => [t.arn.slice(-5), t.healthy]),
      [
        ["task2", true],
        ["task3", true],
      ],
    );
    assert.match(
      report.target,
      /^stack test: ECS service web-service in cluster web-cluster \(us-east-1\), 2 instances$/,
    );
  });

  it("rollout: sets appVersion, runs up, and sees the new version take over", async () => {
    const stack = fakeStack(service, ecsGroup);
    const target = stackTarget({
      stack: "test",
      api: stack.api,
      exec: fakeEcs(2).exec,
      expectedSize: 2,
      pollMs: 10,
      limits,
    });
    const report = await runDrill(target, { kind: "rollout", ...fast });
    assert.ok(report.pass, JSON.stringify(report.checks));
    assert.deepEqual(
      stack.calls.filter((c) => c !== "outputs"),
      ["getConfig ha-web-service:appVersion", "setConfig ha-web-service:appVersion 1.0.1", "up"],
    );
    assert.deepEqual(
      report.probe.versions.map((v) => v.version),
      ["1.0.0", "1.0.1"],
    );
  });

  it("bad release: a tag never pushed cannot start, up fails; the drill restores the old version", async () => {
    // The default bad version, 1.0.1-bad, names an image nobody pushed: no instance can start,
    // the cloud's health gate stops the rollout, and `pulumi up` fails.
    const stack = fakeStack(service, ecsGroup, (version) => version === "1.0.1-bad");
    const target = stackTarget({
      stack: "test",
      api: stack.api,
      exec: fakeEcs(2).exec,
      expectedSize: 2,
      pollMs: 10,
      limits,
    });
    const report = await runDrill(target, { kind: "bad-release", ...fast });
    assert.ok(report.pass, JSON.stringify(report.checks));
    assert.deepEqual(report.versions, { from: "1.0.0", to: "1.0.1-bad" });
    assert.deepEqual(
      stack.calls.filter((c) => c !== "outputs"),
      [
        "getConfig ha-web-service:appVersion",
        "setConfig ha-web-service:appVersion 1.0.1-bad",
        "up",
        "setConfig ha-web-service:appVersion 1.0.0",
        "up",
      ],
    );
    const rollout = report.checks.find((c) => c.name === "rollout halted and rolled back");
    assert.equal(
      rollout?.actual,
      "rolled-back: pulumi up to 1.0.1-bad failed (update failed: ECS Deployment Circuit Breaker was triggered); 1.0.0 redeployed",
    );
  });

  it("bad release that gets through: the drill fails, says so, and rolls back itself", async () => {
    const stack = fakeStack(service, ecsGroup);
    const target = stackTarget({
      stack: "test",
      api: stack.api,
      exec: fakeEcs(2).exec,
      expectedSize: 2,
      pollMs: 10,
      limits,
    });
    const report = await runDrill(target, {
      kind: "bad-release",
      version: "1.0.1-broken",
      ...fast,
    });
    assert.equal(report.pass, false);
    assert.deepEqual(
      report.checks.filter((c) => !c.pass).map((c) => c.name),
      ["rollout halted and rolled back", "only the old version served"],
    );
    assert.equal(service.deployed, "1.0.0", "the previous version is back");
    assert.ok(
      report.marks.some((m) => m.what === "the bad release was not stopped; rolling back to 1.0.0"),
    );
  });
});

describe("npm run drill", function () {
  this.timeout(20_000);

  const run = async (argv: string[], io: Partial<Parameters<typeof runDrillCli>[1]> = {}) => {
    let stdout = "";
    let stderr = "";
    const code = await runDrillCli(argv, {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      ...io,
    });
    return { code, stdout, stderr };
  };

  const usageRows: Array<[string[], string]> = [
    [[], 'drill: expected a drill, one of self-heal, rollout, bad-release; got "" (see --help)\n'],
    [
      ["chaos"],
      'drill: expected a drill, one of self-heal, rollout, bad-release; got "chaos" (see --help)\n',
    ],
    [
      ["rollout", "--target", "aws"],
      'drill: --target: expected local or stack:<name> such as stack:test; got "aws" (see --help)\n',
    ],
    [
      ["rollout", "--rate", "max"],
      "drill: --rate: a drill needs a fixed rate such as 100/s, not max (see --help)\n",
    ],
    [
      ["self-heal", "--target", "stack:test", "--instances", "3"],
      "drill: --stack and --instances are for the local target only (see --help)\n",
    ],
  ];
  for (const [argv, message] of usageRows) {
    it(`refuses ${JSON.stringify(argv)} with exit code 2`, async () => {
      const result = await run(argv);
      assert.deepEqual([result.code, result.stderr], [2, message]);
    });
  }

  it("runs a drill against stack:test end to end and writes both reports", async () => {
    const service = await fakeService("1.0.0");
    const dir = mkdtempSync(join(tmpdir(), "drill-cli-"));
    try {
      const stack = fakeStack(service, ecsGroup);
      const result = await run(
        [
          "rollout",
          "--target",
          "stack:test",
          "--rate",
          "20/s",
          "--json",
          "r.json",
          "--markdown",
          "r.md",
        ],
        { openStack: async () => stack.api, exec: fakeEcs(2).exec, cwd: dir },
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^rollout: PASS: 0 of \d+ requests failed, rollout 0\.\d\d s$/m);
      const json = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as {
        drill: string;
        pass: boolean;
      };
      assert.deepEqual([json.drill, json.pass], ["rollout", true]);
      assert.match(
        readFileSync(join(dir, "r.md"), "utf8"),
        /^# Rollout: a new version under load: PASS\n/,
      );
    } finally {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exit code 3 when the stack cannot be opened (no Pulumi CLI, no login)", async () => {
    const result = await run(["self-heal", "--target", "stack:test"], {
      openStack: async () => {
        throw new Error("could not find the pulumi CLI");
      },
    });
    assert.equal(result.code, 3);
    assert.equal(
      result.stderr,
      "drill: cannot open the target: Error: could not find the pulumi CLI\n",
    );
  });
});
