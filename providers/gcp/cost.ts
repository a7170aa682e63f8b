/** How GCP resources are priced from the plan: one rule per resource type (tools/cost/ledger.ts). */
import { topologyOf } from "../../tools/plan/topology";
import { at, first, list, num, ofType, str } from "../../tools/verify/resources";
import { CostMapping, freeTypes, Rule, usage } from "../../tools/cost/ledger";
import { hoursPerMonth } from "../../tools/cost/prices";
import { gcpTypes as T } from "./resourceTypes";

/**
 * GCP's list prices the rules use, and the pages they come from: recorded with the date in
 * tools/cost/prices.ts (`priceBook.recordedOn`, updated with any figure here).
 */
const prices = {
  region: "us-central1",
  sources: [
    "Compute Engine pricing: VM instance pricing (E2), disk pricing",
    "Cloud Load Balancing pricing (forwarding rules)",
    "Cloud NAT pricing",
    "Cloud Logging pricing",
  ],
  machineHour: {
    "e2-micro": 0.008376,
    "e2-small": 0.016751,
    "e2-medium": 0.033503,
    "e2-standard-2": 0.067006,
  } as Readonly<Record<string, number>>,
  diskGbMonth: { "pd-standard": 0.04, "pd-balanced": 0.1, "pd-ssd": 0.17 } as Readonly<
    Record<string, number>
  >,
  /** Up to five forwarding rules cost the same; each further rule adds `extraForwardingRuleHour`. */
  forwardingRulesHour: 0.025,
  includedForwardingRules: 5,
  extraForwardingRuleHour: 0.01,
  /** Per VM the gateway serves, up to `natVmCap` VMs; beyond that the hourly price is flat. */
  natVmHour: 0.0014,
  natVmCap: 32,
  /** Beyond the first 50 GiB a project ingests each month. */
  logIngestionGb: 0.5,
} as const;

export const gcpCost: CostMapping = {
  region: prices.region,
  sources: prices.sources,
  rules: () => gcpRules(prices),
  assumptions: [],
};

function gcpRules(p: typeof prices): Record<string, Rule> {
  const h = hoursPerMonth;
  return {
    // Count and machine type from the topology; the disks from the template, whose disk type and
    // size are what is billed (https://cloud.google.com/compute/disks-image-pricing).
    [T.mig]: (r, ledger, plan) => {
      const template = first(plan.resources, T.template)?.inputs ?? {};
      const { desired: count, max, machineType: machine } = topologyOf(plan).instances;
      ledger.assumptions.push(`${count} VMs, the deployed count; autoscaling may run up to ${max}`);
      const machinePrice = p.machineHour[machine];
      if (machinePrice === undefined) {
        ledger.unpriced(r, `no price recorded for machine type ${machine}`);
      } else {
        ledger.line(r, `${machine}: ${count} VMs × ${h} h`, count * h, "VM-hour", machinePrice);
      }
      for (const disk of list(template.disks)) {
        const type = str(at(disk, "diskType")) ?? "pd-standard";
        const size = num(at(disk, "diskSizeGb")) ?? 10;
        const diskPrice = p.diskGbMonth[type];
        if (diskPrice === undefined) ledger.unpriced(r, `no price recorded for disk type ${type}`);
        else
          ledger.line(
            r,
            `${type} disk: ${count} VMs × ${size} GB`,
            count * size,
            "GB-month",
            diskPrice,
          );
      }
    },
    // Up to five forwarding rules cost one flat rate: price them once, on the first rule.
    [T.rule]: (r, ledger, plan) => {
      const rules = ofType(plan.resources, r.type);
      if (rules[0] !== r) {
        ledger.noCharge(
          r,
          `included in the first ${p.includedForwardingRules} forwarding rules' rate`,
        );
        return;
      }
      const extra = Math.max(0, rules.length - p.includedForwardingRules);
      ledger.line(
        r,
        `forwarding rules: ${rules.length} (first ${p.includedForwardingRules} at one rate) × ${h} h`,
        h,
        "hour",
        p.forwardingRulesHour,
      );
      if (extra > 0)
        ledger.line(
          r,
          `forwarding rules beyond ${p.includedForwardingRules}: ${extra} × ${h} h`,
          extra * h,
          "rule-hour",
          p.extraForwardingRuleHour,
        );
      ledger.unpriced(r, "load balancer data processing: per GB");
    },
    [T.nat]: (r, ledger, plan) => {
      const vms = topologyOf(plan).instances.desired;
      const billed = Math.min(vms, p.natVmCap);
      ledger.line(r, `Cloud NAT: ${billed} VMs × ${h} h`, billed * h, "VM-hour", p.natVmHour);
      ledger.unpriced(r, "NAT data processing: per GB");
    },
    [T.logBucket]: usage(
      "log ingestion beyond 50 GiB a month and retention beyond 30 days: per GiB",
    ),
    [T.repo]: usage("image storage beyond 0.5 GB: per GB"),
    [T.address]: usage("static IP: charged by how it is attached; not in the price table"),
    [T.alert]: usage("alerting: per condition, not in the price table"),
    [T.subnet]: usage("VPC flow logs: per GB of logs generated"),
    [T.securityPolicy]: usage(
      "Cloud Armor: per policy, per rule and per million requests; not in the price table",
    ),
    ...freeTypes({
      [T.projectService]: "no charge",
      [T.network]: "no charge",
      [T.firewall]: "no charge",
      [T.healthCheck]: "no charge",
      [T.template]: "a template; the group's VMs are priced",
      [T.autoscaler]: "no charge",
      [T.backend]: "included in the forwarding rules' rate",
      [T.urlMap]: "included in the forwarding rules' rate",
      [T.httpProxy]: "included in the forwarding rules' rate",
      [T.httpsProxy]: "included in the forwarding rules' rate",
      [T.sslPolicy]: "no charge",
      [T.certificate]: "Google-managed certificates are free",
      [T.router]: "no charge; Cloud NAT is priced",
      [T.account]: "no charge",
      [T.projectMember]: "no charge",
      [T.repoMember]: "no charge",
      [T.uptime]: "within the free uptime-check executions",
      [T.channel]: "no charge",
      [T.logSink]: "no charge; the bucket's ingestion is what is billed",
      [T.logExclusion]: "no charge",
    }),
  };
}
