/**
 * Every policy of the pack, each with fixtures that violate it and the exact finding expected, so
 * that a policy that can never fire is caught. Fixtures are either copies of a real plan broken in
 * one place (proving the policy reads the shapes the program really produces) or hand-written
 * resources for shapes the program does not produce (other resource types, other clouds' options).
 */
import assert from "node:assert/strict";
import { Policies } from "@pulumi/policy";
import { ingressOnlyToListenerPorts, internetOnlyThroughLoadBalancer } from "../../policy/network";
import { azureEgressRestricted } from "../../policy/network";
import { noAdminPortsFromInternet, noPublicIpOnInstances } from "../../policy/network";
import {
  healthChecksAndSelfHealing,
  minimumTwoInstances,
  rollingUpdatesKeepCapacity,
  spreadOverZones,
} from "../../policy/capacity";
import {
  gcpNoDefaultServiceAccount,
  noBroadRoles,
  noWildcardIamActions,
} from "../../policy/identity";
import {
  awsAlbAccessLogs,
  azureNoPasswordAuth,
  logRetentionConfigured,
  logRetentionSet,
  registryImmutableAndScanned,
  tlsModern,
} from "../../policy/hardening";
import { tagsPresent } from "../../policy/tags";
import { productionServesHttps } from "../../policy/exposure";
import { policies } from "../../policy/policies";
import { PlannedResource } from "../../tools/plan/recorder";
import { PolicyConfig } from "../../tools/verify/policy";
import { bootstrapConfig, ofType as ofBootstrapType, runBootstrap } from "../bootstrap/harness";
import { planStack } from "../helpers/plan";
import { brokenPlan, findings, resource } from "./fixtures";

type Obj = Record<string, unknown>;

interface Case {
  readonly name: string;
  readonly resources: () => PlannedResource[] | Promise<PlannedResource[]>;
  readonly config?: PolicyConfig;
  /** `type::name  message` of every finding, in order; empty for a fixture that must pass. */
  readonly expect: readonly string[];
}

function table(policy: Policies[number], cases: readonly Case[]): void {
  describe(`policy ${policy.name}`, () => {
    for (const c of cases) {
      it(c.name, async () => {
        assert.deepEqual(await findings(policy, await c.resources(), c.config), c.expect);
      });
    }
  });
}

const R = {
  ecsService: "aws:ecs/service:Service",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  vpc: "awsx:ec2:Vpc",
  scaling: "aws:appautoscaling/target:Target",
  tg: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  ecr: "aws:ecr/repository:Repository",
  awsProvider: "pulumi:providers:aws",
  instance: "aws:ec2/instance:Instance",
  template: "gcp:compute/instanceTemplate:InstanceTemplate",
  firewall: "gcp:compute/firewall:Firewall",
  mig: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  zonalMig: "gcp:compute/instanceGroupManager:InstanceGroupManager",
  autoscaler: "gcp:compute/regionAutoscaler:RegionAutoscaler",
  backend: "gcp:compute/backendService:BackendService",
  httpsProxy: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
  sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
  ar: "gcp:artifactregistry/repository:Repository",
  projectMember: "gcp:projects/iAMMember:IAMMember",
  repoMember: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
  projectBinding: "gcp:projects/iAMBinding:IAMBinding",
  projectPolicy: "gcp:projects/iAMPolicy:IAMPolicy",
  logBucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  gcpProvider: "pulumi:providers:gcp",
  alertPolicy: "gcp:monitoring/alertPolicy:AlertPolicy",
  vmss: "azure-native:compute:VirtualMachineScaleSet",
  nsg: "azure-native:network:NetworkSecurityGroup",
  securityRule: "azure-native:network:SecurityRule",
  azureLb: "azure-native:network:LoadBalancer",
  autoscale: "azure-native:monitor:AutoscaleSetting",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  roleDefinition: "azure-native:authorization:RoleDefinition",
  workspace: "azure-native:operationalinsights:Workspace",
  acr: "azure-native:containerregistry:Registry",
  resourceGroup: "azure-native:resources:ResourceGroup",
} as const;

const ecsService = "aws:ecs/service:Service::web-service";
const template = "gcp:compute/instanceTemplate:InstanceTemplate::web-tpl";
const vmss = "azure-native:compute:VirtualMachineScaleSet::web-vmss";
const vmssNics = (i: Obj) =>
  ((i.virtualMachineProfile as Obj).networkProfile as Obj).networkInterfaceConfigurations as Obj[];
const awsRule = (name: string, inputs: Obj) =>
  resource(R.ingress, name, { ipProtocol: "tcp", securityGroupId: "sg-id", ...inputs });
const nsg = (rules: Obj[]) =>
  resource(R.nsg, "nsg", {
    securityRules: rules.map((r, i) => ({
      name: `rule${i}`,
      access: "Allow",
      direction: "Inbound",
      protocol: "Tcp",
      ...r,
    })),
  });
const firewall = (name: string, inputs: Obj) =>
  resource(R.firewall, name, { direction: "INGRESS", network: "vpc", ...inputs });
const iamDoc = (...statements: Obj[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });

// -----------------------------------------------------------------------------------------------
// Network

