import assert from "node:assert/strict";
import { estimateCost } from "../../tools/cost/estimate";
import { toDocument } from "../../tools/plan/cli";
import { expandRemote } from "../../tools/plan/remote";
import { one, planStack } from "../helpers/plan";

/** Counts of each type awsx will create beneath the VPC. */
function counts(children: readonly { type: string }[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const { type } of children)
    result[type.split(":").pop() ?? type] = (result[type.split(":").pop() ?? type] ?? 0) + 1;
  return result;
}

describe("the plan lists what awsx's VPC creates at deploy time", function () {
  this.timeout(120_000);

  it("test: 2 zones, one NAT gateway, public and private subnets, the S3 gateway endpoint", async () => {
    const plan = await planStack("test", "aws");
    const children = expandRemote(one(plan, "awsx:ec2:Vpc"));
    assert.deepEqual(counts(children), {
      Vpc: 1,
      InternetGateway: 1,
      VpcEndpoint: 1,
      Subnet: 4,
      RouteTable: 4,
      RouteTableAssociation: 4,
      Route: 4,
      Eip: 1,
      NatGateway: 1,
    });
    assert.deepEqual(
      children.filter((c) => c.type === "aws:ec2/subnet:Subnet").map((c) => c.name),
      ["web-vpc-public-1", "web-vpc-private-1", "web-vpc-public-2", "web-vpc-private-2"],
    );
    // The document keeps registered resources and deploy-time children apart.
    const document = toDocument(plan);
    assert.equal(document.expandedAtDeploy.length, children.length);
    assert.ok(!document.resources.some((r) => r.type === "aws:ec2/subnet:Subnet"));
  });

  it("prod: a NAT gateway and an Elastic IP in each of 3 zones, as the cost estimate counts them", async () => {
    const plan = await planStack("prod", "aws");
    const children = counts(expandRemote(one(plan, "awsx:ec2:Vpc")));
    assert.deepEqual(
      [children.Subnet, children.NatGateway, children.Eip, children.Route],
      [6, 3, 3, 6],
    );
    const natLine = estimateCost(plan).lines.find((l) => l.item.startsWith("NAT gateways"));
    assert.ok(natLine?.item.startsWith(`NAT gateways: ${children.NatGateway} `), natLine?.item);
  });

  it("expands nothing on clouds without remote components", async () => {
    for (const cloud of ["gcp", "azure"] as const) {
      const plan = await planStack("test", cloud);
      assert.deepEqual(plan.resources.flatMap(expandRemote), [], cloud);
    }
  });
});
