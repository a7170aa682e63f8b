/**
 * Each cloud's diagram says what its plan says: the listeners the internet reaches, one instance
 * node per zone adding up to the deployed count, the registry and log store, and what each
 * identity may do. Changing the plan changes the picture, which is what "derived, not drawn" means.
 */
import assert from "node:assert/strict";
import { Cloud, clouds } from "../../components/cloud";
import { ServiceTopology } from "../../components/topology";
import { sharedRegistryName } from "../../providers/azure/registry";
import { toMermaid } from "../../tools/diagram/mermaid";
import { Diagram, Group, Node } from "../../tools/diagram/model";
import { diagramOf } from "../../tools/diagram/render";
import { mockAccount } from "../../tools/plan/mocks/types";
import { copyPlan, planStack } from "../helpers/plan";
import { landed } from "../policy/fixtures";

function allNodes(d: Diagram): Node[] {
  const walk = (g: Group): Node[] => [...g.nodes, ...g.groups.flatMap(walk)];
  return [...d.nodes, ...d.groups.flatMap(walk)];
}

/** Every node id of the diagram, to check edges point at something. */
const nodeIds = (d: Diagram) => allNodes(d).map((n) => n.id);
const labelOf = (d: Diagram, id: string) => allNodes(d).find((n) => n.id === id)?.label;
const edgesFrom = (d: Diagram, from: string) =>
  d.edges.filter((e) => e.from === from).map((e) => `${e.to} ${e.label ?? ""}`.trim());

/** Per cloud: the instance node ids by zone, the front door's id, the identity edges. */
const expected: Record<
  Cloud,
  {
    zones: Record<string, string[]>;
    instance: RegExp;
    lb: string;
    identity: string;
    grants: string[];
  }
> = {
  aws: {
    zones: {
      test: ["task_us_east_1a", "task_us_east_1b"],
      prod: ["task_us_east_1a", "task_us_east_1b", "task_us_east_1c"],
    },
    instance: /^Fargate task ×(\d+)$/,
    lb: "lb_web_alb",
    identity: "role_web_execution",
    grants: ["registry log in, pull web", "logs write web-logs"],
  },
  gcp: {
    zones: {
      test: ["vm_us_central1_a", "vm_us_central1_b"],
      prod: ["vm_us_central1_a", "vm_us_central1_b", "vm_us_central1_c"],
    },
    instance: /^VM ×(\d+) e2-/,
    lb: "lb",
    identity: "sa_ha_web_prod_vm", // the bootstrap's prod instance account
    grants: ["logs write logs", "monitoring write metrics", "registry pull ha-web-service"],
  },
  azure: {
    zones: { test: ["vm_1", "vm_2"], prod: ["vm_1", "vm_2", "vm_3"] },
    instance: /^VM ×(\d+) Standard_/,
    lb: "lb",
    identity: "identity_web_identity",
    grants: [`registry pull ${sharedRegistryName(mockAccount.azureSubscriptionId)}`],
  },
};

const desired = { test: 2, prod: 3 } as const;

for (const cloud of clouds) {
  const want = expected[cloud];
  describe(`diagram · ${cloud}`, () => {
    before(async function () {
      if (!(await landed(cloud))) this.skip();
    });

    for (const stack of ["test", "prod"] as const) {
      it(`${stack}: one instance node per zone, adding up to the deployed ${desired[stack]}`, async () => {
        const d = diagramOf(await planStack(stack, cloud));
        const counts = want.zones[stack].map((id) => {
          const match = want.instance.exec(labelOf(d, id)?.[0] ?? "");
          assert.ok(match, `${id}: ${JSON.stringify(labelOf(d, id))}`);
          return Number(match[1]);
        });
        assert.equal(
          counts.reduce((a, b) => a + b, 0),
          desired[stack],
        );
        assert.deepEqual(
          // Requests only: the ALB's access-log edge to the log bucket is not traffic to a zone.
          d.edges.filter((e) => e.from === want.lb && e.kind === "traffic").map((e) => e.to),
          want.zones[stack],
          "the load balancer reaches every zone",
        );
      });

      it(`${stack}: every edge joins two drawn nodes, and rendering is repeatable`, async () => {
        const plan = await planStack(stack, cloud);
        const d = diagramOf(plan);
        const ids = new Set(nodeIds(d));
        assert.equal(ids.size, nodeIds(d).length, "node ids are unique");
        for (const e of d.edges) {
          assert.ok(ids.has(e.from) && ids.has(e.to), `${e.from} -> ${e.to}`);
        }
        assert.equal(toMermaid(diagramOf(plan)), toMermaid(d));
      });
    }

    it("the internet reaches only the load balancer, on its listener ports", async () => {
      const d = diagramOf(await planStack("prod", cloud));
      const fromInternet = d.edges.filter((e) => e.from === "internet");
      assert.ok(fromInternet.length > 0);
      for (const e of fromInternet) assert.equal(e.to, want.lb);
    });

    it("the identity's edges say what it may do, from its grants", async () => {
      const d = diagramOf(await planStack("prod", cloud));
      assert.deepEqual(edgesFrom(d, want.identity).sort(), [...want.grants].sort());
    });

    // The count comes from the deploy's topology (tests/plan/topology.test.ts holds it to the
    // resources), so one more deployed instance is one more in the topology.
    it("the picture follows the topology: one more instance shows up in the first zone", async () => {
      const plan = await planStack("prod", cloud);
      const topology = plan.outputs.topology as ServiceTopology;
      const d = diagramOf({
        ...copyPlan(plan),
        stack: "prod",
        cloud,
        outputs: { topology: { ...topology, instances: { ...topology.instances, desired: 4 } } },
      });
      assert.match(labelOf(d, want.zones.prod[0])?.[0] ?? "", /×2/);
    });
  });
}

describe("diagram · AWS variants", () => {
  it("shows one NAT for the single-NAT test stack and one per zone in prod", async () => {
    const natIds = (d: Diagram) => nodeIds(d).filter((id) => id.startsWith("nat_"));
    assert.deepEqual(natIds(diagramOf(await planStack("test", "aws"))), ["nat_us_east_1a"]);
    assert.deepEqual(natIds(diagramOf(await planStack("prod", "aws"))), [
      "nat_us_east_1a",
      "nat_us_east_1b",
      "nat_us_east_1c",
    ]);
  });

  it("shows HTTPS and the HTTP redirect when a domain is set", async () => {
    const d = diagramOf(
      await planStack("prod", "aws", {
        domain: "www.example.com",
        awsHostedZone: "example.com",
      }),
    );
    assert.deepEqual(edgesFrom(d, "internet"), [
      "lb_web_alb HTTP :80 → redirect",
      "lb_web_alb HTTPS :443",
    ]);
  });

  it("says the task role has no permissions, because no policy names it", async () => {
    const d = diagramOf(await planStack("prod", "aws"));
    assert.deepEqual(labelOf(d, "role_web_task"), [
      "role web-task",
      "task role: the application",
      "no permissions",
    ]);
    assert.deepEqual(edgesFrom(d, "role_web_task"), []);
  });
});

describe("diagram · GCP variants", () => {
  it("shows the MODERN TLS policy on the HTTPS listener when a domain is set", async () => {
    const d = diagramOf(await planStack("prod", "gcp", { domain: "www.example.com" }));
    assert.deepEqual(edgesFrom(d, "internet"), [
      "lb HTTP :80 → redirect",
      "lb HTTPS :443 (MODERN, TLS_1_2+)",
    ]);
  });
});
