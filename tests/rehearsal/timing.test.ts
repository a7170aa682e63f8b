import assert from "node:assert/strict";
import { toRehearsalRollout } from "../../components/rolling";
import { parseSettings } from "../../stacks/settings";
import { loadStackConfig } from "../../tools/plan/stackConfig";
import { cloudModes } from "../../tools/rehearsal/cloudModes";
import { healthTimeoutMs, rehearsalTiming, timeScale } from "../../tools/rehearsal/timing";

describe("rehearsal timings: the cloud mode's numbers divided by the time scale", () => {
  const c = loadStackConfig("test");
  const settings = parseSettings(c.config, c.project, c.stack);
  const rollout = toRehearsalRollout(settings.rollingUpdate, 3);

  it("gcp: 250 ms checks, 500 ms ready, a 1.5 s drain and 9 s to boot", () => {
    assert.equal(timeScale, 20);
    assert.deepEqual(rehearsalTiming(settings.drainingTimeoutSeconds, rollout, cloudModes.gcp), {
      healthIntervalMs: 250,
      // GCP's 3 s / 20 is 150 ms: raised to the floor.
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

  it("aws: the ALB's 10 s interval becomes 500 ms", () => {
    const timing = rehearsalTiming(settings.drainingTimeoutSeconds, rollout, cloudModes.aws);
    assert.equal(timing.healthIntervalMs, 500);
    assert.equal(timing.healthTimeoutMs, 500);
  });
});
