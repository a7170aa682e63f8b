/**
 * The one rolling-update policy the component accepts, and its translation into each cloud's
 * numbers. Every function here is pure and table-tested (tests/unit/rolling.test.ts); the cloud
 * modules and the local rehearsal consume only what these functions return.
 */

export interface RollingUpdatePolicy {
  /** Extra instances started during a rollout, as a percentage of the desired count. */
  readonly maxSurgePercent: number;
  /** Instances allowed to be out of service during a rollout, as a percentage. Zero keeps capacity. */
  readonly maxUnavailablePercent: number;
  /** Seconds a new instance must stay healthy before it counts as ready and the next batch starts. */
  readonly minReadySeconds: number;
}

export const defaultRollingUpdatePolicy: RollingUpdatePolicy = {
  maxSurgePercent: 100,
  maxUnavailablePercent: 0,
  minReadySeconds: 10,
};

/** Number of instances a rollout may add above `desired` (at least one, or nothing could roll). */
export function surgeCount(policy: RollingUpdatePolicy, desired: number): number {
  return Math.max(1, Math.ceil((desired * policy.maxSurgePercent) / 100));
}

/** Number of instances a rollout may take out of service below `desired`. */
export function unavailableCount(policy: RollingUpdatePolicy, desired: number): number {
  return Math.floor((desired * policy.maxUnavailablePercent) / 100);
}

export interface EcsDeploymentNumbers {
  readonly deploymentMinimumHealthyPercent: number;
  readonly deploymentMaximumPercent: number;
}

/** ECS expresses the policy directly as percentages of the desired count. */
export function toEcsDeployment(policy: RollingUpdatePolicy): EcsDeploymentNumbers {
  return {
    deploymentMinimumHealthyPercent: 100 - policy.maxUnavailablePercent,
    deploymentMaximumPercent: 100 + policy.maxSurgePercent,
  };
}

export interface MigUpdateNumbers {
  readonly maxSurgeFixed: number;
  readonly maxUnavailableFixed: number;
  readonly minReadySec: number;
}

/**
 * A regional MIG rejects fixed surge/unavailable values that are neither 0 nor at least the number
 * of zones it spans, so both are rounded up to the zone count when non-zero.
 * https://cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups#max_surge
 */
export function toMigUpdatePolicy(
  policy: RollingUpdatePolicy,
  desired: number,
  zoneCount: number,
): MigUpdateNumbers {
  const unavailable = unavailableCount(policy, desired);
  return {
    maxSurgeFixed: Math.max(zoneCount, surgeCount(policy, desired)),
    maxUnavailableFixed: unavailable === 0 ? 0 : Math.max(zoneCount, unavailable),
    minReadySec: policy.minReadySeconds,
  };
}

export interface VmssRollingNumbers {
  readonly maxBatchInstancePercent: number;
  readonly maxUnhealthyInstancePercent: number;
  readonly maxUnhealthyUpgradedInstancePercent: number;
  readonly pauseTimeBetweenBatches: string;
  readonly prioritizeUnhealthyInstances: boolean;
  readonly maxSurge: boolean;
}

/**
 * Azure rolling upgrades work in batches. With `maxSurge` the new instances of a batch are created
 * before the old ones are deleted, so capacity holds whenever the policy allows no unavailability.
 * A batch is capped at half the fleet so that a bad release is caught by the health gate
 * (`maxUnhealthyUpgradedInstancePercent`) before it reaches every instance. Azure accepts 5–100.
 */
export function toVmssRollingPolicy(
  policy: RollingUpdatePolicy,
  desired: number,
): VmssRollingNumbers {
  const oneInstancePercent = Math.ceil(100 / desired);
  const batch = Math.min(
    100,
    Math.max(5, Math.min(50, Math.max(oneInstancePercent, policy.maxSurgePercent))),
  );
  return {
    maxBatchInstancePercent: batch,
    // Azure requires maxBatchInstancePercent <= maxUnhealthyInstancePercent: one batch in flight
    // may be unhealthy while it boots, plus whatever unavailability the policy allows.
    maxUnhealthyInstancePercent: Math.min(100, batch + policy.maxUnavailablePercent),
    // Azure accepts 0-100. Zero means the first upgraded instance that fails its health check
    // aborts the rollout, so a bad release never gets past its first batch.
    maxUnhealthyUpgradedInstancePercent: 0,
    pauseTimeBetweenBatches: isoSeconds(policy.minReadySeconds),
    prioritizeUnhealthyInstances: true,
    maxSurge: policy.maxUnavailablePercent === 0,
  };
}

/** ISO 8601 duration in whole seconds, as Azure's API wants it (`PT10S`). */
export function isoSeconds(seconds: number): string {
  return `PT${Math.round(seconds)}S`;
}

/** The rollout the local rehearsal performs, in instance counts. */
export interface RehearsalRollout {
  readonly surge: number;
  readonly maxUnavailable: number;
  readonly minReadyMs: number;
}

export function toRehearsalRollout(policy: RollingUpdatePolicy, desired: number): RehearsalRollout {
  return {
    surge: surgeCount(policy, desired),
    maxUnavailable: unavailableCount(policy, desired),
    minReadyMs: policy.minReadySeconds * 1000,
  };
}
