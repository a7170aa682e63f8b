/**
 * A monthly on-demand estimate from a plan: each resource is priced from `prices.ts`, recorded as
 * free, or listed as not estimated with the reason. A resource type no table knows is listed as
 * not estimated too, so a new resource can never slip into the total as zero.
 */
import { Cloud } from "../../components/cloud";
import { PlannedResource } from "../plan/recorder";
import { PlanResult } from "../plan/run";
import { at, first, list, num, ofType, str, strings } from "../verify/resources";
import { hoursPerMonth, priceBook, PriceBook } from "./prices";

export interface CostLine {
  /** `type::name` of the resource the cost comes from. */
  readonly resource: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly monthly: number;
}

export interface Unpriced {
  readonly resource: string;
  readonly reason: string;
}

export interface Estimate {
  readonly stack: string;
  readonly cloud: string;
  readonly region: string;
  readonly currency: string;
  readonly recordedOn: string;
  readonly lines: readonly CostLine[];
  readonly notEstimated: readonly Unpriced[];
  /** Resources that cost nothing by themselves (`type::name`), with why. */
  readonly free: readonly Unpriced[];
  readonly assumptions: readonly string[];
  readonly total: number;
}

/** Usage the plan cannot know; each one given adds a line and an assumption to the estimate. */
export interface Assumptions {
  /** Log volume the service writes per month, in GB. */
  readonly logGbPerMonth?: number;
}

type Plan = Pick<PlanResult, "stack" | "cloud" | "resources">;

/** What a cloud's estimator records into. */
class Ledger {
  readonly lines: CostLine[] = [];
  readonly notEstimated: Unpriced[] = [];
  readonly free: Unpriced[] = [];
  readonly assumptions: string[] = [];
  private readonly seen = new Set<PlannedResource>();

  line(r: PlannedResource, item: string, quantity: number, unit: string, unitPrice: number): void {
    this.seen.add(r);
    this.lines.push({
      resource: label(r),
      item,
      quantity,
      unit,
      unitPrice,
      monthly: quantity * unitPrice,
    });
  }
  /**
   * One line for many resources of a type priced alike (five alarms are one line of five), named
   * by the type and the resources' names.
   */
  each(r: PlannedResource, item: string, unit: string, unitPrice: number): void {
    this.seen.add(r);
    const index = this.lines.findIndex(
      (l) => l.resource.startsWith(`${r.type}::`) && l.item === item && l.unitPrice === unitPrice,
    );
    if (index < 0) {
      this.line(r, item, 1, unit, unitPrice);
      return;
    }
    const previous = this.lines[index];
    const quantity = previous.quantity + 1;
    this.lines[index] = {
      ...previous,
      resource: `${previous.resource}, ${r.name}`,
      quantity,
      monthly: quantity * unitPrice,
    };
  }
  unpriced(r: PlannedResource, reason: string): void {
    this.seen.add(r);
    this.notEstimated.push({ resource: label(r), reason });
  }
  noCharge(r: PlannedResource, reason: string): void {
    this.seen.add(r);
    this.free.push({ resource: label(r), reason });
  }
  /** Anything no rule touched is not estimated: no price is recorded for its type. */
  finish(resources: readonly PlannedResource[]): void {
    for (const r of resources) {
      if (this.seen.has(r) || !r.custom || r.type.startsWith("pulumi:providers:")) continue;
      this.notEstimated.push({ resource: label(r), reason: `no price recorded for ${r.type}` });
    }
  }
}

const label = (r: PlannedResource) => `${r.type}::${r.name}`;

type Rule = (r: PlannedResource, ledger: Ledger, plan: Plan) => void;

/** Types that cost nothing by themselves, per cloud, with the reason shown in the report. */
function freeTypes(types: Record<string, string>): Record<string, Rule> {
  return Object.fromEntries(
    Object.entries(types).map(([type, reason]) => [
      type,
      (r, ledger) => ledger.noCharge(r, reason),
    ]),
  );
}

const usage =
  (reason: string): Rule =>
  (r, ledger) =>
    ledger.unpriced(r, reason);

// -----------------------------------------------------------------------------------------------
// AWS

