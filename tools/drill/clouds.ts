/**
 * Each cloud's instance group, seen through its own CLI: list the instances with their health,
 * and remove one the way an instance is lost. The drill never calls a CLI directly; it gets an
 * `Exec`, so tests/drill/clouds.test.ts can assert every argv and feed canned answers.
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
 *   10 minutes. So the drill deletes the instance and sets the capacity back at once: what it
 *   then measures is the replacement path (a new VM boots and passes its health probe), which is
 *   what a repair does after its grace period.
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

export interface CloudGroup {
  readonly description: string;
  list(): Promise<GroupInstance[]>;
  /** Removes `instance` so the group has to replace it; `expectedSize` is its target size. */
  remove(instance: GroupInstance, expectedSize: number): Promise<string>;
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
}

function ecsGroup(
  group: Extract<InstanceGroupDescriptor, { kind: "ecs-service" }>,
  exec: Exec,
): CloudGroup {
  const where = ["--region", group.region, "--cluster", group.cluster];
  const arns = new Map<string, string>();
  return {
    description: `ECS service ${group.service} in cluster ${group.cluster} (${group.region})`,
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
      return (described.tasks ?? []).map((task) => {
        const id = lastSegment(task.taskArn);
        arns.set(id, task.taskArn);
        const image = task.containers?.[0]?.image;
        const tag = image?.includes(":") ? image.slice(image.lastIndexOf(":") + 1) : undefined;
        return {
          id,
          // The container health check, which is the image's own /healthz check.
          healthy: task.lastStatus === "RUNNING" && task.healthStatus === "HEALTHY",
          zone: task.availabilityZone,
          version: tag,
          detail: `${task.lastStatus ?? "?"}/${task.healthStatus ?? "?"}`,
        };
      });
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

function migGroup(
  group: Extract<InstanceGroupDescriptor, { kind: "gce-regional-mig" }>,
  exec: Exec,
): CloudGroup {
  return {
    description: `regional managed instance group ${group.group} in ${group.region} (project ${group.project})`,
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
          "--project",
          group.project,
          "--format",
          "json",
        ]),
        "gcloud compute instance-groups managed list-instances",
      );
      return instances.map((m) => {
        const zone = /\/zones\/([^/]+)\//.exec(m.instance)?.[1];
        const health = m.instanceHealth ?? [];
        return {
          id: lastSegment(m.instance),
          // RUNNING and no action pending; with autohealing, every health check must agree.
          healthy:
            m.instanceStatus === "RUNNING" &&
            m.currentAction === "NONE" &&
            health.every((h) => h.detailedHealthState === "HEALTHY"),
          zone,
          detail: [
            m.instanceStatus ?? "?",
            m.currentAction ?? "?",
            ...health.map((h) => h.detailedHealthState ?? "?"),
          ].join("/"),
        };
      });
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
        "--project",
        group.project,
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
  return {
    description: `scale set ${group.scaleSet} in resource group ${group.resourceGroup}`,
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
    async remove(instance, expectedSize) {
      await exec("az", ["vmss", "delete-instances", ...where, "--instance-ids", instance.id]);
      await exec("az", [
        "vmss",
        "scale",
        ...where,
        "--new-capacity",
        String(expectedSize),
        "--no-wait",
      ]);
      return `az vmss delete-instances ${instance.id}, then capacity back to ${expectedSize}`;
    },
  };
}