table(noPublicIpOnInstances, [
  {
    name: "fires when ECS tasks get public IPs (prod plan, assignPublicIp true)",
    resources: () =>
      brokenPlan("prod", "aws", R.ecsService, (i) => {
        (i.networkConfiguration as Obj).assignPublicIp = true;
      }),
    expect: [
      `${ecsService}  networkConfiguration.assignPublicIp is true: tasks get public IPs; set it to false`,
    ],
  },
  {
    name: "fires when the GCE template has an access config (prod plan)",
    resources: () =>
      brokenPlan("prod", "gcp", R.template, (i) => {
        (i.networkInterfaces as Obj[])[0].accessConfigs = [{}];
      }),
    expect: [`${template}  networkInterfaces[0].accessConfigs gives the VM an external address`],
  },
  {
    name: "fires when the scale set gives VMs public IPs (prod plan)",
    resources: () =>
      brokenPlan("prod", "azure", R.vmss, (i) => {
        (vmssNics(i)[0].ipConfigurations as Obj[])[0].publicIPAddressConfiguration = {
          name: "pip",
        };
      }),
    expect: [
      `${vmss}  networkInterfaceConfigurations[0].ipConfigurations[0].publicIPAddressConfiguration gives every VM a public IP`,
    ],
  },
  {
    name: "fires for EC2 instances with a public address",
    resources: () => [resource(R.instance, "vm", { associatePublicIpAddress: true })],
    expect: [
      "aws:ec2/instance:Instance::vm  associatePublicIpAddress is true; instances must stay private",
    ],
  },
]);

table(ingressOnlyToListenerPorts, [
  {
    name: "fires when the ALB rule opens 8080 instead of 80 (prod plan)",
    resources: () =>
      brokenPlan(
        "prod",
        "aws",
        R.ingress,
        (i) => ((i.fromPort = 8080), (i.toPort = 8080)),
        "web-alb-in-80",
      ),
    expect: [
      `${R.ingress}::web-alb-in-80  rule opens tcp port 8080 to 0.0.0.0/0; only tcp 80, 443 (the listener ports) may be open to the internet`,
    ],
  },
  {
    name: "fires for every protocol (-1) from anywhere on an inline security group block",
    resources: () => [
      resource(R.sg, "open", {
        ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
      }),
    ],
    expect: [
      `${R.sg}::open  ingress[0] opens -1 every port to 0.0.0.0/0; only tcp 80, 443 (the listener ports) may be open to the internet`,
    ],
  },
  {
    name: "treats half the internet and a single public address as the internet",
    resources: () => [
      awsRule("half", { cidrIpv4: "0.0.0.0/1", fromPort: 8080, toPort: 8080 }),
      resource(R.sgRule, "one", {
        type: "ingress",
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        cidrBlocks: ["203.0.113.7/32"],
      }),
    ],
    expect: [
      `${R.ingress}::half  rule opens tcp port 8080 to 0.0.0.0/1; only tcp 80, 443 (the listener ports) may be open to the internet`,
      `${R.sgRule}::one  rule opens tcp port 5432 to 203.0.113.7/32; only tcp 80, 443 (the listener ports) may be open to the internet`,
    ],
  },
  {
    name: "passes private sources, IPv6 on listener ports and egress-only groups",
    resources: () => [
      awsRule("vpc", { cidrIpv4: "10.0.0.0/16", fromPort: 8080, toPort: 8080 }),
      awsRule("v6", { cidrIpv6: "::/0", fromPort: 443, toPort: 443 }),
      resource(R.sgRule, "out", { type: "egress", protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }),
    ],
    expect: [],
  },
  {
    name: "uses the configured listener ports",
    resources: () => [awsRule("http", { cidrIpv4: "0.0.0.0/0", fromPort: 80, toPort: 80 })],
    config: { "ingress-only-to-listener-ports": { listenerPorts: [443] } },
    expect: [
      `${R.ingress}::http  rule opens tcp port 80 to 0.0.0.0/0; only tcp 443 (the listener ports) may be open to the internet`,
    ],
  },
  {
    name: "fires when the GCP load-balancer rule also admits 0.0.0.0/0 (prod plan)",
    resources: () =>
      brokenPlan(
        "prod",
        "gcp",
        R.firewall,
        (i) => (i.sourceRanges as string[]).push("0.0.0.0/0"),
        "web-allow-lb",
      ),
    expect: [
      `${R.firewall}::web-allow-lb  allows[0] admits 0.0.0.0/0 on port 8080; allowed sources are 130.211.0.0/22, 35.191.0.0/16 (load balancer and health checks) and 35.235.240.0/20 for port 22 (IAP)`,
    ],
  },
  {
    name: "admits IAP only for SSH, and takes a rule without sources as 0.0.0.0/0",
    resources: () => [
      firewall("iap-ssh", {
        sourceRanges: ["35.235.240.0/20"],
        allows: [{ protocol: "tcp", ports: ["22"] }],
      }),
      firewall("iap-web", {
        sourceRanges: ["35.235.240.0/20"],
        allows: [{ protocol: "tcp", ports: ["80"] }],
      }),
      firewall("implicit", { allows: [{ protocol: "tcp", ports: ["443"] }] }),
      firewall("deny", { sourceRanges: ["0.0.0.0/0"], denies: [{ protocol: "all" }] }),
    ],
    expect: [
      `${R.firewall}::iap-web  allows[0] admits 35.235.240.0/20 on port 80; allowed sources are 130.211.0.0/22, 35.191.0.0/16 (load balancer and health checks) and 35.235.240.0/20 for port 22 (IAP)`,
      `${R.firewall}::implicit  allows[0] admits 0.0.0.0/0 on port 443; allowed sources are 130.211.0.0/22, 35.191.0.0/16 (load balancer and health checks) and 35.235.240.0/20 for port 22 (IAP)`,
    ],
  },
  {
    name: "fires when an Azure internet rule opens a range instead of the serving port",
    resources: () => [
      nsg([
        { sourceAddressPrefix: "Internet", destinationPortRange: "*" },
        { sourceAddressPrefix: "0.0.0.0/0", destinationPortRange: "8080-8090" },
        { sourceAddressPrefix: "Internet", destinationPortRange: "8080" },
        { sourceAddressPrefix: "AzureLoadBalancer", destinationPortRange: "*" },
      ]),
    ],
    expect: [
      `${R.nsg}::nsg  securityRules[0] rule0 admits Internet on every port; an internet rule must name the one serving port`,
      `${R.nsg}::nsg  securityRules[1] rule1 admits 0.0.0.0/0 on ports 8080-8090; an internet rule must name the one serving port`,
    ],
  },
]);

