/**
 * The cost arithmetic, pinned against hand computations written out as expressions: each expected
 * figure is the count from the stack file times the unit price from the public price page (as
 * recorded in providers/<cloud>/cost.ts) times 730 hours. If a price in the table changes, these tests
 * fail and the new figure has to be computed again by hand.
 */
import assert from "node:assert/strict";
import { estimateCost, Estimate } from "../../tools/cost/estimate";
import { ServiceTopology } from "../../components/topology";
import { PlannedResource } from "../../tools/plan/recorder";
import { planStack } from "../helpers/plan";
import { landed } from "../policy/fixtures";

const H = 730;

/** item → monthly, for comparing a whole estimate at once. */
const byItem = (e: Estimate) => Object.fromEntries(e.lines.map((l) => [l.item, l.monthly]));

function assertMoney(actual: Record<string, number>, expected: Record<string, number>) {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [item, value] of Object.entries(expected)) {
    assert.ok(Math.abs(actual[item] - value) < 1e-9, `${item}: ${actual[item]} != ${value}`);
  }
}

const total = (items: Record<string, number>) => Object.values(items).reduce((a, b) => a + b, 0);

describe("cost · AWS", () => {
  it("prod: 3 tasks of 1 vCPU / 2 GB, one ALB in 3 zones, a NAT per zone, 7 alarms, 1 KMS key", async () => {
    const e = estimateCost(await planStack("prod", "aws"));
    const expected = {
      "Fargate vCPU: 3 tasks × 1 vCPU × 730 h": 3 * 1 * H * 0.04048, // 88.6512
      "Fargate memory: 3 tasks × 2 GB × 730 h": 3 * 2 * H * 0.004445, // 19.4691
      "load balancer: 730 h": H * 0.0225, // 16.425
      "LCU baseline: 1 LCU × 730 h (assumed; traffic decides)": H * 0.008, // 5.84
      "public IPv4: 3 (one per zone) × 730 h": 3 * H * 0.005, // 10.95
      "NAT gateways: 3 (OnePerAz) × 730 h": 3 * H * 0.045, // 98.55
      "NAT Elastic IPs: 3 × 730 h": 3 * H * 0.005, // 10.95
      "standard-resolution alarms": 7 * 0.1, // 0.70
      "customer managed KMS key": 1, // the alerts topic's key
    };
    assertMoney(byItem(e), expected);
    assert.ok(Math.abs(e.total - 252.5353) < 1e-9, String(e.total));
    assert.ok(Math.abs(e.total - total(expected)) < 1e-9);
  });

  it("test: 2 tasks of 0.5 vCPU / 1 GB over 2 zones and a single NAT", async () => {
    const e = estimateCost(await planStack("test", "aws"));
    assertMoney(byItem(e), {
      "Fargate vCPU: 2 tasks × 0.5 vCPU × 730 h": 2 * 0.5 * H * 0.04048, // 29.5504
      "Fargate memory: 2 tasks × 1 GB × 730 h": 2 * 1 * H * 0.004445, // 6.4897
      "load balancer: 730 h": H * 0.0225,
      "LCU baseline: 1 LCU × 730 h (assumed; traffic decides)": H * 0.008,
      "public IPv4: 2 (one per zone) × 730 h": 2 * H * 0.005, // 7.30
      "NAT gateways: 1 (Single) × 730 h": 1 * H * 0.045, // 32.85
      "NAT Elastic IPs: 1 × 730 h": 1 * H * 0.005, // 3.65
      "standard-resolution alarms": 7 * 0.1,
      "customer managed KMS key": 1,
    });
    assert.ok(Math.abs(e.total - 103.8051) < 1e-9, String(e.total));
  });

  it("lists usage-based items as not estimated, and prices logs only when a volume is assumed", async () => {
    const plan = await planStack("prod", "aws");
    const plain = estimateCost(plan);
    // No ECR repository: the images live in the bootstrap's shared registry, priced with it.
    assert.deepEqual(plain.notEstimated.map((u) => u.resource).sort(), [
      "aws:cloudwatch/logGroup:LogGroup::web-logs",
      // Access and flow logs in S3 (providers/aws/logs.ts): priced per GB kept and delivered.
      "aws:ec2/flowLog:FlowLog::web-flows",
      "aws:ecs/cluster:Cluster::web-cluster",
      "aws:s3/bucket:Bucket::web-logs",
      "aws:sns/topic:Topic::web-alerts",
      "aws:wafv2/webAcl:WebAcl::web-waf",
      "awsx:ec2:Vpc::web-vpc",
    ]);
    const assumed = estimateCost(plan, { logGbPerMonth: 20 });
    assert.equal(byItem(assumed)["log ingestion: 20 GB (assumed)"], 20 * 0.5); // $10.00
    assert.ok(Math.abs(assumed.total - (plain.total + 10)) < 1e-9);
    assert.deepEqual(assumed.assumptions, [
      "3 tasks, the deployed count; autoscaling may run up to 12",
      "20 GB of logs a month",
      "1 ALB LCU on average; traffic decides the real figure",
    ]);
  });
});

