/** The local rehearsal as a drill target. */
import { Rehearsal, RehearsalOptions, startRehearsal } from "../rehearsal/rehearsal";
import { cloudMode } from "../rehearsal/cloudModes";
import { DrillTarget, InjectedFault, TargetEvent, TargetInstance, TargetRollout } from "./target";

/**
 * Limits for a rehearsal: the issue's target MTTR (5 s) and a minute to settle, far above what a
 * rehearsal of up to 20 instances needs, so only a real hang reaches it.
 */
export const localLimits = { mttrMs: 5_000, settleMs: 60_000 } as const;

export function localTarget(
  rehearsal: Rehearsal,
  options: { ownsRehearsal: boolean },
): DrillTarget {
  const status = rehearsal.status();
  const { policy, timing } = status;
  const mode = cloudMode(status.cloud);
  const description =
    `local rehearsal of stack ${status.stack} in ${status.cloud} mode (${mode.loadBalancer}, ` +
    `layer ${mode.layer.value}, ${mode.retry.value.attempts === 1 ? "no retries" : `${mode.retry.value.attempts} attempts`}): ` +
    `${status.desired} instances of ${status.version} behind nginx; policy surge ${policy.surge}, max unavailable ${policy.maxUnavailable}, ` +
    `min ready ${policy.minReadyMs} ms; health every ${timing.healthIntervalMs} ms ` +
    `(${timing.healthyThreshold} up / ${timing.unhealthyThreshold} down), drain ` +
    `${timing.drainSeconds} s, boot deadline ${timing.bootDeadlineMs} ms ` +
    `(cloud timings / ${status.timeScale})`;

  const instances = (): TargetInstance[] =>
    rehearsal
      .status()
      .instances.filter((i) => i.state !== "draining" && i.state !== "exited")
      .map((i) => ({
        id: i.id,
        healthy: i.inLb && i.state === "healthy",
        version: i.version,
        zone: i.zone,
        detail: `${i.state}${i.inLb ? ", in the load balancer" : ""}`,
      }));

  const faulted = new Set<string>();
  return {
    description,
    cloudMode: {
      cloud: status.cloud,
      loadBalancer: mode.loadBalancer,
      attempts: mode.retry.value.attempts,
      layer: mode.layer.value,
      drainMs: timing.drainSeconds * 1000,
      notMimicked: mode.notMimicked,
    },
    injectFault: async (fault, { slowMs }): Promise<InjectedFault> => {
      const victim = instances().find((i) => i.healthy);
      if (victim === undefined) throw new Error("no healthy instance to give a fault");
      if (fault === "zone-loss") {
        const zone = victim.zone ?? "zone-a";
        const hit = rehearsal.loseZone(zone);
        return {
          victims: hit.map((h) => h.id),
          zone,
          detail: `${zone} lost: SIGKILL to ${hit.map((h) => h.id).join(", ")}; no launch there any more`,
        };
      }
      const result = rehearsal.fault(victim.id, fault, { addedMs: slowMs });
      faulted.add(victim.id);
      return { victims: [victim.id], detail: `${result.detail} (${result.zone})` };
    },
    endFaults: async () => {
      for (const id of faulted) rehearsal.endFault(id);
      faulted.clear();
    },
    pollMs: 20,
    limits: localLimits,
    url: async () => `${rehearsal.url}/`,
    expectedSize: async () => rehearsal.status().desired,
    instances: async () => instances(),
    removeOneInstance: async () => {
      const victim = instances().find((i) => i.healthy);
      if (victim === undefined) throw new Error("no healthy instance to remove");
      const killed = rehearsal.kill(victim.id, "SIGKILL");
      return {
        id: victim.id,
        detail: `SIGKILL to the process group of ${victim.id} (pid ${killed.pid}: supervisor, app and nginx; ${victim.zone})`,
      };
    },
    rollout: async (version, { faulty }): Promise<TargetRollout> => {
      const result = await rehearsal.rollout(version, { faulty });
      return {
        outcome: result.outcome,
        durationMs: result.durationMs,
        haltedAfterMs: result.haltedAfterMs,
        detail:
          result.reason === undefined
            ? `${result.launched} launched, ${result.admitted} admitted to the load balancer`
            : `halted: ${result.reason}; ${result.launched} launched, ${result.admitted} admitted`,
      };
    },
    currentVersion: async () => rehearsal.status().version,
    events: (): TargetEvent[] =>
      rehearsal.events().map((e) => ({
        atEpochMs: Date.parse(e.at),
        what: [e.kind, e.id, e.version, e.detail].filter((x) => x !== undefined).join(" "),
      })),
    close: async () => {
      if (options.ownsRehearsal) await rehearsal.stop();
    },
  };
}

/** Starts a rehearsal and wraps it; `close()` stops it. */
export async function openLocalTarget(options: RehearsalOptions): Promise<DrillTarget> {
  const rehearsal = await startRehearsal(options);
  return localTarget(rehearsal, { ownsRehearsal: true });
}