table(azureEgressRestricted, [
  {
    name: "passes the Azure prod plan (four service tags on 443, then deny-all-outbound)",
    resources: async () => [...(await planStack("prod", "azure")).resources],
    expect: [],
  },
  {
    name: "fires when the NSG lacks the outbound deny (prod plan without deny-all-outbound)",
    resources: async () =>
      (
        await brokenPlan("prod", "azure", R.nsg, (i) => {
          i.securityRules = (i.securityRules as Obj[]).filter(
            (r) => r.name !== "deny-all-outbound",
          );
        })
      ).filter((r) => r.type === R.nsg),
    expect: [
      `${R.nsg}::web-nsg  has no outbound Deny of every protocol, port and destination (* or Internet) at a custom priority (at most 4096); Azure's default AllowInternetOutBound (65001) then lets instances reach the whole internet`,
    ],
  },
  {
    name: "fires for an outbound allow to the internet, another port or an unlisted tag before the deny",
    resources: () => [
      nsg([
        {
          direction: "Outbound",
          destinationAddressPrefix: "Internet",
          destinationPortRange: "443",
          priority: 100,
        },
        {
          direction: "Outbound",
          destinationAddressPrefix: "AzureMonitor",
          destinationPortRange: "80",
          priority: 110,
        },
        {
          direction: "Outbound",
          destinationAddressPrefix: "Sql",
          destinationPortRange: "443",
          priority: 120,
        },
        {
          direction: "Outbound",
          destinationAddressPrefix: "Storage",
          destinationPortRange: "443",
          priority: 130,
        },
        {
          direction: "Outbound",
          access: "Deny",
          protocol: "*",
          destinationAddressPrefix: "*",
          destinationPortRange: "*",
          priority: 4096,
        },
      ]),
    ],
    expect: [
      `${R.nsg}::nsg  securityRules[0] rule0 allows Tcp port 443 to Internet; outbound allows must be Tcp 443 to one of AzureContainerRegistry, Storage, AzureMonitor, AzureResourceManager`,
      `${R.nsg}::nsg  securityRules[1] rule1 allows Tcp port 80 to AzureMonitor; outbound allows must be Tcp 443 to one of AzureContainerRegistry, Storage, AzureMonitor, AzureResourceManager`,
      `${R.nsg}::nsg  securityRules[2] rule2 allows Tcp port 443 to Sql; outbound allows must be Tcp 443 to one of AzureContainerRegistry, Storage, AzureMonitor, AzureResourceManager`,
    ],
  },
]);

table(noAdminPortsFromInternet, [
  {
    name: "fires for SSH and RDP from the internet on every cloud",
    resources: () => [
      awsRule("ssh", { cidrIpv4: "0.0.0.0/0", fromPort: 22, toPort: 22 }),
      firewall("rdp", {
        sourceRanges: ["0.0.0.0/0"],
        allows: [{ protocol: "tcp", ports: ["3000-4000"] }],
      }),
      resource(R.securityRule, "any", {
        access: "Allow",
        direction: "Inbound",
        sourceAddressPrefix: "*",
        destinationPortRange: "*",
      }),
    ],
    expect: [
      `${R.ingress}::ssh  rule opens port 22 to 0.0.0.0/0`,
      `${R.firewall}::rdp  allows[0] opens port 3389 to 0.0.0.0/0`,
      `${R.securityRule}::any  rule opens port 22 to *`,
      `${R.securityRule}::any  rule opens port 3389 to *`,
    ],
  },
  {
    name: "passes SSH through IAP and from the VPC, and Azure deny rules",
    resources: () => [
      firewall("iap", {
        sourceRanges: ["35.235.240.0/20"],
        allows: [{ protocol: "tcp", ports: ["22"] }],
      }),
      awsRule("bastion", { cidrIpv4: "10.0.0.0/8", fromPort: 22, toPort: 22 }),
      nsg([{ access: "Deny", sourceAddressPrefix: "*", destinationPortRange: "*" }]),
    ],
    expect: [],
  },
]);

table(internetOnlyThroughLoadBalancer, [
  {
    name: "fires when the task security group admits the internet (prod plan)",
    resources: () =>
      brokenPlan(
        "prod",
        "aws",
        R.ingress,
        (i) => {
          delete i.referencedSecurityGroupId;
          i.cidrIpv4 = "0.0.0.0/0";
        },
        "web-task-in-alb",
      ),
    expect: [
      `${R.ingress}::web-task-in-alb  web-task-in-alb opens port 8080 to the internet on a security group no internet-facing load balancer uses; instances must only admit the load balancer`,
    ],
  },
  {
    name: "fires when an Azure internet rule serves a port no load-balancing rule uses (prod plan)",
    resources: () =>
      brokenPlan("prod", "azure", R.nsg, (i) => {
        (i.securityRules as Obj[])[0].destinationPortRange = "9090";
      }),
    expect: [
      `${R.nsg}::web-nsg  web-nsg securityRules[0] allow-http-from-internet admits the internet on port 9090, which no load-balancing rule serves (80, 8080)`,
    ],
  },
]);

