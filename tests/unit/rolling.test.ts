import assert from "node:assert/strict";
import { toRehearsalRollout } from "../../tools/rehearsal/timing";
import {
  defaultRollingUpdatePolicy,
  isoSeconds,
  migUpdateProblems,
  RollingUpdatePolicy,
  surgeCount,
  toEcsDeployment,
  toMigUpdatePolicy,
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
      [{}, 6, 3, 6, 0],
      [{ maxSurgePercent: 34 }, 6, 3, 3, 0],
      // Surge 0 stays 0 (it used to become the zone count).
      [{ maxSurgePercent: 0, maxUnavailablePercent: 50 }, 6, 3, 0, 3],
      [{ maxUnavailablePercent: 34 }, 6, 2, 6, 2],
    ];
    for (const [p, desired, zones, surge, unavailable] of rows) {
      it(`${JSON.stringify(p)} × ${desired} over ${zones} zones → surge ${surge}, unavailable ${unavailable}`, () => {
        assert.deepEqual(migUpdateProblems(policy(p), desired, zones), []);
        assert.deepEqual(toMigUpdatePolicy(policy(p), desired, zones), {
          maxSurgeFixed: surge,
          maxUnavailableFixed: unavailable,
          minReadySec: policy(p).minReadySeconds,
        });
      });
    }

    // What used to be rounded up: each now refused, naming the stack key the user set.
    const refused: Array<[string, Partial<RollingUpdatePolicy>, number, number, RegExp]> = [
      [
        "prod, 34 % unavailable: 1 would become all 3",
        { maxUnavailablePercent: 34 },
        3,
        3,
        /^rollingMaxUnavailablePercent \(rollingUpdate\.maxUnavailablePercent\): expected 0 on gcp with 3 instances over 3 zones: .*1 would become 3, every instance; got 34$/,
      ],
      [
        "test, 50 % unavailable: 1 would become both",
        { maxUnavailablePercent: 50 },
        2,
        2,
        /^rollingMaxUnavailablePercent .*: expected 0 on gcp with 2 instances over 2 zones: .*1 would become 2, every instance; got 50$/,
      ],
      [
        "100 % unavailable is the whole fleet",
        { maxUnavailablePercent: 100 },
        6,
        3,
        /^rollingMaxUnavailablePercent .*: expected 0 or 50-99 on gcp with 6 instances over 3 zones: 6 is every instance; got 100$/,
      ],
      [
        "10 % surge of 3 would become 3",
        { maxSurgePercent: 10 },
        3,
        3,
        /^rollingMaxSurgePercent \(rollingUpdate\.maxSurgePercent\): expected 0 or at least 67 on gcp with 3 instances over 3 zones: .* and 10 % is 1; got 10$/,
      ],
    ];
    for (const [what, p, desired, zones, message] of refused) {
      it(`refuses ${what}`, () => {
        const problems = migUpdateProblems(policy(p), desired, zones);
        assert.equal(problems.length, 1);
        assert.match(problems[0], message);
        assert.throws(() => toMigUpdatePolicy(policy(p), desired, zones), { message: problems[0] });
      });
    }

    it("the smallest accepted percentages really reach the zone count, and one less does not", () => {
      // 67 % of 3 → 3 of 3 zones; 66 % → 2. 50 % of 6 unavailable → 3; 49 % → 2.
      assert.deepEqual(migUpdateProblems(policy({ maxSurgePercent: 67 }), 3, 3), []);
      assert.equal(migUpdateProblems(policy({ maxSurgePercent: 66 }), 3, 3).length, 1);
      assert.deepEqual(migUpdateProblems(policy({ maxUnavailablePercent: 50 }), 6, 3), []);
      assert.equal(migUpdateProblems(policy({ maxUnavailablePercent: 49 }), 6, 3).length, 1);
    });
  });

  describe("one policy on every cloud (ECS and MIG; the VMSS rows are below)", () => {
    // policy, desired, zones → ECS percentages, MIG fixed counts or the key it is refused on.
    const rows: Array<
      [Partial<RollingUpdatePolicy>, number, number, [number, number], [number, number] | string]
    > = [
      [{}, 2, 2, [100, 200], [2, 0]],
      [{}, 3, 3, [100, 200], [3, 0]],
      [
        { maxSurgePercent: 0, maxUnavailablePercent: 34 },
        3,
        3,
        [66, 100],
        "rollingMaxUnavailablePercent",
      ],
      [{ maxUnavailablePercent: 50 }, 2, 2, [50, 200], "rollingMaxUnavailablePercent"],
      [{ maxSurgePercent: 25 }, 4, 2, [100, 125], "rollingMaxSurgePercent"],
      [{ maxSurgePercent: 50, maxUnavailablePercent: 50 }, 6, 3, [50, 150], [3, 3]],
    ];
    for (const [p, desired, zones, ecs, mig] of rows) {
      it(`${JSON.stringify(p)} × ${desired} over ${zones} zones`, () => {
        assert.deepEqual(toEcsDeployment(policy(p)), {
          deploymentMinimumHealthyPercent: ecs[0],
          deploymentMaximumPercent: ecs[1],
        });
        if (typeof mig === "string") {
          const problems = migUpdateProblems(policy(p), desired, zones);
          assert.equal(problems.length, 1);
          assert.ok(problems[0].startsWith(`${mig} (`), problems[0]);
        } else {
          const numbers = toMigUpdatePolicy(policy(p), desired, zones);
          assert.deepEqual([numbers.maxSurgeFixed, numbers.maxUnavailableFixed], mig);
        }
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
      // Surge stays on even here: in place, Azure would not apply the new customData (the
      // Azure module refuses this policy; providers/azure/index.ts).
      [{ maxSurgePercent: 0, maxUnavailablePercent: 30 }, 3, 34, 64, true],
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
          rollbackFailedInstancesOnPolicyBreach: true,
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
