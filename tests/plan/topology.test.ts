/**
 * The neutral topology each cloud's deploy returns (components/topology.ts): its exact value for
 * every stack file on every cloud, and that it says what the registered resources say. The
 * diagram and the cost estimate read it, so a topology that drifted from the resources would
 * draw and price something that is not deployed.
 */
import assert from "node:assert/strict";
import { Cloud, clouds } from "../../components/cloud";
import { ServiceTopology } from "../../components/topology";
import { at, first, list, num, ofType, str, strings } from "../../tools/verify/resources";
import { PlannedResource, PlanResult, planStack } from "../helpers/plan";

type Resources = readonly PlannedResource[];

const topologyOf = (plan: PlanResult) => plan.outputs.topology as ServiceTopology;

/** What the topology says that the resources do not: one line per disagreement. */
const disagreements: Readonly<Record<Cloud, (t: ServiceTopology, r: Resources) => string[]>> = {
  aws: (t, r) => {
    const vpc = first(r, "awsx:ec2:Vpc")?.inputs;
    const scaling = first(r, "aws:appautoscaling/target:Target")?.inputs;
    const task = first(r, "aws:ecs/taskDefinition:TaskDefinition")?.inputs;
    const tg = first(r, "aws:lb/targetGroup:TargetGroup")?.inputs;
    const check = at(tg, "healthCheck");
    const open = ofType(r, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
      .filter((rule) => rule.inputs.cidrIpv4 === "0.0.0.0/0")
      .map((rule) => num(rule.inputs.fromPort));
    const listeners = ofType(r, "aws:lb/listener:Listener")
      .map((l) => l.inputs)
      .filter((l) => open.includes(num(l.port)))
      .map((l) => ({
        protocol: l.protocol,
        port: l.port,
        action: at(l, "defaultActions", 0, "type") === "redirect" ? "redirect" : "forward",
      }));
    const roles = ofType(r, "aws:iam/role:Role").map((role) => role.name);
    const egress = ofType(r, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    return [
      ...same("zones", t.zones, strings(vpc?.availabilityZoneNames)),
      ...same(
        "desired",
        t.instances.desired,
        num(first(r, "aws:ecs/service:Service")?.inputs.desiredCount),
      ),
      ...same("min", t.instances.min, num(scaling?.minCapacity)),
      ...same("max", t.instances.max, num(scaling?.maxCapacity)),
      ...same(
        "machineType",
        t.instances.machineType,
        `${Number(task?.cpu) / 1024} vCPU · ${Number(task?.memory) / 1024} GB`,
      ),
      ...same("containerPort", t.instances.containerPort, num(tg?.port)),
      ...same("healthCheck", t.healthCheck, {
        path: at(check, "path"),
        // "traffic-port": the target group's own port, the container port.
        port: at(check, "port") === "traffic-port" ? num(tg?.port) : num(at(check, "port")),
        intervalSeconds: at(check, "interval"),
        timeoutSeconds: at(check, "timeout"),
        healthyThreshold: at(check, "healthyThreshold"),
        unhealthyThreshold: at(check, "unhealthyThreshold"),
      }),
      ...same("listeners", sortListeners(t.loadBalancer.listeners), sortListeners(listeners)),
      ...t.identities
        .filter((i) => !roles.includes(i.name))
        .map((i) => `identity ${i.name}: no such role`),
      ...t.egress
        .filter((e) => e.to === "0.0.0.0/0")
        .filter(
          (e) =>
            !egress.some(
              (rule) =>
                rule.inputs.cidrIpv4 === e.to &&
                `${str(rule.inputs.ipProtocol)} ${String(rule.inputs.fromPort)}` === e.ports,
            ),
        )
        .map((e) => `egress ${e.ports} to ${e.to}: no such security group rule`),
      ...same(
        "egress via",
        t.egress.map((e) => e.via),
        [
          at(vpc, "natGateways", "strategy") === "OnePerAz"
            ? "a NAT gateway per zone"
            : "one NAT gateway",
          ...list(vpc?.vpcEndpointSpecs)
            .filter((spec) => at(spec, "vpcEndpointType") === "Gateway")
            .filter((spec) => String(at(spec, "serviceName")).endsWith(".s3"))
            .map(() => "the S3 gateway endpoint"),
        ],
      ),
    ];
  },
  gcp: (t, r) => {
    const mig = first(
      r,
      "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
    )?.inputs;
    const policy = at(
      first(r, "gcp:compute/regionAutoscaler:RegionAutoscaler")?.inputs,
      "autoscalingPolicy",
    );
    const template = first(r, "gcp:compute/instanceTemplate:InstanceTemplate")?.inputs;
    const backend = first(r, "gcp:compute/backendService:BackendService")?.inputs;
    const check = r.find((h) => `${h.name}-id` === backend?.healthChecks)?.inputs;
    const listeners = ofType(r, "gcp:compute/globalForwardingRule:GlobalForwardingRule").map(
      (rule) => {
        const proxy = r.find((p) => `${p.name}-id` === rule.inputs.target);
        const map = r.find((m) => `${m.name}-id` === proxy?.inputs.urlMap);
        const https = proxy?.type === "gcp:compute/targetHttpsProxy:TargetHttpsProxy";
        return {
          protocol: https ? "HTTPS" : "HTTP",
          port: Number(rule.inputs.portRange),
          action: map?.inputs.defaultUrlRedirect !== undefined ? "redirect" : "forward",
        };
      },
    );
    const nat = first(r, "gcp:compute/routerNat:RouterNat") !== undefined;
    return [
      ...same("zones", t.zones, strings(mig?.distributionPolicyZones)),
      ...same("desired", t.instances.desired, num(mig?.targetSize)),
      ...same("min", t.instances.min, num(at(policy, "minReplicas"))),
      ...same("max", t.instances.max, num(at(policy, "maxReplicas"))),
      ...same("machineType", t.instances.machineType, str(template?.machineType)),
      ...same("containerPort", t.instances.containerPort, num(at(mig, "namedPorts", 0, "port"))),
      ...same("healthCheck", t.healthCheck, {
        path: at(check, "httpHealthCheck", "requestPath"),
        port: at(check, "httpHealthCheck", "port"),
        intervalSeconds: check?.checkIntervalSec,
        timeoutSeconds: check?.timeoutSec,
        healthyThreshold: check?.healthyThreshold,
        unhealthyThreshold: check?.unhealthyThreshold,
      }),
      ...same("listeners", sortListeners(t.loadBalancer.listeners), sortListeners(listeners)),
      ...same(
        "identities",
        t.identities.map((i) => i.name),
        [str(at(template, "serviceAccount", "email"))],
      ),
      ...same(
        "egress via Cloud NAT",
        t.egress.some((e) => e.via === "Cloud NAT"),
        nat,
      ),
    ];
  },
  azure: (t, r) => {
    const vmss = first(r, "azure-native:compute:VirtualMachineScaleSet")?.inputs;
    const capacity = at(
      first(r, "azure-native:monitor:AutoscaleSetting")?.inputs,
      "profiles",
      0,
      "capacity",
    );
    const lb = first(r, "azure-native:network:LoadBalancer")?.inputs;
    const probe = at(lb, "probes", 0);
    const listeners = list(lb?.loadBalancingRules).map((rule) => ({
      protocol: String(at(rule, "protocol")).toUpperCase(),
      port: at(rule, "frontendPort"),
      action: "forward",
    }));
    const outbound = ofType(r, "azure-native:network:NetworkSecurityGroup")
      .flatMap((nsg) => list(nsg.inputs.securityRules))
      .filter((rule) => at(rule, "direction") === "Outbound" && at(rule, "access") === "Allow")
      .map(
        (rule) =>
          `${String(at(rule, "destinationAddressPrefix"))} ${String(at(rule, "protocol")).toLowerCase()} ${String(at(rule, "destinationPortRange"))}`,
      );
    const identities = ofType(r, "azure-native:managedidentity:UserAssignedIdentity").map(
      (i) => i.name,
    );
    return [
      ...same("zones", t.zones, strings(vmss?.zones)),
      ...same("desired", t.instances.desired, num(at(vmss, "sku", "capacity"))),
      ...same("min", t.instances.min, Number(at(capacity, "minimum"))),
      ...same("max", t.instances.max, Number(at(capacity, "maximum"))),
      ...same("machineType", t.instances.machineType, str(at(vmss, "sku", "name"))),
      ...same(
        "containerPort",
        t.instances.containerPort,
        num(at(lb, "loadBalancingRules", 0, "backendPort")),
      ),
      ...same("healthCheck", t.healthCheck, {
        path: at(probe, "requestPath"),
        port: at(probe, "port"),
        intervalSeconds: at(probe, "intervalInSeconds"),
        // One setting for both directions on Azure (providers/azure/topology.ts).
        healthyThreshold: at(probe, "probeThreshold"),
        unhealthyThreshold: at(probe, "probeThreshold"),
      }),
      ...same("listeners", sortListeners(t.loadBalancer.listeners), sortListeners(listeners)),
      ...same(
        "identities",
        t.identities.map((i) => i.name),
        identities,
      ),
      ...same("egress", t.egress.map((e) => `${e.to} ${e.ports}`).sort(), [...outbound].sort()),
    ];
  },
};

function same(what: string, topology: unknown, resources: unknown): string[] {
  const a = JSON.stringify(topology);
  const b = JSON.stringify(resources);
  return a === b ? [] : [`${what}: topology says ${a}, resources say ${b}`];
}

const sortListeners = (listeners: readonly object[]) =>
  listeners.map((l) => JSON.stringify(l)).sort();

const awsExecution = {
  name: "web-execution",
  may: [
    "ecr:GetAuthorizationToken on any resource",
    "ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on the image repository",
    "logs:CreateLogStream, logs:PutLogEvents on the service's log group",
  ],
};
const awsEgress = (via: string) => [
  { what: "HTTPS to AWS APIs (ECR, CloudWatch Logs)", to: "0.0.0.0/0", ports: "tcp 443", via },
  { what: "image layers from S3", to: "S3", ports: "tcp 443", via: "the S3 gateway endpoint" },
];
const gcpAccount = (stack: string) => ({
  name: `ha-web-${stack}-vm@acme-ha-web-${stack}.iam.gserviceaccount.com`,
  may: [
    "roles/logging.logWriter: write logs to the project",
    "roles/monitoring.metricWriter: write metrics to the project",
    "roles/artifactregistry.reader: pull images from the shared repository",
  ],
});
const azureEgress = [
  ["Image pulls: registry API.", "AzureContainerRegistry"],
  ["Image pulls: layer downloads.", "Storage"],
  ["Azure Monitor Agent: logs, DCRs.", "AzureMonitor"],
  ["Azure Monitor Agent: the tag it requires besides AzureMonitor.", "AzureResourceManager"],
].map(([what, to]) => ({ what, to, ports: "tcp 443", via: "the load balancer's outbound rule" }));

const http80 = [{ protocol: "HTTP", port: 80, action: "forward" }];
const size = (stack: string) =>
  stack === "prod" ? { min: 3, desired: 3, max: 12 } : { min: 2, desired: 2, max: 4 };
const zonesOf = (stack: string, names: string[]) => (stack === "prod" ? names : names.slice(0, 2));

/**
 * Each value as the stack files ask for it (stacks/Pulumi.*.yaml) and the clouds' deploy code
 * registers it: health-check numbers from providers/aws/loadBalancer.ts `targetHealthCheck`,
 * providers/gcp/compute.ts `lbHealthCheck` and providers/azure/loadBalancer.ts's probe.
 */
const expected = (stack: string): Record<Cloud, ServiceTopology> => ({
  aws: {
    cloud: "aws",
    region: "us-east-1",
    zones: zonesOf(stack, ["us-east-1a", "us-east-1b", "us-east-1c"]),
    loadBalancer: { kind: "Application Load Balancer", layer: 7, listeners: http80 as never },
    instances: {
      ...size(stack),
      machineType: stack === "prod" ? "1 vCPU · 2 GB" : "0.5 vCPU · 1 GB",
      containerPort: 8080,
    },
    healthCheck: {
      path: "/healthz",
      port: 8080,
      intervalSeconds: 10,
      timeoutSeconds: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
    },
    identities: [awsExecution, { name: "web-task", may: [] }],
    egress: awsEgress(stack === "prod" ? "a NAT gateway per zone" : "one NAT gateway"),
  },
  gcp: {
    cloud: "gcp",
    region: "us-central1",
    zones: zonesOf(stack, ["us-central1-a", "us-central1-b", "us-central1-c"]),
    loadBalancer: {
      kind: "global external Application Load Balancer",
      layer: 7,
      listeners: http80 as never,
    },
    instances: {
      ...size(stack),
      machineType: stack === "prod" ? "e2-medium" : "e2-small",
      containerPort: 8080,
    },
    healthCheck: {
      path: "/healthz",
      port: 8080,
      intervalSeconds: 5,
      timeoutSeconds: 3,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
    },
    identities: [gcpAccount(stack)],
    egress: [
      {
        what: "Artifact Registry, Cloud Logging and Monitoring APIs",
        to: "Google APIs",
        ports: "tcp 443",
        via: "Private Google Access",
      },
    ],
  },
  azure: {
    cloud: "azure",
    region: "eastus",
    zones: zonesOf(stack, ["1", "2", "3"]),
    loadBalancer: {
      kind: "Standard Load Balancer",
      layer: 4,
      listeners: [{ protocol: "TCP", port: 80, action: "forward" }],
    },
    instances: {
      ...size(stack),
      machineType: stack === "prod" ? "Standard_D2as_v5" : "Standard_D2als_v5",
      containerPort: 8080,
    },
    healthCheck: {
      path: "/healthz",
      port: 8080,
      intervalSeconds: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
    },
    identities: [{ name: "web-identity", may: ["AcrPull: pull images from the shared registry"] }],
    egress: azureEgress,
  },
});

describe("topology: what each deploy says it built", () => {
  for (const stack of ["test", "prod"]) {
    for (const cloud of clouds) {
      describe(`${stack} on ${cloud}`, () => {
        it("is exactly what the stack file asks for", async () => {
          assert.deepEqual(topologyOf(await planStack(stack, cloud)), expected(stack)[cloud]);
        });

        it("says what the registered resources say", async () => {
          const plan = await planStack(stack, cloud);
          assert.deepEqual(disagreements[cloud](topologyOf(plan), plan.resources), []);
        });
      });
    }
  }

  // The check above must be able to fail: each broken topology is caught, naming what differs.
  const broken: readonly [string, (t: ServiceTopology) => ServiceTopology][] = [
    ["zones", (t) => ({ ...t, zones: t.zones.slice(1) })],
    ["desired", (t) => ({ ...t, instances: { ...t.instances, desired: t.instances.desired + 1 } })],
    ["min", (t) => ({ ...t, instances: { ...t.instances, min: t.instances.min - 1 } })],
    ["max", (t) => ({ ...t, instances: { ...t.instances, max: t.instances.max + 1 } })],
    ["machineType", (t) => ({ ...t, instances: { ...t.instances, machineType: "x" } })],
    ["healthCheck", (t) => ({ ...t, healthCheck: { ...t.healthCheck, intervalSeconds: 30 } })],
    [
      "listeners",
      (t) => ({
        ...t,
        loadBalancer: {
          ...t.loadBalancer,
          listeners: [
            ...t.loadBalancer.listeners,
            { protocol: "HTTPS", port: 443, action: "forward" },
          ],
        },
      }),
    ],
    ["identit", (t) => ({ ...t, identities: [{ name: "someone-else", may: [] }] })],
    [
      "egress",
      (t) => ({
        ...t,
        egress: [
          ...t.egress,
          { what: "anything", to: "0.0.0.0/0", ports: "tcp 22", via: "Cloud NAT" },
        ],
      }),
    ],
  ];
  for (const cloud of clouds) {
    it(`${cloud}: a topology that differs from the resources is caught`, async () => {
      const plan = await planStack("prod", cloud);
      for (const [what, breakIt] of broken) {
        const found = disagreements[cloud](breakIt(topologyOf(plan)), plan.resources);
        assert.ok(
          found.some((line) => line.startsWith(what) || line.includes(`${what}`)),
          `${cloud}: breaking ${what} went unnoticed: ${JSON.stringify(found)}`,
        );
      }
    });
  }

  it("with a domain: HTTP on 80 redirects and HTTPS on 443 serves (gcp)", async () => {
    const plan = await planStack("prod", "gcp", { domain: "www.example.com" });
    assert.deepEqual(topologyOf(plan).loadBalancer.listeners, [
      { protocol: "HTTP", port: 80, action: "redirect" },
      { protocol: "HTTPS", port: 443, action: "forward" },
    ]);
    assert.deepEqual(disagreements.gcp(topologyOf(plan), plan.resources), []);
  });
});
