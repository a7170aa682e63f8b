/**
 * A regional managed instance group seen through gcloud, for the drills: the instances with their load balancer's verdict, the live size, and
 * removing one so the group must replace it. Why these signals: tools/drill/clouds.ts.
 */
import { InstanceGroupDescriptor } from "../../components/cloudHome";
import { CloudGroup, Exec, lastSegment, ofKind, parseJson } from "../../tools/drill/clouds";

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

export function migGroup(descriptor: InstanceGroupDescriptor, exec: Exec): CloudGroup {
  const group = ofKind(descriptor, "gce-regional-mig");
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
