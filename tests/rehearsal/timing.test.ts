import assert from "node:assert/strict";
import { toRehearsalRollout } from "../../components/rolling";
import { probeIntervalSeconds, probeThreshold } from "../../providers/azure/loadBalancer";
import { bootToHealthySeconds, lbHealthCheck } from "../../providers/gcp/compute";
import { parseSettings } from "../../stacks/settings";
import { loadStackConfig } from "../../tools/plan/stackConfig";
import {
  cloudBootToHealthySeconds,
  cloudHealthCheck,
  healthTimeoutMs,
  rehearsalTiming,
  timeScale,
} from "../../tools/rehearsal/timing";

describe("rehearsal timings: the clouds' numbers divided by the time scale", () => {
  it("repeats the GCP and Azure fast health checks and GCP's boot allowance exactly", () => {
    // timing.ts repeats these to avoid loading the cloud SDKs; this keeps the copies honest.
    assert.equal(cloudHealthCheck.intervalSeconds, lbHealthCheck.checkIntervalSec);
    assert.equal(cloudHealthCheck.intervalSeconds, probeIntervalSeconds);
    assert.equal(cloudHealthCheck.healthyThreshold, lbHealthCheck.healthyThreshold);
    assert.equal(cloudHealthCheck.unhealthyThreshold, lbHealthCheck.unhealthyThreshold);
    assert.equal(cloudHealthCheck.unhealthyThreshold, probeThreshold);
    assert.equal(cloudBootToHealthySeconds, bootToHealthySeconds);
  });

  it("turns the test stack into 250 ms checks, 500 ms ready, a 1.5 s drain and 9 s to boot", () => {
    const c = loadStackConfig("test");
    const settings = parseSettings(c.config, c.project, c.stack);
    const rollout = toRehearsalRollout(settings.rollingUpdate, 3);
    assert.equal(timeScale, 20);
    assert.deepEqual(rehearsalTiming(settings.drainingTimeoutSeconds, rollout), {
      healthIntervalMs: 250,
      healthTimeoutMs,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      minReadyMs: 500,
      drainSeconds: 1.5,
      bootDeadlineMs: 9000,
    });
    // The counts are the cloud's, unscaled: the test stack surges by the whole group.
    assert.deepEqual(rollout, { surge: 3, maxUnavailable: 0, minReadyMs: 10_000 });
  });
});
