import assert from "node:assert/strict";
import { drill, failed } from "./faultDrill";

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
});