function awsRules(p: PriceBook["aws"], assumptions: Assumptions): Record<string, Rule> {
  const h = hoursPerMonth;
  return {
    "aws:ecs/service:Service": (r, ledger, plan) => {
      const task = first(plan.resources, "aws:ecs/taskDefinition:TaskDefinition")?.inputs ?? {};
      const count = num(r.inputs.desiredCount) ?? 0;
      const max = num(
        first(plan.resources, "aws:appautoscaling/target:Target")?.inputs.maxCapacity,
      );
      ledger.assumptions.push(
        `${count} tasks, the deployed count${max !== undefined ? `; autoscaling may run up to ${max}` : ""}`,
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

// -----------------------------------------------------------------------------------------------
// GCP

function gcpRules(p: PriceBook["gcp"]): Record<string, Rule> {
  const h = hoursPerMonth;
  return {
    "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": (r, ledger, plan) => {
      const template =
        first(plan.resources, "gcp:compute/instanceTemplate:InstanceTemplate")?.inputs ?? {};
      const count = num(r.inputs.targetSize) ?? 0;
      const max = num(
        at(
          first(plan.resources, "gcp:compute/regionAutoscaler:RegionAutoscaler")?.inputs,
          "autoscalingPolicy",
          "maxReplicas",
        ),
      );
      ledger.assumptions.push(
        `${count} VMs, the deployed count${max !== undefined ? `; autoscaling may run up to ${max}` : ""}`,
      );
      const machine = str(template.machineType) ?? "";
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
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": (r, ledger, plan) => {
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
    "gcp:compute/routerNat:RouterNat": (r, ledger, plan) => {
      const vms =
        num(
          first(plan.resources, "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager")
            ?.inputs.targetSize,
        ) ?? 0;
      const billed = Math.min(vms, p.natVmCap);
      ledger.line(r, `Cloud NAT: ${billed} VMs × ${h} h`, billed * h, "VM-hour", p.natVmHour);
      ledger.unpriced(r, "NAT data processing: per GB");
    },
    "gcp:logging/projectBucketConfig:ProjectBucketConfig": usage(
      "log ingestion beyond 50 GiB a month and retention beyond 30 days: per GiB",
    ),
    "gcp:artifactregistry/repository:Repository": usage("image storage beyond 0.5 GB: per GB"),
    "gcp:compute/globalAddress:GlobalAddress": usage(
      "static IP: charged by how it is attached; not in the price table",
    ),
    "gcp:monitoring/alertPolicy:AlertPolicy": usage(
      "alerting: per condition, not in the price table",
    ),
    "gcp:compute/subnetwork:Subnetwork": usage("VPC flow logs: per GB of logs generated"),
    "gcp:compute/securityPolicy:SecurityPolicy": usage(
      "Cloud Armor: per policy, per rule and per million requests; not in the price table",
    ),
    ...freeTypes({
      "gcp:projects/service:Service": "no charge",
      "gcp:compute/network:Network": "no charge",
      "gcp:compute/firewall:Firewall": "no charge",
      "gcp:compute/healthCheck:HealthCheck": "no charge",
      "gcp:compute/instanceTemplate:InstanceTemplate": "a template; the group's VMs are priced",
      "gcp:compute/regionAutoscaler:RegionAutoscaler": "no charge",
      "gcp:compute/backendService:BackendService": "included in the forwarding rules' rate",
      "gcp:compute/uRLMap:URLMap": "included in the forwarding rules' rate",
      "gcp:compute/targetHttpProxy:TargetHttpProxy": "included in the forwarding rules' rate",
      "gcp:compute/targetHttpsProxy:TargetHttpsProxy": "included in the forwarding rules' rate",
      "gcp:compute/sSLPolicy:SSLPolicy": "no charge",
      "gcp:compute/managedSslCertificate:ManagedSslCertificate":
        "Google-managed certificates are free",
      "gcp:compute/router:Router": "no charge; Cloud NAT is priced",
      "gcp:serviceaccount/account:Account": "no charge",
      "gcp:projects/iAMMember:IAMMember": "no charge",
      "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": "no charge",
      "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig":
        "within the free uptime-check executions",
      "gcp:monitoring/notificationChannel:NotificationChannel": "no charge",
      "gcp:logging/projectSink:ProjectSink": "no charge; the bucket's ingestion is what is billed",
      "gcp:logging/projectExclusion:ProjectExclusion": "no charge",
    }),
  };
}

// -----------------------------------------------------------------------------------------------
// Azure

function azureRules(p: PriceBook["azure"]): Record<string, Rule> {
  const h = hoursPerMonth;
  return {
    "azure-native:compute:VirtualMachineScaleSet": (r, ledger, plan) => {
      const count = num(at(r.inputs, "sku", "capacity")) ?? 0;
      const max = num(
        at(
          first(
            plan.resources,
            "azure-native:monitor:AutoscaleSetting",
            "azure-native:insights:AutoscaleSetting",
          )?.inputs,
          "profiles",
          0,
          "capacity",
          "maximum",
        ),
      );
      ledger.assumptions.push(
        `${count} VMs, the deployed count${max !== undefined ? `; autoscaling may run up to ${max}` : ""}`,
      );
      const size = str(at(r.inputs, "sku", "name")) ?? "";
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
    "azure-native:network:LoadBalancer": (r, ledger) => {
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
    "azure-native:network:PublicIPAddress": (r, ledger) =>
      ledger.line(r, `Standard static IPv4 × ${h} h`, h, "IP-hour", p.publicIpHour),
    "azure-native:network:NatGateway": (r, ledger) => {
      ledger.line(r, `NAT gateway × ${h} h`, h, "hour", p.natGatewayHour);
      ledger.unpriced(r, "NAT data processing: per GB");
    },
    "azure-native:containerregistry:Registry": (r, ledger) => {
      const sku = str(at(r.inputs, "sku", "name")) ?? "";
      const price = p.registryDay[sku];
      if (price === undefined) ledger.unpriced(r, `no price recorded for registry SKU ${sku}`);
      else ledger.line(r, `${sku} registry: ${h} h / 24`, h / 24, "day", price);
    },
    "azure-native:monitor:MetricAlert": (r, ledger) =>
      ledger.each(r, "metric alerts, one time series each", "series-month", p.metricAlertMonth),
    "azure-native:operationalinsights:Workspace": usage(
      "Log Analytics ingestion and retention: per GB",
    ),
    ...freeTypes({
      "azure-native:resources:ResourceGroup": "no charge",
      "azure-native:network:VirtualNetwork": "no charge",
      "azure-native:network:Subnet": "no charge",
      "azure-native:network:NetworkSecurityGroup": "no charge",
      "azure-native:managedidentity:UserAssignedIdentity": "no charge",
      "azure-native:authorization:RoleAssignment": "no charge",
      "azure-native:authorization:ManagementLockByScope": "no charge",
      "azure-native:monitor:AutoscaleSetting": "no charge",
      "azure-native:monitor:ActionGroup": "email notifications within the free monthly allowance",
      "azure-native:monitor:ActivityLogAlert": "activity log alerts have no charge",
      "azure-native:monitor:DataCollectionRule": "no charge; ingestion is billed by the workspace",
      "azure-native:monitor:DataCollectionRuleAssociation": "no charge",
    }),
  };
}

/** One rule table per cloud; a new cloud is one more entry. */
const rulesFor: Readonly<Record<Cloud, (a: Assumptions) => Record<string, Rule>>> = {
  aws: (a) => awsRules(priceBook.aws, a),
  gcp: () => gcpRules(priceBook.gcp),
  azure: () => azureRules(priceBook.azure),
};

export function estimateCost(plan: Plan, assumptions: Assumptions = {}): Estimate {
  const cloud = plan.cloud as Cloud;
  const makeRules = rulesFor[cloud];
  if (makeRules === undefined) throw new Error(`cost: no price table for cloud ${plan.cloud}`);
  const rules = makeRules(assumptions);
  const ledger = new Ledger();
  for (const r of plan.resources) rules[r.type]?.(r, ledger, plan);
  ledger.finish(plan.resources);
  if (assumptions.logGbPerMonth !== undefined) {
    ledger.assumptions.push(`${assumptions.logGbPerMonth} GB of logs a month`);
  }
  if (cloud === "aws")
    ledger.assumptions.push("1 ALB LCU on average; traffic decides the real figure");
  return {
    stack: plan.stack,
    cloud: plan.cloud,
    region: priceBook[cloud].region,
    currency: priceBook.currency,
    recordedOn: priceBook.recordedOn,
    lines: ledger.lines,
    notEstimated: ledger.notEstimated,
    free: ledger.free,
    assumptions: ledger.assumptions,
    total: ledger.lines.reduce((sum, line) => sum + line.monthly, 0),
  };
}
