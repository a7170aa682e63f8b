import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withInstallHint } from "../../tools/drill/automation";
import { runDrill } from "../../tools/drill/drills";
import { runDrillCli } from "../../tools/drill/main";
import { stackTarget } from "../../tools/drill/stack";
import { ecsGroup, fakeEcs, fakeService, FakeService, fakeStack } from "./fakes";

const vmssGroup = {
  kind: "azure-vmss",
  subscriptionId: "00000000-0000-0000-0000-000000000001",
  resourceGroup: "web-rg",
  scaleSet: "web-vmss",
} as const;

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
    // Every other call lists or describes: the drill only watches the group heal itself, in
    // the ALB's target health as well as in ECS.
    assert.deepEqual([...new Set(ecs.calls.map((argv) => argv[2]))].sort(), [
      "describe-services",
      "describe-target-health",
      "describe-tasks",
      "list-tasks",
      "stop-task",
    ]);
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
      /^stack test: ECS service web-service in cluster web-cluster \(us-east-1\); healthy means the task is RUNNING and its IP is `healthy` in the ALB target group$/,
    );
  });

  it("self-heal: whole again means the live desired count (autoscaled to 3), not the stack file's 2", async () => {
    // Three tasks run because autoscaling set desiredCount to 3; the stack file says 2. After one
    // is stopped, two are healthy: "whole" by the file, a third short by the cloud.
    const ecs = fakeEcs(3, 12);
    const target = stackTarget({
      stack: "test",
      api: fakeStack(service, ecsGroup).api,
      exec: ecs.exec,
      pollMs: 10,
      limits,
    });
    const report = await runDrill(target, { kind: "self-heal", ...fast });
    assert.ok(report.pass, JSON.stringify(report.checks));
    // The replacement needs 12 more list calls (about 120 ms at 10 ms polls) to become healthy
    // in the ALB; an MTTR below that would mean the drill stopped at two tasks.
    assert.ok((report.figures.mttrMs ?? 0) >= 100, `MTTR ${report.figures.mttrMs} ms`);
    assert.equal(ecs.tasks.filter((t) => t.healthy).length, 3);
  });

  it("rollout on Azure: waits for the rolling upgrade that outlives pulumi up", async () => {
    const codes = ["RollingForward", "RollingForward", "Completed"];
    const calls: string[] = [];
    const exec = async (file: string, args: readonly string[]) => {
      calls.push([file, ...args.slice(0, 3)].join(" "));
      if (args[1] === "rolling-upgrade") {
        return JSON.stringify({
          runningStatus: { code: codes.shift() ?? "Completed" },
          progress: { successfulInstanceCount: 2 },
        });
      }
      if (args[1] === "show") return JSON.stringify({ sku: { capacity: 2 } });
      return JSON.stringify(
        [0, 1].map((id) => ({
          instanceId: String(id),
          provisioningState: "Succeeded",
          zones: ["1"],
          instanceView: { vmHealth: { status: { code: "HealthState/healthy" } } },
        })),
      );
    };
    const stack = fakeStack(service, vmssGroup);
    const target = stackTarget({ stack: "test", api: stack.api, exec, pollMs: 10, limits });
    const report = await runDrill(target, { kind: "rollout", version: "1.0.1", ...fast });
    assert.ok(report.pass, JSON.stringify(report.checks));
    assert.equal(calls.filter((c) => c === "az vmss rolling-upgrade get-latest").length, 3);
  });

  it("rollout on Azure: a Faulted upgrade is a halt, and the drill restores the old version", async () => {
    const exec = async (_file: string, args: readonly string[]) => {
      if (args[1] === "rolling-upgrade") {
        return JSON.stringify({
          runningStatus: { code: "Faulted" },
          progress: { failedInstanceCount: 1 },
          error: { message: "health check failed" },
        });
      }
      if (args[1] === "show") return JSON.stringify({ sku: { capacity: 2 } });
      return JSON.stringify([]);
    };
    const stack = fakeStack(service, vmssGroup);
    const target = stackTarget({ stack: "test", api: stack.api, exec, pollMs: 10, limits });
    const rollout = await target.rollout("1.0.1", { faulty: false });
    assert.equal(rollout.outcome, "failed");
    assert.deepEqual(
      stack.calls.filter((c) => c !== "outputs"),
      [
        "getConfig ha-web-service:appVersion",
        "setConfig ha-web-service:appVersion 1.0.1",
        "up",
        "setConfig ha-web-service:appVersion 1.0.0",
        "up",
      ],
    );
    assert.match(rollout.detail, /the cloud halted the rollout: rolling upgrade Faulted/);
  });

  it("rollout: sets appVersion, runs up, and sees the new version take over", async () => {
    const stack = fakeStack(service, ecsGroup);
    const target = stackTarget({
      stack: "test",
      api: stack.api,
      exec: fakeEcs(2).exec,
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
    [
      [],
      'drill: expected a drill, one of self-heal, rollout, bad-release, kill, hang, slow, unhealthy, zone-loss; got "" (see --help)\n',
    ],
    [
      ["chaos"],
      'drill: expected a drill, one of self-heal, rollout, bad-release, kill, hang, slow, unhealthy, zone-loss; got "chaos" (see --help)\n',
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
      "drill: --stack, --instances, --cloud and --zones are for the local target only (see --help)\n",
    ],
    [
      ["rollout", "--target", "stack:test"],
      "drill: --version: required for a rollout on a stack; build and push that tag first (the pipeline's build job does), since a tag nobody pushed cannot start and behaves like a bad release (see --help)\n",
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
          "--version",
          "1.0.1",
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

describe("the drill without the Pulumi CLI", () => {
  it("says what to install instead of spawn pulumi ENOENT", () => {
    assert.equal(
      withInstallHint("Error: spawn pulumi ENOENT"),
      "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/), log in to the stack's backend (pulumi login), and run the drill again",
    );
    assert.equal(withInstallHint("error: no stack named test"), "error: no stack named test");
  });
});