// -----------------------------------------------------------------------------------------------
// Capacity and deployment

table(spreadOverZones, [
  {
    name: "fires when the VPC spans one zone (prod plan)",
    resources: () =>
      brokenPlan("prod", "aws", R.vpc, (i) => (i.availabilityZoneNames = ["us-east-1a"])),
    expect: [`${R.vpc}::web-vpc  the VPC spans 1 availability zone(s); at least 2 are needed`],
  },
  {
    name: "fires when the MIG is pinned to one zone (prod plan), and for any zonal MIG",
    resources: async () => [
      ...(await brokenPlan(
        "prod",
        "gcp",
        R.mig,
        (i) => (i.distributionPolicyZones = ["us-central1-a"]),
      )),
      resource(R.zonalMig, "zonal", {}),
    ],
    expect: [
      `${R.mig}::web-mig  distributionPolicyZones lists 1 zone(s) (us-central1-a); at least 2 are needed`,
      `${R.zonalMig}::zonal  a zonal instance group lives in one zone; use a regional group (RegionInstanceGroupManager)`,
    ],
  },
  {
    name: "fires when the scale set has one zone (prod plan)",
    resources: () => brokenPlan("prod", "azure", R.vmss, (i) => (i.zones = ["1"])),
    expect: [`${vmss}  zones is ["1"]; the scale set must span at least 2 zones`],
  },
]);

table(minimumTwoInstances, [
  {
    name: "fires when autoscaling may go down to one task (prod plan) or the service runs one",
    resources: async () => [
      ...(await brokenPlan("prod", "aws", R.scaling, (i) => (i.minCapacity = 1))),
      resource(R.ecsService, "single", { desiredCount: 1 }),
      resource(R.ecsService, "unset", {}),
    ],
    expect: [
      `${R.scaling}::web-scaling  minCapacity is 1; autoscaling must keep at least 2`,
      `${R.ecsService}::single  desiredCount is 1; at least 2 are needed`,
      `${R.ecsService}::unset  desiredCount is 1; at least 2 are needed`,
    ],
  },
  {
    name: "fires for a GCP autoscaler minimum of 1 and a MIG of one",
    resources: () => [
      resource(R.autoscaler, "as", { autoscalingPolicy: { minReplicas: 1, maxReplicas: 4 } }),
      resource(R.mig, "mig", { targetSize: 1 }),
    ],
    expect: [
      `${R.autoscaler}::as  autoscalingPolicy.minReplicas is 1; at least 2 are needed`,
      `${R.mig}::mig  targetSize is 1; at least 2 are needed`,
    ],
  },
  {
    name: 'fires for an Azure scale set of one and an autoscale minimum of "1" (prod plan)',
    resources: async () => {
      const plan = await brokenPlan("prod", "azure", R.autoscale, (i) => {
        ((i.profiles as Obj[])[0].capacity as Obj).minimum = "1";
      });
      return [...plan, resource(R.vmss, "one", { sku: { capacity: 1 }, zones: ["1", "2"] })];
    },
    expect: [
      `${R.autoscale}::web-autoscale  profiles[0].capacity.minimum is 1; at least 2 are needed`,
      `${R.vmss}::one  sku.capacity is 1; at least 2 are needed`,
    ],
  },
]);

table(rollingUpdatesKeepCapacity, [
  {
    name: "fires when ECS may stop half the tasks first (prod plan) or has no room to surge",
    resources: async () => [
      ...(await brokenPlan(
        "prod",
        "aws",
        R.ecsService,
        (i) => (i.deploymentMinimumHealthyPercent = 50),
      )),
      resource(R.ecsService, "nosurge", { deploymentMaximumPercent: 100 }),
      resource(R.ecsService, "bluegreen", {
        deploymentController: { type: "CODE_DEPLOY" },
        deploymentMinimumHealthyPercent: 0,
      }),
    ],
    expect: [
      `${ecsService}  deploymentMinimumHealthyPercent is 50; below 100 a rollout stops tasks before their replacements serve`,
      `${R.ecsService}::nosurge  deploymentMaximumPercent is 100; with no room above 100 % a rollout cannot start a replacement first`,
    ],
  },
  {
    name: "fires when the MIG may take instances out (prod plan) or has no update policy",
    resources: async () => [
      ...(await brokenPlan(
        "prod",
        "gcp",
        R.mig,
        (i) => ((i.updatePolicy as Obj).maxUnavailableFixed = 3),
      )),
      resource(R.mig, "default", {}),
    ],
    expect: [
      `${R.mig}::web-mig  updatePolicy.maxUnavailableFixed is 3; it must be 0 so a rollout never takes an instance out before its replacement is ready`,
      `${R.mig}::default  no updatePolicy: Compute Engine's default takes up to one instance per zone out of service during a rollout; set maxUnavailableFixed to 0`,
    ],
  },
  {
    name: "fires for manual upgrades and for rolling upgrades without surge",
    resources: async () => [
      ...(await brokenPlan(
        "prod",
        "azure",
        R.vmss,
        (i) => ((i.upgradePolicy as Obj).mode = "Manual"),
      )),
      resource(R.vmss, "nosurge", { upgradePolicy: { mode: "Rolling", rollingUpgradePolicy: {} } }),
    ],
    expect: [
      `${vmss}  upgradePolicy.mode is "Manual"; it must be "Rolling" so instances are replaced in health-gated batches`,
      `${R.vmss}::nosurge  upgradePolicy.rollingUpgradePolicy.maxSurge is not true: each batch is taken out of service before its replacements exist`,
    ],
  },
]);

