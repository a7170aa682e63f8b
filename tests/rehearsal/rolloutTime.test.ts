import assert from "node:assert/strict";
import { Cloud, clouds } from "../../components/cloud";
import { RolloutPhase, rolloutTime, RolloutTime } from "../../components/rolloutTime";
import { resolvedArgsFor, rolloutTimeModel } from "../../tools/plan/rolloutTime";
import { RehearsalEvent, startRehearsal } from "../../tools/rehearsal/rehearsal";
import { timeScale } from "../../tools/rehearsal/timing";

/**
 * Each cloud's rollout-time model against the rehearsal in that cloud's mode, at the rehearsal's
 * time scale: within 30 %. The model's boot estimate (VMs and Fargate tasks boot in minutes, the
 * rehearsal's processes in about a second) is replaced by the boot the rehearsal measured; every
 * other phase is the model's own, divided by the time scale. The rehearsal's rollout is timed
 * like the cloud's: from the start until the last old instance has stopped. About 20 s.
 */
const batchOf = (phase: RolloutPhase) => /batch (\d+)/.exec(phase.label)?.[1] ?? "1";

function scaledModel(model: RolloutTime, bootPhase: RegExp, bootMs: number): number {
  const boot = model.phases.filter((p) => bootPhase.test(p.label));
  const batches = new Set(boot.map(batchOf)).size;
  const rest = model.phases.filter((p) => !bootPhase.test(p.label));
  const restMs = (rest.reduce((sum, p) => sum + p.seconds, 0) * 1000) / timeScale;
  return restMs + batches * bootMs;
}

/** The model without the phases `notRehearsed` names for `cloud` (none elsewhere). */
function withoutUnrehearsed(cloud: Cloud, model: RolloutTime): RolloutTime {
  const skip = notRehearsed[cloud];
  return skip === undefined
    ? model
    : rolloutTime(
        model.instances,
        model.phases.filter((p) => !skip.test(p.label)),
      );
}

/**
 * The batches the rehearsal rolled in: its launches of `version` grouped by how many old
 * instances had stopped before each (a batch waits for the previous one's old instances).
 */
function waves(
  events: readonly RehearsalEvent[],
  old: ReadonlySet<string | undefined>,
  version: string,
): number {
  let stops = 0;
  const groups = new Set<number>();
  for (const e of events) {
    if (e.kind === "stopped" && old.has(e.id)) stops += 1;
    if (e.kind === "launched" && e.version === version) groups.add(stops);
  }
  return groups.size;
}

/** Median ms from launch to the first passed check of `version`'s instances. */
function measuredBootMs(
  events: readonly RehearsalEvent[],
  version: string,
  healthyThreshold: number,
  intervalMs: number,
): number {
  const launched = new Map<string, number>();
  const boots: number[] = [];
  for (const e of events) {
    if (e.version !== version || e.id === undefined) continue;
    if (e.kind === "launched") launched.set(e.id, e.atMs);
    const start = launched.get(e.id);
    if (e.kind === "healthy" && start !== undefined) {
      // The model counts `healthyThreshold` checks after the boot; take them off.
      boots.push(Math.max(0, e.atMs - start - healthyThreshold * intervalMs));
    }
  }
  boots.sort((a, b) => a - b);
  return boots[Math.floor(boots.length / 2)] ?? 0;
}

/**
 * Phases a model counts that the rehearsal has no counterpart for, each with why: they are left
 * out of the comparison (and only they).
 */
const notRehearsed: Partial<Record<Cloud, RegExp>> = {
  // An API call (template insert, MIG patch); the rehearsal has no API. cloudModes.ts says so in
  // the GCP mode's notMimicked.
  gcp: /^new instance template, MIG patched to it$/,
};

describe("rollout-time models against the rehearsal, at its time scale", function () {
  this.timeout(60_000);

  it("uses the boot phases' own labels: each model has one boot phase per batch", () => {
    for (const cloud of clouds) {
      const args = resolvedArgsFor({ stack: "test", cloud });
      const model = rolloutTimeModel(cloud);
      const estimate = model.estimate(args, 3);
      assert.ok(
        estimate.phases.some((p) => model.bootPhase.test(p.label)),
        `${cloud}: no phase matches ${model.bootPhase}`,
      );
      // A renamed phase must not slip out of (or into) the comparison unnoticed.
      const skip = notRehearsed[cloud];
      if (skip !== undefined) {
        assert.equal(
          estimate.phases.filter((p) => skip.test(p.label)).length,
          1,
          `${cloud}: ${skip}`,
        );
      }
    }
  });

  for (const cloud of clouds) {
    it(`${cloud}: the model, its boot replaced by the measured one, is within 30 % of the rehearsal`, async () => {
      const args = resolvedArgsFor({ stack: "test", cloud });
      // The stack's own size (2), so both count the same batches: the MIG's fixed surge is
      // computed at desiredInstances.
      const rehearsal = await startRehearsal({ stack: "test", cloud });
      try {
        const from = rehearsal.status().version;
        const result = await rehearsal.rollout("1.0.1");
        const old = new Set(
          rehearsal
            .events()
            .filter((e) => e.kind === "launched" && e.version === from)
            .map((e) => e.id),
        );
        // Until the last old instance has stopped: what the clouds count as the rollout.
        const deadline = Date.now() + 20_000;
        let stoppedAt: number | undefined;
        while (stoppedAt === undefined && Date.now() < deadline) {
          const stops = rehearsal.events().filter((e) => e.kind === "stopped" && old.has(e.id));
          if (stops.length === old.size) stoppedAt = Math.max(...stops.map((e) => e.atMs));
          else await new Promise((ok) => setTimeout(ok, 50));
        }
        assert.ok(stoppedAt !== undefined, "the old instances never stopped");
        const measuredMs = stoppedAt - result.startedAtMs;
        const { timing } = rehearsal.status();
        const bootMs = measuredBootMs(
          rehearsal.events(),
          "1.0.1",
          timing.healthyThreshold,
          timing.healthIntervalMs,
        );
        const model = rolloutTimeModel(cloud);
        const estimate = withoutUnrehearsed(cloud, model.estimate(args));
        const expectedMs = scaledModel(estimate, model.bootPhase, bootMs);
        const ratio = measuredMs / expectedMs;
        // Both roll in the same batches: Azure's scale set one VM at a time for this stack, the
        // others all at once.
        assert.equal(
          waves(rehearsal.events(), old, "1.0.1"),
          new Set(estimate.phases.filter((p) => model.bootPhase.test(p.label)).map(batchOf)).size,
          `${cloud}: the rehearsal's batches differ from the model's`,
        );
        assert.ok(
          ratio >= 0.7 && ratio <= 1.3,
          `${cloud}: rehearsal ${measuredMs} ms, model ${Math.round(expectedMs)} ms (boot ${bootMs} ms), ratio ${ratio.toFixed(2)}; phases: ${JSON.stringify(estimate.phases)}`,
        );
      } finally {
        await rehearsal.stop();
      }
    });
  }
});
