/**
 * The clouds' timings, scaled down so that a rehearsal takes seconds instead of minutes. Counts
 * (surge, unavailable, health thresholds) are never scaled: the rehearsal must take the same
 * decisions as the cloud, only faster. tests/rehearsal/timing.test.ts checks these numbers
 * against the GCP and Azure modules so the two cannot drift apart.
 */
import {
  RollingUpdatePolicy,
  surgeCount,
  toVmssRollingPolicy,
  unavailableCount,
} from "../../components/rolling";
import { keepaliveAbove } from "../../components/keepalive";
import { CloudMode } from "./cloudModes";
import { RolloutBatch } from "./decide";
import { LbBehaviour } from "./lbConfig";

/** Every cloud duration is divided by this: 5 s health checks become 250 ms, a 30 s drain 1.5 s. */
export const timeScale = 20;

/** GCP's autohealing initial delay (`bootToHealthySeconds`): how long a new instance may boot. */
export const cloudBootToHealthySeconds = 180;

/** The rollout the local rehearsal performs, in instance counts. */
export interface RehearsalRollout {
  readonly surge: number;
  readonly maxUnavailable: number;
  readonly minReadyMs: number;
}

/** The stack's rolling policy in the rehearsal's terms: the clouds' counts, in milliseconds. */
export function toRehearsalRollout(policy: RollingUpdatePolicy, desired: number): RehearsalRollout {
  return {
    surge: surgeCount(policy, desired),
    maxUnavailable: unavailableCount(policy, desired),
    minReadyMs: policy.minReadySeconds * 1000,
  };
}

export interface RehearsalTiming {
  /** Time between two health checks of one instance. */
  readonly healthIntervalMs: number;
  /** A check that takes longer fails. */
  readonly healthTimeoutMs: number;
  /** Checks in a row that make a booting instance healthy. */
  readonly healthyThreshold: number;
  /** Failed checks in a row that make a healthy instance unhealthy (it is then replaced). */
  readonly unhealthyThreshold: number;
  /** How long a new instance must stay healthy before it takes traffic (`minReadySeconds`). */
  readonly minReadyMs: number;
  /**
   * How long the load balancer drains a replaced instance before it is told to stop (the
   * mode's `lbDrainsBeforeStop`: the stack's drain, scaled), or 0.
   */
  readonly lbDrainMs: number;
  /** DRAIN_SECONDS of every instance: it keeps serving this long after SIGTERM. */
  readonly drainSeconds: number;
  /** A new instance not healthy this long after launch failed: a rollout halts and rolls back. */
  readonly bootDeadlineMs: number;
}

/**
 * The floor of a scaled health-check timeout: a timeout measures the host's scheduling as much as
 * the instance. A loopback answer takes about a millisecond; the scaled 150 ms (GCP's 3 s) would
 * turn a busy two-core CI machine into false failures and needless replacements.
 */
export const healthTimeoutMs = 500;

/**
 * The rehearsal's timings for a stack: its drain and rolling policy, and the cloud mode's health
 * check and the boot allowance, all divided by `timeScale`.
 */
export function rehearsalTiming(
  drainingTimeoutSeconds: number,
  rollout: RehearsalRollout,
  mode: CloudMode,
): RehearsalTiming {
  const check = mode.healthCheck.value;
  return {
    healthIntervalMs: (check.intervalSeconds * 1000) / timeScale,
    healthTimeoutMs: Math.max(healthTimeoutMs, (check.timeoutSeconds * 1000) / timeScale),
    healthyThreshold: check.healthyThreshold,
    unhealthyThreshold: check.unhealthyThreshold,
    minReadyMs: rollout.minReadyMs / timeScale,
    lbDrainMs: mode.lbDrainsBeforeStop.value ? (drainingTimeoutSeconds * 1000) / timeScale : 0,
    drainSeconds: drainingTimeoutSeconds / timeScale,
    bootDeadlineMs: (cloudBootToHealthySeconds * 1000) / timeScale,
  };
}

/** The rehearsal's rollout in a cloud mode: counts, unscaled ready time, and (scaled) batches. */
export interface CloudRollout extends RehearsalRollout {
  readonly batch?: RolloutBatch;
}

/**
 * The rollout a cloud mode performs for a policy at `desired` instances. Surge modes take the
 * policy's counts. Batch mode (Azure) takes the scale set's own numbers from
 * `toVmssRollingPolicy`, what the program configures: a batch of `maxBatchInstancePercent` of the
 * group (rounded up, at least one, as providers/azure/rolloutTime.ts vmssBatchSize assumes), the
 * pause `pauseTimeBetweenBatches`, and no ready time before the new instances take traffic.
 */
export function cloudRollout(
  mode: CloudMode,
  policy: RollingUpdatePolicy,
  desired: number,
): CloudRollout {
  const counts = toRehearsalRollout(policy, desired);
  if (mode.rolling.value === "surge") return counts;
  const vmss = toVmssRollingPolicy(policy, desired);
  const size = Math.max(
    1,
    Math.min(desired, Math.ceil((desired * vmss.maxBatchInstancePercent) / 100)),
  );
  return {
    surge: size,
    maxUnavailable: counts.maxUnavailable,
    minReadyMs: 0,
    batch: { size, pauseMs: (isoDurationSeconds(vmss.pauseTimeBetweenBatches) * 1000) / timeScale },
  };
}

/** Seconds of an ISO 8601 duration as `isoSeconds` (components/rolling.ts) writes it: `PT10S`. */
export function isoDurationSeconds(iso: string): number {
  const match = /^PT(\d+)S$/.exec(iso);
  if (match === null) throw new Error(`expected a duration like PT10S; got ${JSON.stringify(iso)}`);
  return Number(match[1]);
}

/** The load balancer's behaviour in a cloud mode, its idle timeout scaled like every duration. */
export function lbBehaviour(mode: CloudMode): LbBehaviour {
  return {
    layer: mode.layer.value,
    attempts: mode.retry.value.attempts,
    retryGatewayErrors: mode.retry.value.on.includes("gateway-error"),
    idleTimeoutMs: Math.round((mode.backendIdleTimeoutSeconds.value * 1000) / timeScale),
    requestTimeoutMs: Math.round((mode.requestTimeoutSeconds.value * 1000) / timeScale),
  };
}

/**
 * The instance's keepalive as each cloud ships it (components/keepalive.ts: the load balancer's
 * idle timeout plus a margin), scaled and rounded up so it stays above the scaled idle timeout.
 */
export function shippedKeepaliveSeconds(mode: CloudMode): number {
  return Math.ceil(keepaliveAbove(mode.backendIdleTimeoutSeconds.value) / timeScale);
}