describe("cost · GCP", () => {
  it("prod: 3 e2-medium VMs with 10 GB balanced disks and one forwarding rule", async () => {
    const e = estimateCost(await planStack("prod", "gcp"));
    assertMoney(byItem(e), {
      "e2-medium: 3 VMs × 730 h": 3 * H * 0.033503, // 73.37157
      "pd-balanced disk: 3 VMs × 10 GB": 3 * 10 * 0.1, // 3.00
      "forwarding rules: 1 (first 5 at one rate) × 730 h": H * 0.025, // 18.25
    });
    assert.ok(Math.abs(e.total - 94.62157) < 1e-9, String(e.total));
  });

  it("with a domain: two forwarding rules still cost the one rate", async () => {
    const e = estimateCost(await planStack("prod", "gcp", { domain: "www.example.com" }));
    assert.equal(byItem(e)["forwarding rules: 2 (first 5 at one rate) × 730 h"], H * 0.025);
    assert.ok(
      e.free.some(
        (f) => f.resource === "gcp:compute/globalForwardingRule:GlobalForwardingRule::web-fr-https",
      ),
    );
  });
});

describe("cost · Azure", () => {
  before(async function () {
    if (!(await landed("azure"))) this.skip();
  });

  it("prod: 3 D2as_v5 VMs with E4 disks, a Standard LB with 2 rules, one IP (the registry is the bootstrap's)", async () => {
    const e = estimateCost(await planStack("prod", "azure"));
    assertMoney(byItem(e), {
      "Standard_D2as_v5: 3 VMs × 730 h": 3 * H * 0.086, // 188.34
      "OS disks: 3 × Standard SSD E4 (image default 30 GiB)": 3 * 2.4, // 7.20
      "Standard rules: 2 (first 5 at one rate) × 730 h": H * 0.025, // 18.25
      "Standard static IPv4 × 730 h": H * 0.005, // 3.65
      "metric alerts, one time series each": 3 * 0.1, // 0.30
    });
  });
});

/**
 * Minimal hand-written plans for the branches the stacks do not take. Instance counts and sizes
 * are priced from the deploy's topology (components/topology.ts), so a plan with an instance
 * group carries the part of one that the rules read.
 */
const withInstances = (instances: Partial<ServiceTopology["instances"]>) => ({
  outputs: { topology: { instances: { min: 1, max: 1, desired: 1, ...instances } } },
});

const r = (type: string, name: string, inputs: Record<string, unknown>): PlannedResource => ({
  type,
  name,
  parent: null,
  inputs,
  custom: true,
  provider: null,
});

