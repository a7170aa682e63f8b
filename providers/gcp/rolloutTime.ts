import { ResolvedServiceArgs } from "../../components/args";
import { toMigUpdatePolicy } from "../../components/rolling";
import { RolloutPhase, rolloutTime, RolloutTime } from "../../components/rolloutTime";
import { bootToHealthySeconds, lbHealthCheck } from "./compute";
import { stopTimeoutSeconds } from "./startup";

/**
 * Seconds for the API side of a rollout: the new instance template is created and the MIG patched
 * to it before any instance changes. An estimate; template inserts and MIG patches are
 * long-running operations that usually finish within seconds.
 */
export const templateSwitchSeconds = 30;

/**
 * The expected duration of one rollout of the regional MIG, from the resolved args, at
 * `instances` (default `desiredInstances`). The MIG replaces instances in batches of
 * `maxSurgeFixed + maxUnavailableFixed` (SUBSTITUTE: new instances are created first). Each batch:
 * - the new instances boot, start the container and pass the autohealing delay
 *   (`bootToHealthySeconds`, the conservative estimate in compute.ts);
 * - the load balancer sees them healthy (`healthyThreshold` checks `checkIntervalSec` apart);
 * - they stay healthy for `minReadySec` before the MIG counts them as updated;
 * - the old ones are drained by the load balancer (`connectionDrainingTimeoutSec`), then deleted:
 *   the shutdown script's `docker stop` takes up to the drain plus its grace.
 * The two drains add up: the updater's removal starts connection draining and the deletion waits
 * at least the whole timeout (https://cloud.google.com/load-balancing/docs/enabling-connection-draining);
 * only the deletion runs the shutdown script (https://cloud.google.com/compute/docs/shutdownscript),
 * whose SIGTERM starts the image's own drain of DRAIN_SECONDS (the same setting, compute.ts). The
 * rehearsal's GCP mode does the same (tools/rehearsal/cloudModes.ts `lbDrainsBeforeStop`), and
 * tests/rehearsal/rolloutTime.test.ts holds the two within 30 %.
 * The surge and unavailability are fixed counts computed at `desiredInstances`, so a fleet that
 * autoscaling has grown takes more batches: that is what deploy timeouts are sized for.
 * https://cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups
 */
export function gcpRolloutTime(args: ResolvedServiceArgs, instances?: number): RolloutTime {
  const count = instances ?? args.desiredInstances;
  const numbers = toMigUpdatePolicy(args.rollingUpdate, args.desiredInstances, args.zones.length);
  const perBatch = numbers.maxSurgeFixed + numbers.maxUnavailableFixed;
  const batches = Math.ceil(count / perBatch);
  const drain = args.drainingTimeoutSeconds;
  const phases: RolloutPhase[] = [
    { label: "new instance template, MIG patched to it", seconds: templateSwitchSeconds },
  ];
  for (let batch = 1; batch <= batches; batch++) {
    const size = Math.min(perBatch, count - (batch - 1) * perBatch);
    const of = `batch ${batch} of ${batches} (${size} instance${size === 1 ? "" : "s"})`;
    phases.push(
      {
        label: `${of}: boot, pull and start, up to the autohealing delay`,
        seconds: bootToHealthySeconds,
      },
      {
        label: `${of}: ${lbHealthCheck.healthyThreshold} load-balancer checks ${lbHealthCheck.checkIntervalSec} s apart`,
        seconds: lbHealthCheck.healthyThreshold * lbHealthCheck.checkIntervalSec,
      },
      { label: `${of}: healthy for minReadySec`, seconds: numbers.minReadySec },
      { label: `${of}: old instances drained by the load balancer`, seconds: drain },
      {
        label: `${of}: old instances stop (docker stop) and are deleted`,
        seconds: stopTimeoutSeconds(drain),
      },
    );
  }
  return rolloutTime(count, phases);
}

/**
 * Deploy timeouts for the MIG, from the rollout at `maxInstances` with half again as margin,
 * in whole minutes, and never below the provider's 15-minute default. The provider's wait for
 * `waitForInstances` uses the CREATE timeout on create, update and delete alike
 * (terraform-provider-google google/services/compute/resource_compute_region_instance_group_manager.go,
 * computeRIGMWaitForInstanceStatus: `Timeout: d.Timeout(schema.TimeoutCreate)`), so all three get
 * the same value.
 */
export function migCustomTimeouts(args: ResolvedServiceArgs): {
  create: string;
  update: string;
  delete: string;
} {
  const seconds = gcpRolloutTime(args, args.maxInstances).totalSeconds;
  const minutes = Math.max(providerDefaultTimeoutMinutes, Math.ceil((seconds * 1.5) / 60));
  const timeout = `${minutes}m`;
  return { create: timeout, update: timeout, delete: timeout };
}

/** The provider's default for each of the MIG's timeouts (same source file, `Timeouts`). */
export const providerDefaultTimeoutMinutes = 15;
