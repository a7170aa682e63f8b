/**
 * A VM scale set seen through the Azure CLI, for the drills: the instances with their load balancer's verdict, the live size, and
 * removing one so the group must replace it. Why these signals: tools/drill/clouds.ts.
 */
import { InstanceGroupDescriptor } from "../../components/cloudHome";
import { CloudGroup, Exec, ofKind, parseJson, SettledRollout } from "../../tools/drill/clouds";

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

export function vmssGroup(descriptor: InstanceGroupDescriptor, exec: Exec): CloudGroup {
  const group = ofKind(descriptor, "azure-vmss");
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
