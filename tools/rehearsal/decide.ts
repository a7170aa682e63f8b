/**
 * What the rehearsal's supervisor decides, as pure functions of what it sees: the part of a
 * managed instance group that matters for availability. The executor (rehearsal.ts) observes
 * processes, calls these, and carries out the answer; tests/rehearsal/decide.test.ts holds the
 * tables.
 *
 * The model is the one Kubernetes Deployments, GCE MIGs and ECS services share: a target version
 * and size, a surge (instances allowed above the size) and an unavailability budget (instances
 * allowed below it in the load balancer). Steady-state healing is the same code as a rollout: a
 * dead instance is one the target no longer has, so a replacement is launched.
 */

/** Health as the supervisor's checks see it. */
export type HealthState = "booting" | "healthy" | "unhealthy";

export interface HealthRecord {
  readonly state: HealthState;
  /** Passed checks in a row. */
  readonly passes: number;
  /** Failed checks in a row. */
  readonly failures: number;
  /** When the instance became healthy; set while `state` is healthy. */
  readonly healthySinceMs?: number;
}

export interface HealthThresholds {
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export const initialHealth: HealthRecord = { state: "booting", passes: 0, failures: 0 };

/**
 * One health-check result applied to an instance's record. A booting instance is never declared
 * unhealthy by its checks (the clouds' initial delay: it may still be starting); only its boot
 * deadline can fail it. A healthy one turns unhealthy after `unhealthyThreshold` failures in a
 * row, and unhealthy is final: the instance is replaced, as autohealing does.
 */
export function observeHealth(
  record: HealthRecord,
  ok: boolean,
  nowMs: number,
  thresholds: HealthThresholds,
): HealthRecord {
  const passes = ok ? record.passes + 1 : 0;
  const failures = ok ? 0 : record.failures + 1;
  switch (record.state) {
    case "booting":
      return passes >= thresholds.healthyThreshold
        ? { state: "healthy", passes, failures, healthySinceMs: nowMs }
        : { state: "booting", passes, failures };
    case "healthy":
      return failures >= thresholds.unhealthyThreshold
        ? { state: "unhealthy", passes, failures }
        : { ...record, passes, failures };
    case "unhealthy":
      return { state: "unhealthy", passes, failures };
  }
}

/** An instance as the decision sees it. */
export type MemberState = HealthState | "draining" | "exited";

export interface MemberView {
  readonly id: string;
  readonly version: string;
  readonly state: MemberState;
  readonly launchedAtMs: number;
  /** Set while healthy. */
  readonly healthySinceMs?: number;
  /** Whether the load balancer's current configuration sends it traffic. */
  readonly inLb: boolean;
}

/** What the group should look like: the stack's size and version, the rolling policy's counts. */
export interface GroupSpec {
  readonly desired: number;
  readonly version: string;
  /** Instances allowed above `desired` while replacing (at least 1, or nothing could roll). */
  readonly surge: number;
  /** Instances allowed below `desired` in the load balancer while replacing. */
  readonly maxUnavailable: number;
  readonly minReadyMs: number;
  readonly bootDeadlineMs: number;
  /**
   * Roll in batches, as an Azure scale set does: at most `size` new instances at a time, the next
   * batch only once the previous one's old instances have stopped and `pauseMs` has passed.
   * Unset: launch as far as the surge allows (ECS, MIG).
   */
  readonly batch?: RolloutBatch;
}

export interface RolloutBatch {
  readonly size: number;
  readonly pauseMs: number;
}

export type RetireReason =
  /** Failed its checks after having been healthy. */
  | "unhealthy"
  /** Never became healthy within the boot deadline. */
  | "boot-timeout"
  /** Runs another version than the target and is being replaced. */
  | "outdated"
  /** More instances of the target version are serving than `desired`. */
  | "surplus";

export interface Retirement {
  readonly id: string;
  readonly reason: RetireReason;
}

/**
 * One round of decisions. The executor first applies the load-balancer change (admit, and take
 * out every retired or forgotten instance) in one reload, waits for it, and only then stops the
 * retired instances (SIGTERM, so they drain) and launches the new ones.
 */
export interface Decision {
  /** New instances of `spec.version` to launch. */
  readonly launch: number;
  /** Instances to add to the load balancer. */
  readonly admit: readonly string[];
  /** Instances to take out of the load balancer (when in it) and then stop. */
  readonly retire: readonly Retirement[];
  /** Instances whose process is gone: out of the load balancer, and out of the group. */
  readonly forget: readonly string[];
}

/** Whether an instance has been healthy for `minReadyMs` and may take traffic. */
export function isReady(member: MemberView, minReadyMs: number, nowMs: number): boolean {
  return (
    member.state === "healthy" &&
    member.healthySinceMs !== undefined &&
    nowMs - member.healthySinceMs >= minReadyMs
  );
}

const byLaunch = (a: MemberView, b: MemberView) =>
  a.launchedAtMs - b.launchedAtMs || a.id.localeCompare(b.id);

/**
 * The supervisor's decision for this moment.
 *
 * - Exited instances are forgotten; unhealthy ones, and booting ones past the deadline, retired.
 * - Instances of another version that do not serve are retired at once: they add nothing.
 * - Ready instances of the target version are admitted to the load balancer.
 * - Serving instances of another version are retired, oldest first, as far as the
 *   unavailability budget allows: at least `desired - maxUnavailable` keep serving, counting the
 *   instances admitted in the same round (the reload swaps both atomically).
 * - Serving instances beyond `desired`, all of the target version, are retired (newest first).
 * - New instances are launched until the target version has `desired`, within the surge:
 *   never more than `desired + surge` instances alive (draining ones excepted, as on the clouds).
 * - With `spec.batch`, while instances of another version are still live: no launch while a batch
 *   is booting, while an old instance drains or within `pauseMs` of the last stop
 *   (`lastStoppedAtMs`); then at most `batch.size`.
 */
export function decide(
  members: readonly MemberView[],
  spec: GroupSpec,
  nowMs: number,
  lastStoppedAtMs?: number,
): Decision {
  const forget = members.filter((m) => m.state === "exited").map((m) => m.id);
  const live = members.filter((m) => m.state !== "exited" && m.state !== "draining");
  const retire: Retirement[] = [];
  const retiring = new Set<string>();
  const retireOne = (member: MemberView, reason: RetireReason) => {
    retire.push({ id: member.id, reason });
    retiring.add(member.id);
  };

  for (const member of live) {
    if (member.state === "unhealthy") retireOne(member, "unhealthy");
    else if (member.state === "booting" && nowMs - member.launchedAtMs > spec.bootDeadlineMs) {
      retireOne(member, "boot-timeout");
    } else if (member.version !== spec.version && !member.inLb) retireOne(member, "outdated");
  }

  const remaining = live.filter((m) => !retiring.has(m.id));
  const admit = remaining
    .filter((m) => m.version === spec.version && !m.inLb && isReady(m, spec.minReadyMs, nowMs))
    .sort(byLaunch);
  const admitted = new Set(admit.map((m) => m.id));
  const serving = remaining.filter((m) => m.inLb || admitted.has(m.id));

  const minServing = Math.max(0, spec.desired - spec.maxUnavailable);
  const outdated = serving.filter((m) => m.version !== spec.version).sort(byLaunch);
  const budget = Math.max(0, serving.length - minServing);
  for (const member of outdated.slice(0, budget)) retireOne(member, "outdated");

  const stillServing = serving.filter((m) => !retiring.has(m.id));
  const surplus = stillServing.length - spec.desired;
  if (surplus > 0 && stillServing.every((m) => m.version === spec.version)) {
    for (const member of [...stillServing].sort(byLaunch).reverse().slice(0, surplus)) {
      retireOne(member, "surplus");
      admitted.delete(member.id);
    }
  }

  const alive = remaining.filter((m) => !retiring.has(m.id));
  const current = alive.filter((m) => m.version === spec.version).length;
  const launch = Math.max(
    0,
    Math.min(spec.desired - current, spec.desired + spec.surge - alive.length),
  );

  return {
    launch:
      spec.batch === undefined
        ? launch
        : batchLaunch(members, spec, spec.batch, launch, nowMs, lastStoppedAtMs),
    admit: admit.filter((m) => admitted.has(m.id)).map((m) => m.id),
    retire,
    forget,
  };
}

/** `decide`'s launch count under a batch rule (see there). */
function batchLaunch(
  members: readonly MemberView[],
  spec: GroupSpec,
  batch: RolloutBatch,
  launch: number,
  nowMs: number,
  lastStoppedAtMs: number | undefined,
): number {
  const live = members.filter((m) => m.state !== "exited" && m.state !== "draining");
  // Steady-state healing (every live instance current) is not a rolling upgrade: no batches.
  if (live.every((m) => m.version === spec.version)) return launch;
  const batchInFlight = live.some((m) => m.version === spec.version && !m.inLb);
  const draining = members.some((m) => m.state === "draining" && m.version !== spec.version);
  const pausing = lastStoppedAtMs !== undefined && nowMs - lastStoppedAtMs < batch.pauseMs;
  return batchInFlight || draining || pausing ? 0 : Math.min(launch, batch.size);
}

/** The load balancer's servers after a decision: what the executor renders and reloads. */
export function serversAfter(members: readonly MemberView[], decision: Decision): string[] {
  const out = new Set([...decision.retire.map((r) => r.id), ...decision.forget]);
  const servers = members.filter((m) => m.inLb && !out.has(m.id)).map((m) => m.id);
  return [...servers, ...decision.admit.filter((id) => !out.has(id))];
}

/** A rollout in progress, as the executor tracks it. */
export interface RolloutProgress {
  readonly from: string;
  readonly to: string;
  readonly startedAtMs: number;
  /** Start, or the last time an instance of `to` was admitted. */
  readonly lastProgressAtMs: number;
}

export type RolloutVerdict =
  | { readonly kind: "progressing" }
  | { readonly kind: "complete" }
  | { readonly kind: "stalled"; readonly reason: string };

/**
 * Where a rollout to `version` stands.
 *
 * Complete: exactly `desired` instances serve, every live instance runs `version` and none is
 * still booting (draining ones may finish in the background: they no longer take traffic).
 * Stalled (the health gate): an instance of `version` is still not healthy at its boot deadline,
 * or no instance of `version` was admitted for a boot deadline plus `minReady` (a crash loop
 * relaunches instances, so the first rule alone would never fire).
 */
export function rolloutVerdict(
  members: readonly MemberView[],
  spec: GroupSpec,
  progress: RolloutProgress,
  nowMs: number,
): RolloutVerdict {
  const live = members.filter((m) => m.state !== "exited" && m.state !== "draining");
  const serving = live.filter((m) => m.inLb && m.state === "healthy");
  if (
    serving.length === spec.desired &&
    live.every((m) => m.version === spec.version && m.inLb && m.state === "healthy")
  ) {
    return { kind: "complete" };
  }
  const late = live.find(
    (m) =>
      m.version === progress.to &&
      m.state === "booting" &&
      nowMs - m.launchedAtMs > spec.bootDeadlineMs,
  );
  if (late !== undefined) {
    return {
      kind: "stalled",
      reason: `${late.id} (${progress.to}) was not healthy ${spec.bootDeadlineMs} ms after launch`,
    };
  }
  const stalledFor = nowMs - progress.lastProgressAtMs;
  if (stalledFor > spec.bootDeadlineMs + spec.minReadyMs) {
    return {
      kind: "stalled",
      reason: `no instance of ${progress.to} became ready in ${Math.round(stalledFor)} ms`,
    };
  }
  return { kind: "progressing" };
}

/** The zone with the fewest live instances, the first in `zones` on a tie: zone balance. */
export function pickZone(zones: readonly string[], liveZones: readonly string[]): string {
  const count = (zone: string) => liveZones.filter((z) => z === zone).length;
  const best = zones.reduce<string | undefined>(
    (chosen, zone) => (chosen === undefined || count(zone) < count(chosen) ? zone : chosen),
    undefined,
  );
  if (best === undefined) throw new Error("pickZone: expected at least one zone");
  return best;
}

/** `zone-a`, `zone-b`, ... as many as the stack spreads over. */
export function zoneNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `zone-${String.fromCharCode(97 + i)}`);
}
