/** How Azure resources are priced from the plan: one rule per resource type (tools/cost/ledger.ts). */
import { topologyOf } from "../../tools/plan/topology";
import { at, list, str } from "../../tools/verify/resources";
import { CostMapping, freeTypes, Rule, usage } from "../../tools/cost/ledger";
import { hoursPerMonth } from "../../tools/cost/prices";
import { azureTypes as T } from "./resourceTypes";

/**
 * Azure's list prices the rules use, and the pages they come from: recorded with the date in
 * tools/cost/prices.ts (`priceBook.recordedOn`, updated with any figure here).
 */
const prices = {
  region: "eastus",
  sources: [
    "Linux Virtual Machines pricing (pay as you go)",
    "Managed Disks pricing (Standard SSD)",
    "Load Balancer pricing (Standard)",
    "IP Addresses pricing (Standard static IPv4)",
    "Azure NAT Gateway pricing",
    "Container Registry pricing",
    "Azure Monitor pricing (metric alerts, Log Analytics)",
  ],
  // The sizes components/sizing.ts maps to (non-burstable since issue 15). Dalsv5 and Dasv5
  // figures are the eastus list prices as remembered from the pricing page, not re-read with
  // this table's date: check them before relying on them.
  vmHour: {
    Standard_D2als_v5: 0.077,
    Standard_D2as_v5: 0.086,
    Standard_D4as_v5: 0.172,
  } as Readonly<Record<string, number>>,
  /** Standard SSD LRS E4 (32 GiB), the tier a marketplace Linux image's 30 GiB OS disk lands in. */
  standardSsdE4Month: 2.4,
  /** Up to five rules (load balancing, outbound, NAT) cost the same; each further rule adds more. */
  loadBalancerRulesHour: 0.025,
  includedLoadBalancerRules: 5,
  extraLoadBalancerRuleHour: 0.01,
  publicIpHour: 0.005,
  natGatewayHour: 0.045,
  registryDay: { Basic: 0.1667, Standard: 0.6667, Premium: 1.6667 } as Readonly<
    Record<string, number>
  >,
  /** Per monitored time series; each of the stack's alerts watches one metric of one resource. */
  metricAlertMonth: 0.1,
  logIngestionGb: 2.3,
} as const;

export const azureCost: CostMapping = {
  region: prices.region,
  sources: prices.sources,
  rules: () => azureRules(prices),
  assumptions: [],
};

function azureRules(p: typeof prices): Record<string, Rule> {
  const h = hoursPerMonth;
  return {
    // Count and VM size from the topology; the OS disk from the scale set, whose disk type and size
    // are what is billed (https://azure.microsoft.com/pricing/details/managed-disks/).
    [T.vmss]: (r, ledger, plan) => {
      const { desired: count, max, machineType: size } = topologyOf(plan).instances;
      ledger.assumptions.push(`${count} VMs, the deployed count; autoscaling may run up to ${max}`);
      const price = p.vmHour[size];
      if (price === undefined) ledger.unpriced(r, `no price recorded for VM size ${size}`);
      else ledger.line(r, `${size}: ${count} VMs × ${h} h`, count * h, "VM-hour", price);
      const disk = at(r.inputs, "virtualMachineProfile", "storageProfile", "osDisk");
      const storage = str(at(disk, "managedDisk", "storageAccountType"));
      if (storage === "StandardSSD_LRS" && at(disk, "diskSizeGB") === undefined) {
        ledger.line(
          r,
          `OS disks: ${count} × Standard SSD E4 (image default 30 GiB)`,
          count,
          "disk-month",
          p.standardSsdE4Month,
        );
      } else {
        ledger.unpriced(
          r,
          `OS disk (${storage ?? "default type"}, ${String(at(disk, "diskSizeGB") ?? "image default")} GB): not in the price table`,
        );
      }
    },
    [T.lb]: (r, ledger) => {
      const rules = ["loadBalancingRules", "outboundRules", "inboundNatRules"].reduce(
        (sum, key) => sum + list(r.inputs[key]).length,
        0,
      );
      const extra = Math.max(0, rules - p.includedLoadBalancerRules);
      ledger.line(
        r,
        `Standard rules: ${rules} (first ${p.includedLoadBalancerRules} at one rate) × ${h} h`,
        h,
        "hour",
        p.loadBalancerRulesHour,
      );
      if (extra > 0)
        ledger.line(
          r,
          `rules beyond ${p.includedLoadBalancerRules}: ${extra} × ${h} h`,
          extra * h,
          "rule-hour",
          p.extraLoadBalancerRuleHour,
        );
      ledger.unpriced(r, "data processed: per GB");
    },
    [T.ip]: (r, ledger) =>
      ledger.line(r, `Standard static IPv4 × ${h} h`, h, "IP-hour", p.publicIpHour),
    [T.nat]: (r, ledger) => {
      ledger.line(r, `NAT gateway × ${h} h`, h, "hour", p.natGatewayHour);
      ledger.unpriced(r, "NAT data processing: per GB");
    },
    [T.registry]: (r, ledger) => {
      const sku = str(at(r.inputs, "sku", "name")) ?? "";
      const price = p.registryDay[sku];
      if (price === undefined) ledger.unpriced(r, `no price recorded for registry SKU ${sku}`);
      else ledger.line(r, `${sku} registry: ${h} h / 24`, h / 24, "day", price);
    },
    [T.alert[0]]: (r, ledger) =>
      ledger.each(r, "metric alerts, one time series each", "series-month", p.metricAlertMonth),
    [T.workspace]: usage("Log Analytics ingestion and retention: per GB"),
    ...freeTypes({
      [T.resourceGroup]: "no charge",
      [T.vnet]: "no charge",
      [T.subnet]: "no charge",
      [T.nsg]: "no charge",
      [T.identity]: "no charge",
      [T.assignment]: "no charge",
      [T.lock]: "no charge",
      [T.autoscale[0]]: "no charge",
      [T.actionGroup[0]]: "email notifications within the free monthly allowance",
      [T.activityLogAlert]: "activity log alerts have no charge",
      [T.dataCollectionRule]: "no charge; ingestion is billed by the workspace",
      [T.dataCollectionRuleAssociation]: "no charge",
    }),
  };
}
