import assert from "node:assert/strict";
import {
  defaultRollingUpdatePolicy,
  isoSeconds,
  RollingUpdatePolicy,
  surgeCount,
  toEcsDeployment,
  toMigUpdatePolicy,
  toRehearsalRollout,
  toVmssRollingPolicy,
  unavailableCount,
} from "../../components/rolling";

const policy = (p: Partial<RollingUpdatePolicy>): RollingUpdatePolicy => ({
  ...defaultRollingUpdatePolicy,
  ...p,
});

describe("rolling policy translation", () => {
  it("defaults keep full capacity: surge 100 %, nothing unavailable, 10 s ready", () => {
    assert.deepEqual(defaultRollingUpdatePolicy, {
      maxSurgePercent: 100,
      maxUnavailablePercent: 0,
      minReadySeconds: 10,
    });
  });

  describe("counts", () => {
    const rows: Array<[Partial<RollingUpdatePolicy>, number, number, number]> = [
      // policy, desired, surge, unavailable
      [{}, 2, 2, 0],
      [{}, 3, 3, 0],
      [{ maxSurgePercent: 25 }, 3, 1, 0],
      [{ maxSurgePercent: 0, maxUnavailablePercent: 50 }, 3, 1, 1],
      [{ maxSurgePercent: 34 }, 6, 3, 0],
      [{ maxUnavailablePercent: 100 }, 4, 4, 4],
    ];
    for (const [p, desired, surge, unavailable] of rows) {
      it(`${JSON.stringify(p)} × ${desired}: surge ${surge}, unavailable ${unavailable}`, () => {
        assert.equal(surgeCount(policy(p), desired), surge);
        assert.equal(unavailableCount(policy(p), desired), unavailable);
      });
    }
  });

  describe("ECS", () => {
    const rows: Array<[Partial<RollingUpdatePolicy>, number, number]> = [
      [{}, 100, 200],
      [{ maxSurgePercent: 50 }, 100, 150],
      [{ maxSurgePercent: 0, maxUnavailablePercent: 50 }, 50, 100],
    ];
    for (const [p, minHealthy, max] of rows) {
      it(`${JSON.stringify(p)} → min healthy ${minHealthy} %, max ${max} %`, () => {
        assert.deepEqual(toEcsDeployment(policy(p)), {
          deploymentMinimumHealthyPercent: minHealthy,
          deploymentMaximumPercent: max,
        });
      });
    }
  });

  describe("regional MIG (fixed values must be 0 or at least the zone count)", () => {
    const rows: Array<[Partial<RollingUpdatePolicy>, number, number, number, number]> = [
      // policy, desired, zones, maxSurgeFixed, maxUnavailableFixed
      [{}, 2, 2, 2, 0],
      [{}, 3, 3, 3, 0],
      [{ maxSurgePercent: 10 }, 3, 3, 3, 0],
      [{}, 6, 3, 6, 0],
      [{ maxUnavailablePercent: 25 }, 4, 3, 4, 3],
    ];
    for (const [p, desired, zones, surge, unavailable] of rows) {
      it(`${JSON.stringify(p)} × ${desired} over ${zones} zones → surge ${surge}, unavailable ${unavailable}`, () => {
        assert.deepEqual(toMigUpdatePolicy(policy(p), desired, zones), {
          maxSurgeFixed: surge,
          maxUnavailableFixed: unavailable,
          minReadySec: policy(p).minReadySeconds,
        });
      });
    }
  });

  describe("Azure VMSS", () => {
    const rows: Array<[Partial<RollingUpdatePolicy>, number, number, number, boolean]> = [
      // policy, desired, batch %, max unhealthy %, surge
      [{}, 2, 50, 50, true],
      [{}, 3, 50, 50, true],
      [{ maxSurgePercent: 20 }, 10, 20, 20, true],
      [{ maxSurgePercent: 1 }, 100, 5, 5, true],
      [{ maxSurgePercent: 0, maxUnavailablePercent: 30 }, 3, 34, 64, false],
    ];
    for (const [p, desired, batch, unhealthy, surge] of rows) {
      it(`${JSON.stringify(p)} × ${desired} → batch ${batch} %, unhealthy ${unhealthy} %`, () => {
        const numbers = toVmssRollingPolicy(policy(p), desired);
        assert.deepEqual(numbers, {
          maxBatchInstancePercent: batch,
          maxUnhealthyInstancePercent: unhealthy,
          maxUnhealthyUpgradedInstancePercent: 0,
          pauseTimeBetweenBatches: isoSeconds(policy(p).minReadySeconds),
          prioritizeUnhealthyInstances: true,
          maxSurge: surge,
        });
        // Azure rejects a batch larger than the unhealthy allowance.
        assert.ok(numbers.maxBatchInstancePercent <= numbers.maxUnhealthyInstancePercent);
      });
    }
  });

  it("ISO durations are whole seconds", () => {
    assert.equal(isoSeconds(10), "PT10S");
    assert.equal(isoSeconds(0), "PT0S");
    assert.equal(isoSeconds(90.4), "PT90S");
  });

  it("the rehearsal gets counts and milliseconds", () => {
    assert.deepEqual(toRehearsalRollout(defaultRollingUpdatePolicy, 3), {
      surge: 3,
      maxUnavailable: 0,
      minReadyMs: 10_000,
    });
  });
});
