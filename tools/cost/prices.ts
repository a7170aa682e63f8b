/**
 * The price table the estimates use: public on-demand list prices in USD, one region per cloud.
 *
 * Recorded 2026-11-22 without network access, from the providers' public price pages named in
 * `sources` as last read (2025 list prices); none were fetched on that date. Prices change and
 * differ by region, so check the named pages before relying on a figure, and update `recordedOn`
 * with the table. Anything not in this table is reported as "not estimated", never as zero.
 */
export const hoursPerMonth = 730;

export const priceBook = {
  recordedOn: "2026-11-22",
  currency: "USD",
  hoursPerMonth,
  aws: {
    region: "us-east-1",
    sources: [
      "AWS Fargate Pricing",
      "Elastic Load Balancing pricing",
      "Amazon VPC pricing (NAT gateway, public IPv4 addresses)",
      "Amazon CloudWatch pricing (logs, alarms)",
      "AWS Key Management Service pricing (customer managed keys)",
    ],
    fargateVcpuHour: 0.04048,
    fargateGbHour: 0.004445,
    albHour: 0.0225,
    albLcuHour: 0.008,
    natGatewayHour: 0.045,
    /** Every public IPv4 address, including the ALB's (one per zone) and each NAT's Elastic IP. */
    publicIpv4Hour: 0.005,
    cloudwatchAlarmMonth: 0.1,
    logIngestionGb: 0.5,
    /** A customer managed KMS key; each of its first two rotations adds the same again. */
    kmsKeyMonth: 1,
  },
  gcp: {
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
  },
  azure: {
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
  },
} as const;

export type PriceBook = typeof priceBook;
