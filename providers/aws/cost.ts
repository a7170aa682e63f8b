/** How AWS resources are priced from the plan: one rule per resource type (tools/cost/ledger.ts). */
import { topologyOf } from "../../tools/plan/topology";
import { at, first, list, num, str, strings } from "../../tools/verify/resources";
import { Assumptions, CostMapping, freeTypes, Rule, usage } from "../../tools/cost/ledger";
import { hoursPerMonth } from "../../tools/cost/prices";
import { awsTypes as T } from "./resourceTypes";

/**
 * AWS's list prices the rules use, and the pages they come from: recorded with the date in
 * tools/cost/prices.ts (`priceBook.recordedOn`, updated with any figure here).
 */
const prices = {
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
} as const;

export const awsCost: CostMapping = {
  region: prices.region,
  sources: prices.sources,
  rules: (assumptions) => awsRules(prices, assumptions),
  assumptions: ["1 ALB LCU on average; traffic decides the real figure"],
};

function awsRules(p: typeof prices, assumptions: Assumptions): Record<string, Rule> {
  const h = hoursPerMonth;
  return {
    // The count from the topology; the size from the task definition, because Fargate bills the
    // cpu and memory the definition registers (https://aws.amazon.com/fargate/pricing/).
    [T.service]: (r, ledger, plan) => {
      const task = first(plan.resources, T.task)?.inputs ?? {};
      const { desired: count, max } = topologyOf(plan).instances;
      ledger.assumptions.push(
        `${count} tasks, the deployed count; autoscaling may run up to ${max}`,
      );
      const vcpu = (num(task.cpu) ?? 0) / 1024;
      const gb = (num(task.memory) ?? 0) / 1024;
      ledger.line(
        r,
        `Fargate vCPU: ${count} tasks × ${vcpu} vCPU × ${h} h`,
        count * vcpu * h,
        "vCPU-hour",
        p.fargateVcpuHour,
      );
      ledger.line(
        r,
        `Fargate memory: ${count} tasks × ${gb} GB × ${h} h`,
        count * gb * h,
        "GB-hour",
        p.fargateGbHour,
      );
    },
    [T.alb]: (r, ledger) => {
      const zones = list(r.inputs.subnets).length;
      ledger.line(r, `load balancer: ${h} h`, h, "hour", p.albHour);
      ledger.line(
        r,
        `LCU baseline: 1 LCU × ${h} h (assumed; traffic decides)`,
        h,
        "LCU-hour",
        p.albLcuHour,
      );
      ledger.line(
        r,
        `public IPv4: ${zones} (one per zone) × ${h} h`,
        zones * h,
        "IP-hour",
        p.publicIpv4Hour,
      );
    },
    // awsx's Vpc creates the NAT gateways: one, or one per zone.
    [T.vpc]: (r, ledger) => {
      const zones = strings(r.inputs.availabilityZoneNames).length;
      const strategy = str(at(r.inputs, "natGateways", "strategy")) ?? "OnePerAz";
      const nats = strategy === "None" ? 0 : strategy === "Single" ? 1 : zones;
      ledger.line(
        r,
        `NAT gateways: ${nats} (${strategy}) × ${h} h`,
        nats * h,
        "NAT-hour",
        p.natGatewayHour,
      );
      ledger.line(r, `NAT Elastic IPs: ${nats} × ${h} h`, nats * h, "IP-hour", p.publicIpv4Hour);
      ledger.unpriced(
        r,
        "NAT data processing: per GB through the gateways (image pulls, log shipping)",
      );
    },
    [T.alarm]: (r, ledger) =>
      ledger.each(r, "standard-resolution alarms", "alarm-month", p.cloudwatchAlarmMonth),
    [T.logGroup]: (r, ledger) => {
      if (assumptions.logGbPerMonth === undefined) {
        ledger.unpriced(
          r,
          "log ingestion and storage: per GB written (give --log-gb to assume a volume)",
        );
        return;
      }
      ledger.line(
        r,
        `log ingestion: ${assumptions.logGbPerMonth} GB (assumed)`,
        assumptions.logGbPerMonth,
        "GB",
        p.logIngestionGb,
      );
    },
    [T.repo]: usage("image storage: per GB stored"),
    [T.kmsKey]: (r, ledger) =>
      ledger.each(r, "customer managed KMS key", "key-month", p.kmsKeyMonth),
    [T.cluster]: usage("Container Insights metrics: per metric and log volume"),
    [T.topic]: usage("notifications: per message delivered"),
    // https://aws.amazon.com/waf/pricing/: $5 a web ACL and $1 a rule per month, plus requests.
    [T.webAcl]: usage(
      "web ACL: $5 a month, $1 a rule a month and $0.60 per million requests inspected",
    ),
    // ALB access logs and VPC flow logs (providers/aws/logs.ts): S3 storage per GB-month kept
    // for logRetentionDays (https://aws.amazon.com/s3/pricing/), and flow logs delivered to S3
    // per GB as vended logs (https://aws.amazon.com/cloudwatch/pricing/); ELB's delivery is free
    // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html).
    [T.logBucket]: usage("access and flow log storage: per GB-month kept (S3 Standard)"),
    [T.flowLog]: usage("VPC flow log delivery to S3: per GB of logs (vended logs)"),
    ...freeTypes({
      [T.logBucketOwnership]: "no charge",
      [T.logBucketPublicAccess]: "no charge",
      [T.logBucketEncryption]: "SSE-S3 has no charge",
      [T.logExpiry]: "expiry actions have no charge",
      [T.logBucketPolicy]: "no charge",
      [T.task]: "a definition; the service's tasks are priced",
      [T.tg]: "included in the load balancer",
      [T.listener]: "included in the load balancer",
      [T.webAclAssociation]: "included in the web ACL",
      [T.securityGroup]: "no charge",
      [T.ingress]: "no charge",
      [T.egress]: "no charge",
      [T.role]: "no charge",
      [T.rolePolicy]: "no charge",
      [T.repoLifecycle]: "no charge",
      [T.subscription]: "no charge",
      [T.scaling]: "no charge",
      [T.scalingPolicy]: "no charge; its alarms are CloudWatch's",
      [T.certificate]: "public certificates are free",
      [T.certificateValidation]: "no charge",
      [T.dnsRecord]: "alias queries to a load balancer are free; the zone is not this stack's",
    }),
  };
}
