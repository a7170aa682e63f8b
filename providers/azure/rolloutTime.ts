import { ResolvedServiceArgs } from "../../components/args";
import { toVmssRollingPolicy } from "../../components/rolling";
import { RolloutPhase, rolloutTime, RolloutTime } from "../../components/rolloutTime";
import { healthExtension } from "./compute";

/**
 * Seconds from Azure creating a surge VM to its container serving, as compute.ts describes a boot:
 * allocation and boot of the host image, which already has Docker (hostImage.ts; cloud-init
 * installs nothing, so the ~90 s apt step of earlier versions is gone), then the image pull and
 * start. Azure publishes no figure; these are estimates, the only inputs here that are not settings.
 */
export const vmBootPhases = [
  { what: "allocate and boot the VM", seconds: 60 },
  { what: "web-start pulls and starts the image", seconds: 45 },
] as const;

/** web-drain polls Scheduled Events every 5 s (scripts/web-drain.sh). */
export const scheduledEventPollSeconds = 5;

/**
 * Instances in one batch: `maxBatchInstancePercent` of the fleet, at least one. Azure does not
 * document its rounding; rounding up is the slower assumption.
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-configure-rolling-upgrades
 */
export function vmssBatchSize(args: ResolvedServiceArgs, instances: number): number {
  const { maxBatchInstancePercent } = toVmssRollingPolicy(args.rollingUpdate, instances);
  return Math.max(1, Math.min(instances, Math.ceil((instances * maxBatchInstancePercent) / 100)));
}

/**
 * The expected duration of one rolling upgrade of `instances` VMs (default: the stack's desired
 * count). In Rolling mode a model change starts the upgrade by itself; with maxSurge each batch
 * creates new VMs from the new model, waits until the Application Health extension leaves
 * *Initializing* (rolling upgrades wait on it) with `numberOfProbes` Healthy answers
 * `intervalInSeconds` apart, then deletes the old batch, which drains on its terminate
 * notification, and pauses `pauseTimeBetweenBatches` before the next batch.
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-upgrade-policy#rolling-upgrade-policy-mode
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-health-extension#unknown-state
 *
 * The `pulumi up` that changes the model is not counted as waiting for this: Azure tracks the
 * upgrade as its own operation (`az vmss rolling-upgrade get-latest`, the Rolling Upgrades REST
 * API), and nothing in the scale set PUT that azure-native sends reports on it, so a version check
 * after the deploy must wait; `azureRolloutDeadlineSeconds` is the longest it can take before
 * Azure gives up on a batch. (Microsoft's pages do not state when the PUT returns; the pipeline
 * should assume the slower case.)
 * https://learn.microsoft.com/rest/api/compute/virtual-machine-scale-set-rolling-upgrades/get-latest
 */
export function azureRolloutTime(args: ResolvedServiceArgs, instances?: number): RolloutTime {
  const count = instances ?? args.desiredInstances;
  const batch = vmssBatchSize(args, count);
  const batches = Math.ceil(count / batch);
  const phases: RolloutPhase[] = [];
  for (let i = 1; i <= batches; i++) {
    const size = Math.min(batch, count - (i - 1) * batch);
    const vms = `${size} VM${size === 1 ? "" : "s"}`;
    const of = `batch ${i} of ${batches}`;
    for (const step of vmBootPhases) {
      phases.push({ label: `${of}: ${vms}: ${step.what} (an estimate)`, seconds: step.seconds });
    }
    phases.push(
      {
        label: `${of}: the Application Health extension reads ${healthExtension.numberOfProbes} Healthy answers ${healthExtension.intervalInSeconds} s apart`,
        seconds: healthExtension.numberOfProbes * healthExtension.intervalInSeconds,
      },
      {
        label: `${of}: ${size} old ${size === 1 ? "VM gets" : "VMs get"} the terminate notice (polled every ${scheduledEventPollSeconds} s) and ${size === 1 ? "drains" : "drain"} ${args.drainingTimeoutSeconds} s`,
        seconds: scheduledEventPollSeconds + args.drainingTimeoutSeconds,
      },
    );
    if (i < batches) {
      phases.push({
        label: `${of}: pause between batches (rollingMinReadySeconds)`,
        seconds: args.rollingUpdate.minReadySeconds,
      });
    }
  }
  return rolloutTime(count, phases);
}

/**
 * The longest a rolling upgrade can run before Azure settles it: every batch's new VMs may stay
 * *Initializing* for the whole `gracePeriod` before they read Unknown (and the upgrade stops), so
 * this replaces the boot estimate with the grace period. What a pipeline's version check should
 * wait for at most.
 */
export function azureRolloutDeadlineSeconds(args: ResolvedServiceArgs, instances?: number): number {
  const estimate = azureRolloutTime(args, instances);
  const bootEstimate = vmBootPhases.reduce((sum, step) => sum + step.seconds, 0);
  const batches = Math.ceil(estimate.instances / vmssBatchSize(args, estimate.instances));
  return estimate.totalSeconds + batches * (healthExtension.gracePeriod - bootEstimate);
}