table(healthChecksAndSelfHealing, [
  {
    name: "fires for a disabled target-group check (prod plan), a check without path and a service without load balancer",
    resources: async () => [
      ...(await brokenPlan("prod", "aws", R.tg, (i) => ((i.healthCheck as Obj).enabled = false))),
      resource(R.tg, "nopath", { protocol: "HTTP", healthCheck: { enabled: true } }),
      resource(R.ecsService, "unbalanced", { desiredCount: 2 }),
    ],
    expect: [
      `${R.tg}::web-tg  healthCheck.enabled is false: failed targets keep receiving requests`,
      `${R.tg}::nopath  healthCheck.path is unset: the check probes / instead of the health endpoint`,
      `${R.ecsService}::unbalanced  no loadBalancers: ECS cannot replace tasks the load balancer finds unhealthy`,
    ],
  },
  {
    name: "fires for a MIG without autohealing (prod plan) and a backend without health checks",
    resources: async () => [
      ...(await brokenPlan("prod", "gcp", R.mig, (i) => delete i.autoHealingPolicies)),
      resource(R.backend, "blind", { backends: [] }),
    ],
    expect: [
      `${R.mig}::web-mig  autoHealingPolicies.healthCheck is unset: failed VMs are never recreated`,
      `${R.backend}::blind  healthChecks is empty: the load balancer sends requests to failed VMs`,
    ],
  },
  {
    name: "fires for a scale set without repairs or health signal (prod plan) and a rule without probe",
    resources: async () => [
      ...(await brokenPlan("prod", "azure", R.vmss, (i) => {
        delete i.automaticRepairsPolicy;
        delete ((i.virtualMachineProfile as Obj).extensionProfile as Obj).extensions;
      })),
      resource(R.azureLb, "lb", { loadBalancingRules: [{ name: "http", frontendPort: 80 }] }),
    ],
    expect: [
      `${vmss}  automaticRepairsPolicy.enabled is not true: failed VMs are never replaced`,
      `${vmss}  neither a load balancer healthProbe nor the Application Health extension: rolling upgrades and repairs have no health signal`,
      `${R.azureLb}::lb  no probes: the load balancer sends requests to failed instances`,
      `${R.azureLb}::lb  loadBalancingRules[0] has no probe`,
    ],
  },
]);

// -----------------------------------------------------------------------------------------------
// Identity

