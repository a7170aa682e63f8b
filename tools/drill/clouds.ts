/**
 * Each cloud's instance group, seen through its own CLI: list the instances with their health in
 * the load balancer, read the group's live desired size, remove one the way an instance is lost,
 * and wait for a rollout the cloud carries on after `pulumi up` returns. The drill never calls a
 * CLI directly; it gets an `Exec`, so tests/drill/clouds.test.ts can assert every argv and feed
 * the CLIs' real JSON shapes.
 *
 * Healthy means taking traffic, so each cloud's signal is its load balancer's own verdict:
 * - ECS: the ALB's target health (`aws elbv2 describe-target-health`), matched to the task by its
 *   private IP, on top of the task running.
 *   https://docs.aws.amazon.com/cli/latest/reference/elbv2/describe-target-health.html
 * - GCE: the backend service's health for the VM (`gcloud compute backend-services get-health`),
 *   on top of the MIG's own view (running, no action pending).
 *   https://cloud.google.com/sdk/gcloud/reference/compute/backend-services/get-health
 * - Azure: the Application Health extension's verdict in the instance view. The Standard Load
 *   Balancer's per-instance probe state is not exposed by the CLI (only as the DipAvailability
 *   metric), and the extension is what rolling upgrades and automatic repairs act on.
 *   https://learn.microsoft.com/en-us/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-health-extension
 *
 * The group's size is what the cloud wants now, not the stack file's `desiredInstances`:
 * autoscaling may have moved it (ECS `desiredCount`, MIG `targetSize`, VMSS `sku.capacity`).
 *
 * Removing an instance must leave the group's target size alone, or nothing would heal:
 * - ECS: `stop-task`. The service still wants `desiredCount` tasks and starts a replacement.
 * - GCE: the VM is deleted directly (`gcloud compute instances delete`), not through the group.
 *   The group's own `delete-instances` also lowers its target size ("reduces the targetSize of
 *   the managed instance group by the number of instances that you delete", Compute API
 *   reference for regionInstanceGroupManagers.deleteInstances), so the MIG would not recreate
 *   anything. A VM deleted behind the MIG's back is recreated, which is the failure to rehearse.
 * - Azure: a Uniform scale set has no such side door: `az vmss delete-instances` lowers the
 *   capacity too, and automatic instance repairs start only after a grace period of at least
 *   10 minutes. So the drill reads the live capacity, deletes the instance and sets that same
 *   capacity back at once: what it then measures is the replacement path (a new VM boots and
 *   passes its health probe), which is what a repair does after its grace period.
 */
import { InstanceGroupDescriptor } from "../../components/cloudHome";
import { allCloudHomes } from "../../providers/registry";
import { runText } from "../lib/exec";
import { TargetInstance } from "./target";

/** Runs a CLI and resolves with its stdout; rejects with its stderr when it fails. */
export type Exec = (file: string, args: readonly string[]) => Promise<string>;

/**
 * An instance as the cloud's CLI lists it: `id` is what the CLI calls it (task id, VM name,
 * scale-set instance id), `version` where the cloud says it (the ECS task's image tag), `detail`
 * the cloud's own words for its state, for the report.
 */
export type GroupInstance = TargetInstance & { readonly detail: string };

/** How a rollout that the cloud continues after `pulumi up` ended. */
export interface SettledRollout {
  readonly outcome: "completed" | "halted";
  readonly detail: string;
}

export interface CloudGroup {
  readonly description: string;
  /** Which signal `healthy` is, for the report. */
  readonly healthSignal: string;
  list(): Promise<GroupInstance[]>;
  /** The size the cloud wants the group to have now (autoscaling may have moved it). */
  desiredSize(): Promise<number>;
  /** Removes `instance` so the group has to replace it at its current desired size. */
  remove(instance: GroupInstance): Promise<string>;
  /**
   * Waits for a rollout the cloud carries on after `pulumi up` has returned (Azure's rolling
   * upgrade); absent where `pulumi up` itself waits for the rollout.
   */
  settleRollout?(options: {
    readonly pollMs: number;
    readonly timeoutMs: number;
  }): Promise<SettledRollout>;
}

/** The cloud CLIs, with 10 minutes each: a scale-set upgrade can take that long to answer. */
export const execCli: Exec = (file, args) => runText(file, args, { timeoutMs: 10 * 60_000 });

export function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${what}: expected JSON; got ${JSON.stringify(text.slice(0, 200))}`);
  }
}

export const lastSegment = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/** The instance group behind a stack's `instanceGroup` output, through its cloud's home. */
export function cloudGroup(group: InstanceGroupDescriptor, exec: Exec): CloudGroup {
  const home = allCloudHomes().find((h) => h.instanceGroupKind === group.kind);
  if (home === undefined) throw new Error(`instanceGroup: unknown kind ${JSON.stringify(group)}`);
  return home.drill(group, exec);
}

/** `descriptor`, checked to be of `kind`: a cloud's adapter is only ever handed its own. */
export function ofKind<K extends InstanceGroupDescriptor["kind"]>(
  descriptor: InstanceGroupDescriptor,
  kind: K,
): Extract<InstanceGroupDescriptor, { kind: K }> {
  if (descriptor.kind !== kind) {
    throw new Error(`instanceGroup: expected kind ${kind}; got ${JSON.stringify(descriptor.kind)}`);
  }
  return descriptor as Extract<InstanceGroupDescriptor, { kind: K }>;
}
