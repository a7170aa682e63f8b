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
 * A regional MIG accepts fixed surge and unavailable values of 0 or at least the number of zones
 * it spans, nothing in between, and percentages only from 10 instances up; so the policy becomes
 * fixed counts, exactly: ceil for surge, floor for unavailability, as elsewhere, with no floor of
 * one (0 % stays 0). A count that would have to be rounded up to the zone count is refused rather
 * than changed, and so is one that takes out every instance. `migUpdateProblems` says why, naming
 * the stack key; `toMigUpdatePolicy` throws on what it refuses.
 * https://cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups#max_surge
 * https://cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups#max_unavailable
 * https://cloud.google.com/compute/docs/reference/rest/v1/regionInstanceGroupManagers (updatePolicy.maxSurge)
 */
export function migUpdateProblems(
  policy: RollingUpdatePolicy,
  desired: number,
  zoneCount: number,
): string[] {
  const problems: string[] = [];
  const { surge, unavailable } = migCounts(policy, desired);
  const fleet = `${desired} instances over ${zoneCount} zones`;
  if (surge > 0 && surge < zoneCount) {
    // The smallest percentage whose ceil reaches the zone count; above 100 when there are more
    // zones than instances, where only a surge of 0 is possible.
    const least = Math.floor(((zoneCount - 1) * 100) / desired) + 1;
    const accepted = least <= 100 ? `0 or at least ${least}` : "0";
    const fewer = least > 100 ? ` (or set zoneCount to at most ${desired})` : "";
    problems.push(
      `rollingMaxSurgePercent (rollingUpdate.maxSurgePercent): expected ${accepted} on gcp with ${fleet}${fewer}: a regional MIG surges by 0 or at least one instance per zone (${zoneCount}), and ${policy.maxSurgePercent} % is ${surge}; got ${policy.maxSurgePercent}`,
    );
  }
  if (unavailable > 0 && (unavailable < zoneCount || unavailable >= desired)) {
    const least = Math.ceil((zoneCount * 100) / desired);
    const accepted = zoneCount < desired && least < 100 ? `0 or ${least}-99` : "0";
    const why =
      unavailable >= desired
        ? `${unavailable} is every instance`
        : `a regional MIG takes out 0 or at least one instance per zone (${zoneCount}), so ${unavailable} would become ${zoneCount}${zoneCount >= desired ? ", every instance" : ""}`;
    problems.push(
      `rollingMaxUnavailablePercent (rollingUpdate.maxUnavailablePercent): expected ${accepted} on gcp with ${fleet}: ${why}; got ${policy.maxUnavailablePercent}`,
    );
  }
  return problems;
}

/** The MIG's fixed numbers for a policy `migUpdateProblems` accepts. */
export function toMigUpdatePolicy(
  policy: RollingUpdatePolicy,
  desired: number,
  zoneCount: number,
): MigUpdateNumbers {
  const problems = migUpdateProblems(policy, desired, zoneCount);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  const { surge, unavailable } = migCounts(policy, desired);
  return {
    maxSurgeFixed: surge,
    maxUnavailableFixed: unavailable,
    minReadySec: policy.minReadySeconds,
  };
}

function migCounts(policy: RollingUpdatePolicy, desired: number) {
  return {
    surge: Math.ceil((desired * policy.maxSurgePercent) / 100),
    unavailable: unavailableCount(policy, desired),
  };
}

export interface VmssRollingNumbers {
  readonly maxBatchInstancePercent: number;
  readonly maxUnhealthyInstancePercent: number;
  readonly maxUnhealthyUpgradedInstancePercent: number;
  readonly pauseTimeBetweenBatches: string;
  readonly prioritizeUnhealthyInstances: boolean;
  readonly maxSurge: boolean;
  readonly rollbackFailedInstancesOnPolicyBreach: boolean;
}

/**
 * Azure rolling upgrades work in batches. With `maxSurge` the new instances of a batch are created
 * from the new model before the old ones are deleted, so capacity holds. Surge is always on: without
 * it Azure upgrades instances in place, and a model change to customData (where the version lives)
 * reaches an existing VM only when it is reimaged, so the old container would keep running; the
 * Azure module therefore refuses `maxUnavailablePercent > 0` (providers/azure/index.ts).
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-upgrade-policy#upgrades-that-require-a-restart-reimage-or-redeploy
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-maxsurge
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
    maxSurge: true,
    // When the health gate aborts an upgrade, Azure puts the failed instances back on the previous
    // model instead of leaving them broken until the next deploy.
    // https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-configure-rolling-upgrades
    rollbackFailedInstancesOnPolicyBreach: true,
  };
}

/** ISO 8601 duration in whole seconds, as Azure's API wants it (`PT10S`). */
export function isoSeconds(seconds: number): string {
  return `PT${Math.round(seconds)}S`;
}
