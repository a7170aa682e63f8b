import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { DrillKind, DrillReport, runDrill } from "../../tools/drill/drills";
import { localTarget } from "../../tools/drill/local";
import { groupAlive, portOpen } from "../../tools/rehearsal/procs";
import { Footprint, RehearsalOptions, startRehearsal } from "../../tools/rehearsal/rehearsal";

/**
 * The drills for real: the load balancer, three instances (nginx + app each) and the probe at
 * 100 requests/s, all on 127.0.0.1. Each test starts its own rehearsal and checks that it left
 * nothing behind.
 */
async function drill(
  kind: DrillKind,
  rehearsalOptions: RehearsalOptions = {},
): Promise<{ report: DrillReport; footprint: Footprint; wallMs: number }> {
  const started = Date.now();
  // GCP mode: its load balancer retries a failed request once, as these drills assume; the other
  // modes are drilled in localFaults.test.ts.
  const rehearsal = await startRehearsal({
    stack: "test",
    instances: 3,
    cloud: "gcp",
    ...rehearsalOptions,
  });
  let report: DrillReport;
  let footprint: Footprint;
  try {
    report = await runDrill(localTarget(rehearsal, { ownsRehearsal: true }), { kind, rate: 100 });
  } finally {
    footprint = rehearsal.footprint();
    await rehearsal.stop();
  }
  assert.deepEqual(footprint.processGroups.filter(groupAlive), [], "process groups left");
  const open: number[] = [];
  for (const port of footprint.ports) if (await portOpen(port, 200)) open.push(port);
  assert.deepEqual(open, [], "ports left open");
  assert.equal(existsSync(footprint.directory), false, "files left");
  return { report, footprint, wallMs: Date.now() - started };
}

const failedChecks = (report: DrillReport) => JSON.stringify(report.checks.filter((c) => !c.pass));

/** The probe really ran at the rate asked for, or "0 failed" would mean little. */
function assertProbed(report: DrillReport) {
  assert.ok(report.probe.achievedRatePerSec >= 95, `${report.probe.achievedRatePerSec}/s achieved`);
  assert.ok(report.probe.total >= 300, `${report.probe.total} requests`);
}

describe("drills against the local rehearsal in gcp mode: 3 instances, probe at 100 requests/s", function () {
  this.timeout(60_000);

  it("rollout: no request fails, and the new version takes over by the time the rollout ends", async () => {
    const { report, wallMs } = await drill("rollout");
    assert.ok(report.pass, failedChecks(report));
    assertProbed(report);
    assert.equal(report.figures.failedRequests, 0);
    assert.deepEqual(report.versions, { from: "1.0.0", to: "1.0.1" });
    assert.deepEqual(
      report.probe.versions.map((v) => v.version),
      ["1.0.0", "1.0.1"],
    );
    const { rolloutMs, newFirstSeenMs, oldLastSeenMs } = report.figures;
    assert.ok(rolloutMs !== undefined && rolloutMs < 10_000, `rollout took ${rolloutMs} ms`);
    // Surge 3: three new instances boot, pass two checks, stay ready 500 ms, then one reload
    // swaps them in: the old version stops answering when the new one starts.
    assert.ok(newFirstSeenMs !== undefined && newFirstSeenMs >= 500 && newFirstSeenMs <= rolloutMs);
    assert.ok(oldLastSeenMs !== undefined && oldLastSeenMs <= rolloutMs);
    assert.ok(wallMs < 30_000, `the drill took ${wallMs} ms`);
  });

  it("self-heal: one instance SIGKILLed, no request fails, the group is whole within 5 s", async () => {
    const { report, wallMs } = await drill("self-heal");
    assert.ok(report.pass, failedChecks(report));
    assertProbed(report);
    assert.equal(report.figures.failedRequests, 0);
    const { mttrMs, detectedAfterMs } = report.figures;
    assert.ok(mttrMs !== undefined && mttrMs <= 5_000, `MTTR ${mttrMs} ms`);
    // The instance's supervisor dies with its group, so the loss is seen at once.
    assert.ok(
      detectedAfterMs !== undefined && detectedAfterMs < 500,
      `seen after ${detectedAfterMs} ms`,
    );
    assert.ok(report.marks.some((m) => /^removed i-\d: SIGKILL to the process group/.test(m.what)));
    assert.ok(wallMs < 30_000, `the drill took ${wallMs} ms`);
  });

  it("bad release: halted by the health gate, rolled back, only the old version ever served", async () => {
    const { report, wallMs } = await drill("bad-release");
    assert.ok(report.pass, failedChecks(report));
    assertProbed(report);
    assert.equal(report.figures.failedRequests, 0);
    assert.deepEqual(report.versions, { from: "1.0.0", to: "1.0.1-bad" });
    assert.deepEqual(
      report.probe.versions.map((v) => v.version),
      ["1.0.0"],
    );
    // The boot deadline (GCP's 180 s / 20) is what halts it.
    const halted = report.figures.haltedAfterMs;
    assert.ok(
      halted !== undefined && halted >= 9_000 && halted < 10_000,
      `halted after ${halted} ms`,
    );
    assert.ok(wallMs < 40_000, `the drill took ${wallMs} ms`);
  });

  it("a broken policy (maxUnavailablePercent 100) takes every old instance out first: the drill sees the outage", async () => {
    const { report } = await drill("rollout", {
      policy: { maxSurgePercent: 100, maxUnavailablePercent: 100, minReadySeconds: 10 },
    });
    assert.equal(report.pass, false);
    const failed = report.checks.filter((c) => !c.pass).map((c) => c.name);
    assert.deepEqual(failed, ["failed requests"]);
    // Nothing in the load balancer from the first reload until the new instances are ready
    // (boot, two checks, 500 ms): nginx answers 502 for about a second.
    assert.deepEqual(Object.keys(report.probe.errors), ["http 502"]);
    assert.ok(report.figures.failedRequests >= 50, `${report.figures.failedRequests} failed`);
    const outage = report.probe.longestOutage;
    assert.ok(outage !== null && outage.durationMs >= 500, `outage ${outage?.durationMs} ms`);
  });
});
