import assert from "node:assert/strict";
import { parseSettings } from "../../stacks/settings";
import { loadStackConfig } from "../../stacks/stackFile";
import { cloudMode } from "../../tools/rehearsal/cloudModes";
import { vmssBatchSize } from "../../providers/azure/rolloutTime";
import {
  cloudRollout,
  healthTimeoutMs,
  isoDurationSeconds,
  rehearsalTiming,
  timeScale,
  toRehearsalRollout,
} from "../../tools/rehearsal/timing";

describe("rehearsal timings: the cloud mode's numbers divided by the time scale", () => {
  const c = loadStackConfig("test");
  const settings = parseSettings(c.config, c.project, c.stack);
  const rollout = toRehearsalRollout(settings.rollingUpdate, 3);

  it("gcp: 250 ms checks, 500 ms ready, a 1.5 s drain and 9 s to boot", () => {
    assert.equal(timeScale, 20);
    assert.deepEqual(rehearsalTiming(settings.drainingTimeoutSeconds, rollout, cloudMode("gcp")), {
      healthIntervalMs: 250,
      // GCP's 3 s / 20 is 150 ms: raised to the floor.
      healthTimeoutMs,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      minReadyMs: 500,
      // The backend service drains first (cloudModes.ts lbDrainsBeforeStop), then the image.
      lbDrainMs: 1500,
      drainSeconds: 1.5,
      bootDeadlineMs: 9000,
    });
    // The counts are the cloud's, unscaled: the test stack surges by the whole group.
    assert.deepEqual(rollout, { surge: 3, maxUnavailable: 0, minReadyMs: 10_000 });
  });

  it("aws: the ALB's 10 s interval becomes 500 ms", () => {
    const timing = rehearsalTiming(settings.drainingTimeoutSeconds, rollout, cloudMode("aws"));
    assert.equal(timing.healthIntervalMs, 500);
    assert.equal(timing.healthTimeoutMs, 500);
  });

  it("aws and azure: one drain, no load-balancer drain before the stop", () => {
    for (const mode of [cloudMode("aws"), cloudMode("azure")]) {
      assert.equal(rehearsalTiming(settings.drainingTimeoutSeconds, rollout, mode).lbDrainMs, 0);
    }
  });
});

describe("rehearsal rollouts: each cloud mode's batches", () => {
  const c = loadStackConfig("test");
  const { rollingUpdate } = parseSettings(c.config, c.project, c.stack);

  it("aws and gcp: the policy's surge at once, no batches", () => {
    for (const mode of [cloudMode("aws"), cloudMode("gcp")]) {
      assert.deepEqual(cloudRollout(mode, rollingUpdate, 3), toRehearsalRollout(rollingUpdate, 3));
    }
  });

  // The Azure model's batch size (providers/azure/rolloutTime.ts) and the rehearsal's, both from
  // toVmssRollingPolicy: 50 % caps a batch, so 2 → 1, 3 → 2, 10 → 5; 20 → 10.
  for (const [desired, size] of [
    [1, 1],
    [2, 1],
    [3, 2],
    [10, 5],
    [20, 10],
  ] as const) {
    it(`azure at ${desired}: batches of ${size}, a ${rollingUpdate.minReadySeconds} s pause scaled, no ready time`, () => {
      const azure = cloudRollout(cloudMode("azure"), rollingUpdate, desired);
      assert.deepEqual(azure, {
        surge: size,
        maxUnavailable: 0,
        minReadyMs: 0,
        batch: { size, pauseMs: (rollingUpdate.minReadySeconds * 1000) / timeScale },
      });
      const args = { rollingUpdate } as Parameters<typeof vmssBatchSize>[0];
      assert.equal(vmssBatchSize(args, desired), size);
    });
  }

  it("reads Azure's pause as written (PT10S) and refuses anything else", () => {
    assert.equal(isoDurationSeconds("PT10S"), 10);
    assert.throws(() => isoDurationSeconds("10"), /expected a duration like PT10S; got "10"/);
  });
});
