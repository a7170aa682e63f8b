/**
 * The clouds' timings, scaled down so that a rehearsal takes seconds instead of minutes. Counts
 * (surge, unavailable, health thresholds) are never scaled: the rehearsal must take the same
 * decisions as the cloud, only faster. tests/rehearsal/timing.test.ts checks these numbers
 * against the GCP and Azure modules so the two cannot drift apart.
 */
import { RehearsalRollout } from "../../components/rolling";

/** Every cloud duration is divided by this: 5 s health checks become 250 ms, a 30 s drain 1.5 s. */
export const timeScale = 20;

/**
 * The fast load-balancer checks the clouds use (GCP `lbHealthCheck`, Azure's probe): every 5 s,
 * 2 in a row to change state. Repeated here rather than imported because the provider modules
 * load their cloud SDKs, which would add seconds to every rehearsal start.
 */
export const cloudHealthCheck = {
  intervalSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
} as const;

/** GCP's autohealing initial delay (`bootToHealthySeconds`): how long a new instance may boot. */
export const cloudBootToHealthySeconds = 180;

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
  /** DRAIN_SECONDS of every instance: it keeps serving this long after SIGTERM. */
  readonly drainSeconds: number;
  /** A new instance not healthy this long after launch failed: a rollout halts and rolls back. */
  readonly bootDeadlineMs: number;
}

/**
 * Not scaled: a timeout measures the host's scheduling, not the instance. A loopback answer
 * takes about a millisecond; the scaled 150 ms (GCP's 3 s) would turn a busy two-core CI
 * machine into false failures and needless replacements.
 */
export const healthTimeoutMs = 500;

/**
 * The rehearsal's timings for a stack: its drain and rolling policy, and the clouds' health
 * checks and boot allowance, all divided by `timeScale`.
 */
export function rehearsalTiming(
  drainingTimeoutSeconds: number,
  rollout: RehearsalRollout,
): RehearsalTiming {
  return {
    healthIntervalMs: (cloudHealthCheck.intervalSeconds * 1000) / timeScale,
    healthTimeoutMs,
    healthyThreshold: cloudHealthCheck.healthyThreshold,
    unhealthyThreshold: cloudHealthCheck.unhealthyThreshold,
    minReadyMs: rollout.minReadyMs / timeScale,
    drainSeconds: drainingTimeoutSeconds / timeScale,
    bootDeadlineMs: (cloudBootToHealthySeconds * 1000) / timeScale,
  };
}
