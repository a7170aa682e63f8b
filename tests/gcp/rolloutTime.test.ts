/**
 * The expected rollout time of each GCP stack, and the deploy timeouts sized from it. The MIG's
 * wait (`waitForInstances`) runs under the provider's CREATE timeout on create, update and delete
 * alike, 15 minutes by default (terraform-provider-google
 * google/services/compute/resource_compute_region_instance_group_manager.go), so a rollout longer
 * than that fails the deploy even when it would have succeeded.
 */
import assert from "node:assert/strict";
import { resolveServiceArgs } from "../../components/args";
import { toServiceArgs, parseSettings } from "../../stacks/settings";
import { loadStackConfig } from "../../stacks/stackFile";
import {
  gcpRolloutTime,
  migCustomTimeouts,
  providerDefaultTimeoutMinutes,
} from "../../providers/gcp/rolloutTime";
import { one } from "../helpers/plan";
import { label, planWithOptions, stacks, T } from "./helpers";

/** The stack file's resolved args on GCP, as the program builds them. */
function argsOf(stack: "test" | "prod") {
  const config = loadStackConfig(stack, { cloud: "gcp" });
  return resolveServiceArgs(
    toServiceArgs(parseSettings(config.config, config.project, config.stack)),
  );
}

const minutes = (timeout: string) => {
  const match = /^(\d+)m$/.exec(timeout);
  assert.ok(match, `expected whole minutes, got ${JSON.stringify(timeout)}`);
  return Number(match[1]);
};

describe("gcp rollout time", () => {
  // Written out: 30 s template switch, then per batch 180 s boot, 2 × 5 s checks, 10 s ready,
  // 30 s drain and 35 s docker stop (265 s). Surge is fixed at desiredInstances' 100 %.
  const rows: [
    stack: "test" | "prod",
    instances: number | undefined,
    batches: number,
    total: number,
  ][] = [
    ["test", undefined, 1, 295],
    ["test", 4, 2, 560],
    ["prod", undefined, 1, 295],
    ["prod", 12, 4, 1090],
  ];
  for (const [stack, instances, batches, total] of rows) {
    it(`${stack} at ${instances ?? "desiredInstances"}: ${batches} batch(es), ${total} s`, () => {
      const time = gcpRolloutTime(argsOf(stack), instances);
      assert.equal(time.totalSeconds, total);
      assert.equal(
        time.phases.reduce((sum, phase) => sum + phase.seconds, 0),
        total,
      );
      assert.equal(
        time.phases.filter((p) => p.label.endsWith("the autohealing delay")).length,
        batches,
      );
      assert.equal(time.instances, instances ?? argsOf(stack).desiredInstances);
    });
  }

  it("a smaller surge means more batches", () => {
    const args = {
      ...argsOf("prod"),
      rollingUpdate: { maxSurgePercent: 67, maxUnavailablePercent: 0, minReadySeconds: 10 },
    };
    // 67 % of 3 is 3 (the zone count): the same as 100 %; 12 instances still take 4 batches.
    assert.equal(gcpRolloutTime(args, 12).totalSeconds, 1090);
    const six = {
      ...args,
      desiredInstances: 6,
      rollingUpdate: { ...args.rollingUpdate, maxSurgePercent: 50 },
    };
    assert.equal(gcpRolloutTime(six, 12).phases.filter((p) => p.label.endsWith("delay")).length, 4);
  });

  for (const stack of stacks) {
    it(`${stack}: the MIG's create, update and delete timeouts cover the rollout at maxInstances`, async () => {
      const args = argsOf(stack);
      const atMax = gcpRolloutTime(args, args.maxInstances).totalSeconds;
      const p = await planWithOptions(stack);
      const timeouts = p.options.get(label(one(p, T.group)))?.customTimeouts;
      assert.ok(timeouts);
      assert.deepEqual(timeouts, migCustomTimeouts(args));
      for (const timeout of [timeouts.create, timeouts.update, timeouts.delete]) {
        assert.ok(minutes(timeout) * 60 >= atMax, `${timeout} is shorter than ${atMax} s`);
      }
    });
  }

  it("prod needs longer than the provider's default: 28 minutes for 1090 s", () => {
    const args = argsOf("prod");
    // Without customTimeouts (the code before this fix) the wait would give up after 15 minutes.
    assert.ok(
      providerDefaultTimeoutMinutes * 60 < gcpRolloutTime(args, args.maxInstances).totalSeconds,
    );
    assert.deepEqual(migCustomTimeouts(args), { create: "28m", update: "28m", delete: "28m" });
  });
});
