import assert from "node:assert/strict";
import { Cloud } from "../../components/cloud";
import { DrillOptions, DrillReport, runDrill } from "../../tools/drill/drills";
import { localTarget } from "../../tools/drill/local";
import { FaultDrill } from "../../tools/drill/target";
import { groupAlive } from "../../tools/rehearsal/procs";
import { RehearsalOptions, startRehearsal } from "../../tools/rehearsal/rehearsal";

/**
 * The fault drills for real, each well under 15 s: 3 instances over 3 zones, the probe at
 * 100 requests/s and seed 000's curl check alongside. Each fault has a broken-policy counterpart
 * the drill must catch. The whole file takes about two minutes on an idle two-core machine.
 */
async function drill(
  kind: FaultDrill,
  cloud: Cloud,
  rehearsalOptions: RehearsalOptions = {},
  drillOptions: Partial<DrillOptions> = {},
  /** A policy change made once the group serves (a broken one that would not let it start). */
  bootDeadlineAfterStartMs?: number,
): Promise<DrillReport> {
  const rehearsal = await startRehearsal({
    stack: "test",
    instances: 3,
    zones: 3,
    cloud,
    ...rehearsalOptions,
  });
  if (bootDeadlineAfterStartMs !== undefined) rehearsal.setBootDeadline(bootDeadlineAfterStartMs);
  try {
    return await runDrill(localTarget(rehearsal, { ownsRehearsal: false }), {
      kind,
      rate: 100,
      warmupMs: 500,
      cooldownMs: 500,
      settleMs: 8_000,
      ...drillOptions,
    });
  } finally {
    const groups = rehearsal.footprint().processGroups;
    await rehearsal.stop();
    assert.deepEqual(groups.filter(groupAlive), [], "process groups left");
  }
}

const failed = (report: DrillReport) => report.checks.filter((c) => !c.pass).map((c) => c.name);

describe("fault drills against the local rehearsal, per cloud mode", function () {
  this.timeout(40_000);

  it("gcp kill: the retry hides the dead instance, the group is whole within 5 s, the witness saw no downtime", async () => {
    const report = await drill("kill", "gcp");
    assert.deepEqual(failed(report), []);
    assert.equal(report.figures.failedRequests, 0);
    assert.ok(report.figures.mttrMs !== undefined && report.figures.mttrMs <= 5_000);
    // One of three out from the kill until its replacement is admitted.
    assert.equal(report.figures.capacity?.minPct, 67);
    assert.equal(report.witness?.verdict, "up");
    assert.ok((report.witness?.checks ?? 0) >= 3, `${report.witness?.checks} witness checks`);
  });

  it("aws kill: no retry, so requests sent to the dead instance before it is taken out fail (502)", async () => {
    const report = await drill("kill", "aws");
    assert.ok(report.figures.mttrMs !== undefined && report.figures.mttrMs <= 5_000);
    // Taken out as soon as its process is seen gone; what reached it first failed.
    assert.deepEqual(
      Object.keys(report.probe.errors),
      report.figures.failedRequests === 0 ? [] : ["http 502"],
    );
    assert.ok(report.figures.failedRequests < 30, `${report.figures.failedRequests} failed`);
  });

  it("aws hang: requests to the stopped instance time out until two checks fail; the witness sees it too", async () => {
    const report = await drill("hang", "aws");
    assert.ok(
      report.figures.failedRequests > 0,
      "the ALB does not retry: some requests must time out",
    );
    // Client timeouts while nothing answers; a request still waiting when the hung instance is
    // killed gets a 502 (reset), one past the ALB's request timeout (60 s / 20) a 504.
    const errors = Object.keys(report.probe.errors);
    assert.ok(errors.includes("timeout"), JSON.stringify(report.probe.errors));
    assert.deepEqual(
      errors.filter((e) => !["timeout", "http 502", "http 504"].includes(e)),
      [],
    );
    const detected = report.figures.detectedAfterMs;
    // Two failed checks 500 ms apart, each given 500 ms.
    assert.ok(
      detected !== undefined && detected >= 500 && detected < 3_000,
      `detected after ${detected} ms`,
    );
    // Replaced within 5 s: the load balancer does not hold the replacement back while requests
    // to the hung instance wait out their timeout (it took 6.4-7 s when it did).
    const mttr = report.figures.mttrMs;
    assert.ok(mttr !== undefined && mttr <= 5_000, `MTTR ${mttr} ms`);
  });

  it("gcp unhealthy: taken out and replaced while / kept serving: no request fails", async () => {
    const report = await drill("unhealthy", "gcp");
    assert.deepEqual(failed(report), []);
    assert.equal(report.figures.failedRequests, 0);
    assert.ok(
      report.figures.detectedAfterMs !== undefined && report.figures.detectedAfterMs < 2_000,
    );
  });

  it("gcp slow: 300 ms added to one app: slower answers, nothing fails, the instance is kept", async () => {
    const report = await drill("slow", "gcp");
    assert.deepEqual(failed(report), []);
    assert.equal(report.figures.capacity?.minPct, 100);
    assert.ok((report.figures.p99LatencyMs ?? 0) >= 100);
  });

  it("azure zone-loss: the other zones keep serving and the group refills outside the lost zone", async () => {
    const report = await drill("zone-loss", "azure");
    const refill = report.checks.find((c) => c.name === "group refilled in the remaining zones");
    assert.equal(refill?.pass, true, refill?.actual);
    assert.ok(report.figures.mttrMs !== undefined && report.figures.mttrMs <= 5_000);
    // One zone of three: a third of the capacity lost until the refill.
    assert.equal(report.figures.capacity?.minPct, 67);
  });

  describe("broken policies the drills catch", () => {
    it("kill with a boot deadline shorter than a boot: the replacement never serves", async () => {
      const report = await drill("kill", "gcp", {}, { settleMs: 5_000 }, 150);
      assert.ok(failed(report).includes("time to replace (MTTR)"), JSON.stringify(failed(report)));
    });

    it("hang with a health-check timeout longer than the drill: never detected", async () => {
      const report = await drill(
        "hang",
        "gcp",
        { timing: { healthTimeoutMs: 20_000 } },
        { settleMs: 4_000 },
      );
      assert.ok(failed(report).includes("fault detected"), JSON.stringify(failed(report)));
    });

    it("unhealthy with a threshold of 1000 failures: never taken out", async () => {
      const report = await drill(
        "unhealthy",
        "gcp",
        { timing: { unhealthyThreshold: 1_000 } },
        { settleMs: 4_000 },
      );
      assert.ok(failed(report).includes("fault detected"), JSON.stringify(failed(report)));
    });

    it("slow with a health-check timeout below the added latency: a live instance is replaced", async () => {
      const report = await drill(
        "slow",
        "gcp",
        { timing: { healthTimeoutMs: 100 } },
        { slowMs: 400 },
      );
      assert.ok(
        failed(report).includes("slow instance kept (not mistaken for a dead one)"),
        JSON.stringify(failed(report)),
      );
    });

    it("zone-loss with every instance in one zone: nothing is left to serve", async () => {
      const report = await drill("zone-loss", "gcp", { zones: 1 }, { settleMs: 6_000 });
      assert.ok(failed(report).includes("failed requests"), JSON.stringify(failed(report)));
      assert.ok(failed(report).includes("group refilled in the remaining zones"));
    });
  });
});