table(noWildcardIamActions, [
  {
    name: "fires when the execution role may pull any repository (prod plan)",
    resources: () =>
      brokenPlan("prod", "aws", R.rolePolicy, (i) => {
        const doc = JSON.parse(i.policy as string) as { Statement: Obj[] };
        doc.Statement[1].Resource = "*";
        i.policy = JSON.stringify(doc);
      }),
    expect: [
      `${R.rolePolicy}::web-execution  policy: Statement[1] (PullThisRepository) allows ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on every resource (*); only ecr:GetAuthorizationToken may use Resource "*"`,
    ],
  },
  {
    name: "fires for wildcard actions, NotAction, NotResource and a trust any principal may use",
    resources: () => [
      resource(R.rolePolicy, "wild", {
        policy: iamDoc(
          { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" },
          { Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b" },
          { Effect: "Allow", Action: "logs:PutLogEvents", NotResource: "arn:aws:logs:*:*:x" },
          { Effect: "Deny", Action: "*", Resource: "*" },
        ),
      }),
      resource(R.role, "open", {
        assumeRolePolicy: iamDoc({
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "sts:AssumeRole",
        }),
        inlinePolicies: [
          {
            name: "inline",
            policy: iamDoc({ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }),
          },
        ],
      }),
    ],
    expect: [
      `${R.rolePolicy}::wild  policy: Statement[0] allows wildcard actions s3:*; name each action`,
      `${R.rolePolicy}::wild  policy: Statement[1] uses NotAction, which allows every action not listed`,
      `${R.rolePolicy}::wild  policy: Statement[2] uses NotResource, which allows every resource not listed`,
      `${R.role}::open  assumeRolePolicy: Statement[0] lets any principal assume the role`,
      `${R.role}::open  inlinePolicies[0].policy: Statement[0] allows wildcard actions ec2:Describe*; name each action`,
      `${R.role}::open  inlinePolicies[0].policy: Statement[0] allows ec2:Describe* on every resource (*); only ecr:GetAuthorizationToken may use Resource "*"`,
    ],
  },
  {
    name: "reads documents given as objects, reports unreadable ones, honours the allow-list config",
    resources: () => [
      resource(R.rolePolicy, "object", {
        policy: {
          Version: "2012-10-17",
          Statement: { Effect: "Allow", Action: "sts:GetCallerIdentity", Resource: "*" },
        },
      }),
      resource(R.rolePolicy, "broken", { policy: "{not json" }),
    ],
    config: { "no-wildcard-iam-actions": { allowedOnAnyResource: ["sts:GetCallerIdentity"] } },
    expect: [`${R.rolePolicy}::broken  policy: the document is not valid JSON`],
  },
  {
    name: "fires for an Azure custom role with wildcard actions",
    resources: () => [
      resource(R.roleDefinition, "custom", {
        permissions: [{ actions: ["Microsoft.Compute/*"], dataActions: [] }],
      }),
    ],
    expect: [
      `${R.roleDefinition}::custom  permissions[0].actions has wildcards Microsoft.Compute/*`,
    ],
  },
]);

table(noBroadRoles, [
  {
    name: "fires for AdministratorAccess on the task role (prod plan) and PowerUserAccess in GovCloud",
    resources: async () => [
      ...(await brokenPlan(
        "prod",
        "aws",
        R.role,
        (i) => (i.managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]),
        "web-task",
      )),
      resource(R.attachment, "power", {
        role: "r",
        policyArn: "arn:aws-us-gov:iam::aws:policy/PowerUserAccess",
      }),
    ],
    expect: [
      `${R.role}::web-task  managedPolicyArns attaches arn:aws:iam::aws:policy/AdministratorAccess`,
      `${R.attachment}::power  attaches arn:aws-us-gov:iam::aws:policy/PowerUserAccess`,
    ],
  },
  {
    name: "fires for GCP basic roles on members, bindings and whole policies (prod plan for one)",
    resources: async () => [
      ...(await brokenPlan(
        "prod",
        "gcp",
        R.projectMember,
        (i) => (i.role = "roles/editor"),
        "web-vm-logging",
      )),
      resource(R.repoMember, "repo-owner", { role: "roles/owner", member: "user:a@example.com" }),
      resource(R.projectBinding, "viewers", { role: "roles/viewer", members: [] }),
      resource(R.projectPolicy, "policy", {
        policyData: JSON.stringify({
          bindings: [{ role: "roles/logging.viewer" }, { role: "roles/owner" }],
        }),
      }),
    ],
    expect: [
      `${R.projectMember}::web-vm-logging  role grants roles/editor, a basic role; grant the predefined roles the workload needs`,
      `${R.repoMember}::repo-owner  role grants roles/owner, a basic role; grant the predefined roles the workload needs`,
      `${R.projectBinding}::viewers  role grants roles/viewer, a basic role; grant the predefined roles the workload needs`,
      `${R.projectPolicy}::policy  policyData.bindings[1] grants roles/owner, a basic role; grant the predefined roles the workload needs`,
    ],
  },
  {
    name: "fires for an Azure Contributor assignment (prod plan)",
    resources: () =>
      brokenPlan("prod", "azure", R.roleAssignment, (i) => {
        i.roleDefinitionId = (i.roleDefinitionId as string).replace(
          /[^/]+$/,
          "b24988ac-6180-42a0-ab88-20f7382dd24c",
        );
      }),
    expect: [
      `${R.roleAssignment}::web-acr-pull  roleDefinitionId is Contributor (b24988ac-6180-42a0-ab88-20f7382dd24c); assign the built-in role that grants only what is needed`,
    ],
  },
]);

table(gcpNoDefaultServiceAccount, [
  {
    name: 'fires for the default compute account (prod plan), "default" and no account',
    resources: async () => [
      ...(await brokenPlan("prod", "gcp", R.template, (i) => {
        (i.serviceAccount as Obj).email = "123456789012-compute@developer.gserviceaccount.com";
      })),
      resource(R.template, "default", { serviceAccount: { email: "default", scopes: [] } }),
      resource(R.template, "none", {}),
    ],
    expect: [
      `${template}  serviceAccount.email is "123456789012-compute@developer.gserviceaccount.com": the VMs would run as the default compute service account; set a dedicated one`,
      `${R.template}::default  serviceAccount.email is "default": the VMs would run as the default compute service account; set a dedicated one`,
      `${R.template}::none  serviceAccount.email is undefined: the VMs would run as the default compute service account; set a dedicated one`,
    ],
  },
]);

// -----------------------------------------------------------------------------------------------
// Hardening

table(azureNoPasswordAuth, [
  {
    name: "fires when password login is enabled (prod plan) and for Windows with an admin password",
    resources: async () => [
      ...(await brokenPlan("prod", "azure", R.vmss, (i) => {
        const os = (i.virtualMachineProfile as Obj).osProfile as Obj;
        (os.linuxConfiguration as Obj).disablePasswordAuthentication = false;
      })),
      resource(R.vmss, "windows", {
        virtualMachineProfile: {
          osProfile: { adminPassword: "[secret]", windowsConfiguration: {} },
        },
      }),
    ],
    expect: [
      `${vmss}  osProfile.linuxConfiguration.disablePasswordAuthentication is not true: password logins are possible`,
      `${R.vmss}::windows  the scale set runs Windows, which has no key-only login; use a Linux image`,
      `${R.vmss}::windows  osProfile.linuxConfiguration.disablePasswordAuthentication is not true: password logins are possible`,
      `${R.vmss}::windows  osProfile.adminPassword is set; remove it`,
    ],
  },
]);

table(logRetentionSet, [
  {
    name: "fires for a log group kept forever (prod plan), a bucket and a workspace without retention",
    resources: async () => [
      ...(await brokenPlan("prod", "aws", R.logGroup, (i) => delete i.retentionInDays)),
      resource(R.logGroup, "zero", { retentionInDays: 0 }),
      resource(R.logBucket, "bucket", { bucketId: "_Default" }),
      resource(R.workspace, "ws", { sku: { name: "PerGB2018" } }),
    ],
    expect: [
      `${R.logGroup}::web-logs  retentionInDays is unset: CloudWatch keeps the logs forever`,
      `${R.logGroup}::zero  retentionInDays is unset: CloudWatch keeps the logs forever`,
      `${R.logBucket}::bucket  retentionDays is unset: the bucket keeps Cloud Logging's default of 30 days`,
      `${R.workspace}::ws  retentionInDays is unset: the workspace keeps its pricing tier's default`,
    ],
  },
]);

table(logRetentionConfigured, [
  {
    name: "fires for each cloud with no log store, not for one that has it",
    resources: () => [
      resource(R.template, "tpl", {}),
      resource(R.vmss, "vmss", {}),
      resource(R.ecsService, "svc", {}),
      resource(R.logGroup, "logs", { retentionInDays: 7 }),
    ],
    expect: [
      "(stack)  the stack deploys to gcp but configures no log store (gcp:logging/projectBucketConfig:ProjectBucketConfig), so log retention is the provider's default rather than the stack's logRetentionDays",
      "(stack)  the stack deploys to azure but configures no log store (azure-native:operationalinsights:Workspace), so log retention is the provider's default rather than the stack's logRetentionDays",
    ],
  },
]);

/**
 * The registry lives in the bootstrap program's shared layer now (docs/decisions.md), so the rule
 * is checked on the bootstrap's own registry: as shipped it passes, broken it fires.
 */
async function bootstrapRegistry(
  cloud: "aws" | "gcp" | "azure",
  type: string,
  patch?: (inputs: Record<string, unknown>) => void,
): Promise<PlannedResource[]> {
  const run = await runBootstrap(bootstrapConfig[cloud]);
  const found = ofBootstrapType(run, type);
  if (found.length !== 1) throw new Error(`expected one ${type} in the ${cloud} bootstrap`);
  // Named "images" here so one expected line serves every cloud's bootstrap naming.
  const registries = found.map((r) => ({ ...structuredClone(r), name: "images" }));
  if (patch !== undefined) registries.forEach((r) => patch(r.inputs));
  return registries;
}

table(registryImmutableAndScanned, [
  {
    name: "passes the bootstrap's shared registries as shipped, on every cloud",
    resources: async () => [
      ...(await bootstrapRegistry("aws", R.ecr)),
      ...(await bootstrapRegistry("gcp", R.ar)),
      ...(await bootstrapRegistry("azure", R.acr)),
    ],
    expect: [],
  },
  {
    name: "fires for a mutable, unscanned ECR repository",
    resources: () =>
      bootstrapRegistry("aws", R.ecr, (i) => {
        i.imageTagMutability = "MUTABLE";
        delete i.imageScanningConfiguration;
      }),
    expect: [
      `${R.ecr}::images  imageTagMutability is MUTABLE: a pushed version can be overwritten`,
      `${R.ecr}::images  imageScanningConfiguration.scanOnPush is not true: pushed images are not scanned`,
    ],
  },
  {
    name: "fires for mutable Artifact Registry tags and an ACR admin user",
    resources: async () => [
      ...(await bootstrapRegistry("gcp", R.ar, (i) => delete i.dockerConfig)),
      ...(await bootstrapRegistry("azure", R.acr, (i) => (i.adminUserEnabled = true))),
    ],
    expect: [
      `${R.ar}::images  dockerConfig.immutableTags is not true: a pushed version can be overwritten`,
      `${R.acr}::images  adminUserEnabled is true: a shared admin password can push and overwrite images; pull with a managed identity`,
    ],
  },
]);

const albType = "aws:lb/loadBalancer:LoadBalancer";
table(awsAlbAccessLogs, [
  {
    name: "passes the AWS prod plan, whose ALB logs to the stack's log bucket",
    resources: () => planStack("prod", "aws").then((plan) => [...plan.resources]),
    expect: [],
  },
  {
    name: "fires when the prod plan's ALB loses its access logs",
    resources: () =>
      brokenPlan("prod", "aws", albType, (i) => {
        delete i.accessLogs;
      }),
    expect: [
      `${albType}::web-alb  accessLogs is undefined; enable access logs into a bucket the Region's ELB log delivery may write (providers/aws/logs.ts)`,
    ],
  },
  {
    name: "fires for disabled logs and ignores network load balancers",
    resources: () => [
      resource(albType, "off", { accessLogs: { bucket: "b", enabled: false } }),
      resource(albType, "nlb", { loadBalancerType: "network" }),
    ],
    expect: [
      `${albType}::off  accessLogs is {"bucket":"b","enabled":false}; enable access logs into a bucket the Region's ELB log delivery may write (providers/aws/logs.ts)`,
    ],
  },
]);

table(tlsModern, [
  {
    name: "fires for an old or unset ELB policy on HTTPS, not for HTTP",
    resources: () => [
      resource(R.listener, "old", {
        protocol: "HTTPS",
        port: 443,
        sslPolicy: "ELBSecurityPolicy-2016-08",
      }),
      resource(R.listener, "unset", { protocol: "HTTPS", port: 443 }),
      // Supports TLS 1.3 but still offers CBC and non-forward-secret suites to TLS 1.2 clients.
      resource(R.listener, "cbc", {
        protocol: "HTTPS",
        port: 443,
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      }),
      resource(R.listener, "http", { protocol: "HTTP", port: 80 }),
    ],
    expect: [
      `${R.listener}::old  sslPolicy is "ELBSecurityPolicy-2016-08"; use a restricted TLS 1.3 policy such as ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (no CBC or non-forward-secret suites; unset means ELBSecurityPolicy-2016-08, which allows TLS 1.0)`,
      `${R.listener}::unset  sslPolicy is undefined; use a restricted TLS 1.3 policy such as ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (no CBC or non-forward-secret suites; unset means ELBSecurityPolicy-2016-08, which allows TLS 1.0)`,
      `${R.listener}::cbc  sslPolicy is "ELBSecurityPolicy-TLS13-1-2-2021-06"; use a restricted TLS 1.3 policy such as ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (no CBC or non-forward-secret suites; unset means ELBSecurityPolicy-2016-08, which allows TLS 1.0)`,
    ],
  },
  {
    name: "fires for the AWS HTTPS listener when its policy is downgraded (prod plan with a domain)",
    resources: async () => {
      const plan = await planStack("prod", "aws", {
        domain: "www.example.com",
        awsHostedZone: "example.com",
      });
      return plan.resources.map((r) =>
        r.type === R.listener && r.inputs.protocol === "HTTPS"
          ? { ...r, inputs: { ...r.inputs, sslPolicy: "ELBSecurityPolicy-TLS-1-1-2017-01" } }
          : r,
      );
    },
    expect: [
      `${R.listener}::web-https  sslPolicy is "ELBSecurityPolicy-TLS-1-1-2017-01"; use a restricted TLS 1.3 policy such as ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (no CBC or non-forward-secret suites; unset means ELBSecurityPolicy-2016-08, which allows TLS 1.0)`,
    ],
  },
  {
    name: "fires for a GCP proxy without SSL policy and a COMPATIBLE / TLS 1.0 policy",
    resources: () => [
      resource(R.httpsProxy, "proxy", { urlMap: "map" }),
      resource(R.sslPolicy, "compat", { profile: "COMPATIBLE" }),
    ],
    expect: [
      `${R.httpsProxy}::proxy  sslPolicy is unset: the proxy uses the COMPATIBLE profile, which allows TLS 1.0; attach a MODERN or RESTRICTED policy`,
      `${R.sslPolicy}::compat  profile is COMPATIBLE; use MODERN or RESTRICTED`,
      `${R.sslPolicy}::compat  minTlsVersion is TLS_1_0; use TLS_1_2 or later`,
    ],
  },
]);

table(tagsPresent, [
  {
    name: "fires when the AWS provider's defaultTags lose owner (prod plan) or a resource blanks one",
    resources: async () => [
      ...(await brokenPlan("prod", "aws", R.awsProvider, (i) => {
        const tags = JSON.parse(i.defaultTags as string) as { tags: Obj };
        delete tags.tags.owner;
        i.defaultTags = JSON.stringify(tags);
      })),
      resource(
        R.logGroup,
        "blanked",
        { retentionInDays: 7, tags: { environment: "" } },
        { provider: "pulumi:providers:aws::web-aws" },
      ),
    ],
    expect: [
      `${R.awsProvider}::web-aws  defaultTags lacks owner; every resource of this provider would too`,
      `${R.logGroup}::blanked  tags (with the provider's defaultTags) lack environment, owner`,
    ],
  },
  {
    name: "fires when GCP default labels or monitoring userLabels lack a key (prod plan)",
    resources: async () => [
      ...(await brokenPlan("prod", "gcp", R.gcpProvider, (i) => {
        i.defaultLabels = JSON.stringify({ project: "p", stack: "s", "managed-by": "pulumi" });
      })),
      resource(R.alertPolicy, "alert", { userLabels: { environment: "prod" } }),
    ],
    expect: [
      `${R.gcpProvider}::web-gcp  defaultLabels lacks environment, owner; every resource of this provider would too`,
      `${R.alertPolicy}::alert  userLabels lacks owner, project, stack, managed-by`,
    ],
  },
  {
    name: "fires when an Azure resource loses its owner tag (prod plan), with configurable keys",
    resources: async () =>
      (
        await brokenPlan("prod", "azure", R.vmss, (i) => {
          i.tags = { ...(i.tags as Obj), owner: "" };
        })
      ).filter((r) => r.type === R.vmss),
    config: { "tags-present": { requiredKeys: ["owner", "cost-centre"] } },
    expect: [`${vmss}  tags lacks owner, cost-centre`],
  },
]);

describe("policy pack", () => {
  it("has a fixture table above for every policy it contains", () => {
    const covered = [
      noPublicIpOnInstances,
      ingressOnlyToListenerPorts,
      noAdminPortsFromInternet,
      internetOnlyThroughLoadBalancer,
      azureEgressRestricted,
      spreadOverZones,
      minimumTwoInstances,
      rollingUpdatesKeepCapacity,
      healthChecksAndSelfHealing,
      noWildcardIamActions,
      noBroadRoles,
      gcpNoDefaultServiceAccount,
      azureNoPasswordAuth,
      awsAlbAccessLogs,
      logRetentionSet,
      logRetentionConfigured,
      registryImmutableAndScanned,
      tlsModern,
      tagsPresent,
      productionServesHttps,
    ].map((p) => p.name);
    assert.deepEqual(policies.map((p) => p.name).sort(), [...covered].sort());
  });

  it("names every policy uniquely, in kebab case, with a description and an enforcement level", () => {
    const names = policies.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const p of policies) {
      assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(p.description.length > 20, p.name);
      assert.ok(p.enforcementLevel === "mandatory" || p.enforcementLevel === "advisory", p.name);
    }
  });
});