describe("cost · rules beyond the stacks", () => {
  it("GCP: forwarding rules beyond five add the per-rule rate", () => {
    const rules = Array.from({ length: 7 }, (_, i) =>
      r("gcp:compute/globalForwardingRule:GlobalForwardingRule", `fr${i}`, {}),
    );
    const e = estimateCost({ stack: "x", cloud: "gcp", resources: rules });
    assertMoney(byItem(e), {
      "forwarding rules: 7 (first 5 at one rate) × 730 h": H * 0.025, // 18.25
      "forwarding rules beyond 5: 2 × 730 h": 2 * H * 0.01, // 14.60
    });
  });

  it("GCP: Cloud NAT is priced per VM, capped at 32", () => {
    const e = estimateCost({
      stack: "x",
      cloud: "gcp",
      ...withInstances({ desired: 40 }),
      resources: [
        r("gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager", "mig", {
          targetSize: 40,
        }),
        r("gcp:compute/routerNat:RouterNat", "nat", {}),
      ],
    });
    assert.equal(byItem(e)["Cloud NAT: 32 VMs × 730 h"], 32 * H * 0.0014); // 32.704
  });

  it("Azure: a NAT gateway and more than five load-balancer rules", () => {
    const e = estimateCost({
      stack: "x",
      cloud: "azure",
      resources: [
        r("azure-native:network:NatGateway", "nat", {}),
        r("azure-native:network:LoadBalancer", "lb", {
          loadBalancingRules: [{}, {}, {}, {}],
          outboundRules: [{}],
          inboundNatRules: [{}, {}],
        }),
      ],
    });
    assertMoney(byItem(e), {
      "NAT gateway × 730 h": H * 0.045, // 32.85
      "Standard rules: 7 (first 5 at one rate) × 730 h": H * 0.025, // 18.25
      "rules beyond 5: 2 × 730 h": 2 * H * 0.01, // 14.60
    });
  });

  it("never prices an unknown type or size as zero: it is listed as not estimated", () => {
    const e = estimateCost({
      stack: "x",
      cloud: "azure",
      ...withInstances({ desired: 2, machineType: "Standard_M416ms_v2" }),
      resources: [
        r("azure-native:compute:VirtualMachineScaleSet", "big", {
          sku: { name: "Standard_M416ms_v2", capacity: 2 },
          virtualMachineProfile: { storageProfile: { osDisk: { diskSizeGB: 256 } } },
        }),
        r("azure-native:cdn:Profile", "cdn", {}),
      ],
    });
    assert.deepEqual(e.lines, []);
    assert.equal(e.total, 0);
    assert.deepEqual(e.notEstimated, [
      {
        resource: "azure-native:compute:VirtualMachineScaleSet::big",
        reason: "no price recorded for VM size Standard_M416ms_v2",
      },
      {
        resource: "azure-native:compute:VirtualMachineScaleSet::big",
        reason: "OS disk (default type, 256 GB): not in the price table",
      },
      {
        resource: "azure-native:cdn:Profile::cdn",
        reason: "no price recorded for azure-native:cdn:Profile",
      },
    ]);
  });

  it("classifies every resource of every landed stack: priced, free or not estimated", async () => {
    for (const cloud of ["aws", "gcp", "azure"] as const) {
      if (!(await landed(cloud))) continue;
      for (const stack of ["test", "prod"]) {
        const plan = await planStack(stack, cloud);
        const e = estimateCost(plan);
        const covered = new Set([
          ...e.lines.flatMap((l) => {
            const [type, names] = l.resource.split("::");
            return names.split(", ").map((n) => `${type}::${n}`);
          }),
          ...e.notEstimated.map((u) => u.resource),
          ...e.free.map((f) => f.resource),
        ]);
        const billable = plan.resources.filter(
          (x) => x.custom && !x.type.startsWith("pulumi:providers:"),
        );
        for (const x of billable)
          assert.ok(covered.has(`${x.type}::${x.name}`), `${cloud} ${x.type}`);
        assert.deepEqual(
          e.notEstimated.filter((u) => u.reason.startsWith("no price recorded")),
          [],
          `${cloud} ${stack}: every type the program registers has a rule`,
        );
      }
    }
  });
});
