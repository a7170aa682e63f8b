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
import { execFile } from "node:child_process";
import { InstanceGroupDescriptor } from "../../providers/types";

/** Runs a CLI and resolves with its stdout; rejects with its stderr when it fails. */
export type Exec = (file: string, args: readonly string[]) => Promise<string>;

export interface GroupInstance {
  /** What the cloud's CLI calls it: task id, VM name, scale-set instance id. */
  readonly id: string;
  readonly healthy: boolean;
  readonly zone?: string;
  /** Where the cloud says it (the ECS task's image tag); otherwise unknown. */
  readonly version?: string;
  /** The cloud's own words for its state, for the report. */
  readonly detail: string;
}

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

export const execCli: Exec = (file, args) =>
  new Promise((resolve, reject) =>
    execFile(
      file,
      [...args],
      { timeout: 10 * 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
        reject(
          new Error(
            missing
              ? `${file} not found on PATH: install the ${file} CLI and log in`
              : `${file} ${args.slice(0, 3).join(" ")} failed: ${stderr.trim() || error.message}`,
          ),
        );
      },
    ),
  );

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${what}: expected JSON; got ${JSON.stringify(text.slice(0, 200))}`);
  }
}

const lastSegment = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/** The instance group behind a stack's `instanceGroup` output. */
export function cloudGroup(group: InstanceGroupDescriptor, exec: Exec): CloudGroup {
  switch (group.kind) {
    case "ecs-service":
      return ecsGroup(group, exec);
    case "gce-regional-mig":
      return migGroup(group, exec);
    case "azure-vmss":
      return vmssGroup(group, exec);
    default: {
      const unknown: never = group;
      throw new Error(`instanceGroup: unknown kind ${JSON.stringify(unknown)}`);
    }
  }
}

interface EcsTask {
  readonly taskArn: string;
  readonly lastStatus?: string;
  readonly healthStatus?: string;
  readonly availabilityZone?: string;
  readonly containers?: readonly { readonly image?: string }[];
  readonly attachments?: readonly {
    readonly type?: string;
    readonly details?: readonly { readonly name?: string; readonly value?: string }[];
  }[];
}

interface EcsService {
  readonly desiredCount?: number;
  readonly loadBalancers?: readonly { readonly targetGroupArn?: string }[];
}

interface TargetHealthDescription {
  readonly Target?: { readonly Id?: string; readonly Port?: number };
  readonly TargetHealth?: { readonly State?: string; readonly Reason?: string };
}

/** The task's address in its awsvpc interface: what the ALB registers as the target's id. */
function taskIp(task: EcsTask): string | undefined {
  const eni = task.attachments?.find((a) => a.type === "ElasticNetworkInterface");
  return eni?.details?.find((d) => d.name === "privateIPv4Address")?.value;
}

function ecsGroup(
  group: Extract<InstanceGroupDescriptor, { kind: "ecs-service" }>,
  exec: Exec,
): CloudGroup {
  const where = ["--region", group.region, "--cluster", group.cluster];
  const arns = new Map<string, string>();
  const describeService = async (): Promise<EcsService> => {
    const described = parseJson<{ services?: EcsService[] }>(
      await exec("aws", [
        "ecs",
        "describe-services",
        ...where,
        "--services",
        group.service,
        "--output",
        "json",
      ]),
      "aws ecs describe-services",
    );
    const service = described.services?.[0];
    if (service === undefined)
      throw new Error(`aws ecs describe-services: no service ${group.service}`);
    return service;
  };
  const targetHealth = async (targetGroupArn: string): Promise<Map<string, string>> => {
    const answer = parseJson<{ TargetHealthDescriptions?: TargetHealthDescription[] }>(
      await exec("aws", [
        "elbv2",
        "describe-target-health",
        "--region",
        group.region,
        "--target-group-arn",
        targetGroupArn,
        "--output",
        "json",
      ]),
      "aws elbv2 describe-target-health",
    );
    return new Map(
      (answer.TargetHealthDescriptions ?? []).map((d) => [
        d.Target?.Id ?? "",
        d.TargetHealth?.State ?? "?",
      ]),
    );
  };
  return {
    description: `ECS service ${group.service} in cluster ${group.cluster} (${group.region})`,
    healthSignal: "the task is RUNNING and its IP is `healthy` in the ALB target group",
    async list() {
      const listed = parseJson<{ taskArns?: string[] }>(
        await exec("aws", [
          "ecs",
          "list-tasks",
          ...where,
          "--service-name",
          group.service,
          "--desired-status",
          "RUNNING",
          "--output",
          "json",
        ]),
        "aws ecs list-tasks",
      );
      const taskArns = listed.taskArns ?? [];
      if (taskArns.length === 0) return [];
      // describe-tasks takes at most 100 tasks; a service this project deploys has at most 100.
      const described = parseJson<{ tasks?: EcsTask[] }>(
        await exec("aws", [
          "ecs",
          "describe-tasks",
          ...where,
          "--tasks",
          ...taskArns.slice(0, 100),
          "--output",
          "json",
        ]),
        "aws ecs describe-tasks",
      );
      const targetGroupArn = (await describeService()).loadBalancers?.[0]?.targetGroupArn;
      if (targetGroupArn === undefined) {
        throw new Error(`aws ecs describe-services: ${group.service} has no target group`);
      }
      const inAlb = await targetHealth(targetGroupArn);
      return (described.tasks ?? []).map((task) => {
        const id = lastSegment(task.taskArn);
        arns.set(id, task.taskArn);
        const image = task.containers?.[0]?.image;
        const tag = image?.includes(":") ? image.slice(image.lastIndexOf(":") + 1) : undefined;
        const ip = taskIp(task);
        const alb = ip === undefined ? "not registered" : (inAlb.get(ip) ?? "not registered");
        return {
          id,
          healthy: task.lastStatus === "RUNNING" && alb === "healthy",
          zone: task.availabilityZone,
          version: tag,
          detail: `${task.lastStatus ?? "?"}/${task.healthStatus ?? "?"}/alb ${alb}`,
        };
      });
    },
    async desiredSize() {
      const desired = (await describeService()).desiredCount;
      if (typeof desired !== "number")
        throw new Error("aws ecs describe-services: no desiredCount");
      return desired;
    },
    async remove(instance) {
      const arn = arns.get(instance.id) ?? instance.id;
      await exec("aws", [
        "ecs",
        "stop-task",
        ...where,
        "--task",
        arn,
        "--reason",
        "drill: self-heal (npm run drill)",
        "--output",
        "json",
      ]);
      return `aws ecs stop-task ${instance.id}: the service starts a replacement`;
    },
  };
}

interface ManagedInstance {
  /** https://www.googleapis.com/compute/v1/projects/<p>/zones/<zone>/instances/<name> */
  readonly instance: string;
  readonly instanceStatus?: string;
  readonly currentAction?: string;
  readonly instanceHealth?: readonly { readonly detailedHealthState?: string }[];
}

interface BackendHealth {
  readonly status?: {
    readonly healthStatus?: readonly {
      readonly instance?: string;
      readonly healthState?: string;
    }[];
  };
}

function migGroup(
  group: Extract<InstanceGroupDescriptor, { kind: "gce-regional-mig" }>,
  exec: Exec,
): CloudGroup {
  const project = ["--project", group.project];
  return {
    description: `regional managed instance group ${group.group} in ${group.region} (project ${group.project}) behind backend service ${group.backendService}`,
    healthSignal: "the VM is RUNNING with no action pending and HEALTHY in the backend service",
    async list() {
      const instances = parseJson<ManagedInstance[]>(
        await exec("gcloud", [
          "compute",
          "instance-groups",
          "managed",
          "list-instances",
          group.group,
          "--region",
          group.region,
          ...project,
          "--format",
          "json",
        ]),
        "gcloud compute instance-groups managed list-instances",
      );
      const health = parseJson<BackendHealth[]>(
        await exec("gcloud", [
          "compute",
          "backend-services",
          "get-health",
          group.backendService,
          "--global",
          ...project,
          "--format",
          "json",
        ]),
        "gcloud compute backend-services get-health",
      );
      const inLb = new Map(
        health
          .flatMap((b) => b.status?.healthStatus ?? [])
          .map((h) => [lastSegment(h.instance ?? ""), h.healthState ?? "?"]),
      );
      return instances.map((m) => {
        const zone = /\/zones\/([^/]+)\//.exec(m.instance)?.[1];
        const id = lastSegment(m.instance);
        const lb = inLb.get(id) ?? "not in backend";
        return {
          id,
          healthy: m.instanceStatus === "RUNNING" && m.currentAction === "NONE" && lb === "HEALTHY",
          zone,
          detail: [
            m.instanceStatus ?? "?",
            m.currentAction ?? "?",
            ...(m.instanceHealth ?? []).map((h) => h.detailedHealthState ?? "?"),
            `lb ${lb}`,
          ].join("/"),
        };
      });
    },
    async desiredSize() {
      const described = parseJson<{ targetSize?: number }>(
        await exec("gcloud", [
          "compute",
          "instance-groups",
          "managed",
          "describe",
          group.group,
          "--region",
          group.region,
          ...project,
          "--format",
          "json",
        ]),
        "gcloud compute instance-groups managed describe",
      );
      if (typeof described.targetSize !== "number") {
        throw new Error("gcloud compute instance-groups managed describe: no targetSize");
      }
      return described.targetSize;
    },
    async remove(instance) {
      if (instance.zone === undefined) {
        throw new Error(`${instance.id}: zone unknown; cannot delete it`);
      }
      await exec("gcloud", [
        "compute",
        "instances",
        "delete",
        instance.id,
        "--zone",
        instance.zone,
        ...project,
        "--quiet",
      ]);
      return `gcloud compute instances delete ${instance.id}: the MIG recreates it`;
    },
  };
}

interface ScaleSetVm {
  readonly instanceId: string;
  readonly name?: string;
  readonly provisioningState?: string;
  readonly zones?: readonly string[];
  readonly instanceView?: {
    readonly vmHealth?: { readonly status?: { readonly code?: string } };
    readonly statuses?: readonly { readonly code?: string }[];
  };
}

interface RollingUpgradeStatus {
  readonly runningStatus?: { readonly code?: string; readonly startTime?: string };
  readonly progress?: {
    readonly successfulInstanceCount?: number;
    readonly failedInstanceCount?: number;
    readonly pendingInstanceCount?: number;
  };
  readonly error?: { readonly message?: string } | null;
}

/** `az vmss rolling-upgrade get-latest` codes: RollingForward, Cancelled, Completed, Faulted. */
const settledUpgrade: Readonly<Record<string, SettledRollout["outcome"]>> = {
  Completed: "completed",
  Faulted: "halted",
  Cancelled: "halted",
};

function vmssGroup(
  group: Extract<InstanceGroupDescriptor, { kind: "azure-vmss" }>,
  exec: Exec,
): CloudGroup {
  const where = [
    "--resource-group",
    group.resourceGroup,
    "--name",
    group.scaleSet,
    "--subscription",
    group.subscriptionId,
  ];
  const capacity = async (): Promise<number> => {
    const shown = parseJson<{ sku?: { capacity?: number } }>(
      await exec("az", ["vmss", "show", ...where, "--output", "json"]),
      "az vmss show",
    );
    if (typeof shown.sku?.capacity !== "number") throw new Error("az vmss show: no sku.capacity");
    return shown.sku.capacity;
  };
  return {
    description: `scale set ${group.scaleSet} in resource group ${group.resourceGroup}`,
    healthSignal:
      "the instance is provisioned and its Application Health extension reports healthy (the CLI does not expose the load balancer's per-instance probe)",
    async list() {
      const vms = parseJson<ScaleSetVm[]>(
        await exec("az", [
          "vmss",
          "list-instances",
          ...where,
          "--expand",
          "instanceView",
          "--output",
          "json",
        ]),
        "az vmss list-instances",
      );
      return vms.map((vm) => {
        // The application health extension's verdict, when it has given one yet.
        const health = vm.instanceView?.vmHealth?.status?.code;
        const power = vm.instanceView?.statuses?.find((s) => s.code?.startsWith("PowerState/"));
        return {
          id: vm.instanceId,
          healthy: vm.provisioningState === "Succeeded" && health === "HealthState/healthy",
          zone: vm.zones?.[0],
          detail: [vm.provisioningState ?? "?", power?.code ?? "?", health ?? "no health yet"].join(
            "/",
          ),
        };
      });
    },
    desiredSize: capacity,
    async remove(instance) {
      // The live capacity, which autoscale may have moved away from the stack's desiredInstances.
      const before = await capacity();
      await exec("az", ["vmss", "delete-instances", ...where, "--instance-ids", instance.id]);
      await exec("az", ["vmss", "scale", ...where, "--new-capacity", String(before), "--no-wait"]);
      return `az vmss delete-instances ${instance.id}, then capacity back to ${before}`;
    },
    // `pulumi up` returns once the model is saved; the rolling upgrade goes on in Azure.
    // https://learn.microsoft.com/en-us/cli/azure/vmss/rolling-upgrade#az-vmss-rolling-upgrade-get-latest
    async settleRollout({ pollMs, timeoutMs }) {
      const deadline = Date.now() + timeoutMs;
      let last = "no rolling upgrade reported yet";
      while (Date.now() < deadline) {
        const status = parseJson<RollingUpgradeStatus>(
          await exec("az", ["vmss", "rolling-upgrade", "get-latest", ...where, "--output", "json"]),
          "az vmss rolling-upgrade get-latest",
        );
        const code = status.runningStatus?.code ?? "unknown";
        const p = status.progress ?? {};
        last = `rolling upgrade ${code}: ${p.successfulInstanceCount ?? 0} upgraded, ${p.failedInstanceCount ?? 0} failed, ${p.pendingInstanceCount ?? 0} pending`;
        const outcome = settledUpgrade[code];
        if (outcome !== undefined) {
          const why = status.error?.message;
          return { outcome, detail: why === undefined ? last : `${last} (${why})` };
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
      return {
        outcome: "halted",
        detail: `gave up after ${Math.round(timeoutMs / 1000)} s: ${last}`,
      };
    },
  };
}
