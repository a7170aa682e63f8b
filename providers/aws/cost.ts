/** How AWS resources are priced from the plan: one rule per resource type (tools/cost/ledger.ts). */
import { topologyOf } from "../../tools/plan/topology";
import { at, first, list, num, str, strings } from "../../tools/verify/resources";
import { Assumptions, CostMapping, freeTypes, Rule, usage } from "../../tools/cost/ledger";
import { hoursPerMonth } from "../../tools/cost/prices";

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
    "aws:ecs/service:Service": (r, ledger, plan) => {
      const task = first(plan.resources, "aws:ecs/taskDefinition:TaskDefinition")?.inputs ?? {};
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
    "aws:lb/loadBalancer:LoadBalancer": (r, ledger) => {
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
    "awsx:ec2:Vpc": (r, ledger) => {
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
    "aws:cloudwatch/metricAlarm:MetricAlarm": (r, ledger) =>
      ledger.each(r, "standard-resolution alarms", "alarm-month", p.cloudwatchAlarmMonth),
    "aws:cloudwatch/logGroup:LogGroup": (r, ledger) => {
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
    "aws:ecr/repository:Repository": usage("image storage: per GB stored"),
    "aws:kms/key:Key": (r, ledger) =>
      ledger.each(r, "customer managed KMS key", "key-month", p.kmsKeyMonth),
    "aws:ecs/cluster:Cluster": usage("Container Insights metrics: per metric and log volume"),
    "aws:sns/topic:Topic": usage("notifications: per message delivered"),
    // https://aws.amazon.com/waf/pricing/: $5 a web ACL and $1 a rule per month, plus requests.
    "aws:wafv2/webAcl:WebAcl": usage(
      "web ACL: $5 a month, $1 a rule a month and $0.60 per million requests inspected",
    ),
    // ALB access logs and VPC flow logs (providers/aws/logs.ts): S3 storage per GB-month kept
    // for logRetentionDays (https://aws.amazon.com/s3/pricing/), and flow logs delivered to S3
    // per GB as vended logs (https://aws.amazon.com/cloudwatch/pricing/); ELB's delivery is free
    // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html).
    "aws:s3/bucket:Bucket": usage("access and flow log storage: per GB-month kept (S3 Standard)"),
    "aws:ec2/flowLog:FlowLog": usage("VPC flow log delivery to S3: per GB of logs (vended logs)"),
    ...freeTypes({
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "no charge",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "no charge",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        "SSE-S3 has no charge",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
        "expiry actions have no charge",
      "aws:s3/bucketPolicy:BucketPolicy": "no charge",
      "aws:ecs/taskDefinition:TaskDefinition": "a definition; the service's tasks are priced",
      "aws:lb/targetGroup:TargetGroup": "included in the load balancer",
      "aws:lb/listener:Listener": "included in the load balancer",
      "aws:wafv2/webAclAssociation:WebAclAssociation": "included in the web ACL",
      "aws:ec2/securityGroup:SecurityGroup": "no charge",
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "no charge",
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "no charge",
      "aws:iam/role:Role": "no charge",
      "aws:iam/rolePolicy:RolePolicy": "no charge",
      "aws:ecr/lifecyclePolicy:LifecyclePolicy": "no charge",
      "aws:sns/topicSubscription:TopicSubscription": "no charge",
      "aws:appautoscaling/target:Target": "no charge",
      "aws:appautoscaling/policy:Policy": "no charge; its alarms are CloudWatch's",
      "aws:acm/certificate:Certificate": "public certificates are free",
      "aws:acm/certificateValidation:CertificateValidation": "no charge",
      "aws:route53/record:Record":
        "alias queries to a load balancer are free; the zone is not this stack's",
    }),
  };
}
