/**
 * Children of remote (multi-language) components, as their provider will create them at deploy
 * time. Under Pulumi's mocks a remote component is one resource with no children, so the plan
 * would hide what it costs and exposes: awsx's VPC is its subnets, route tables, NAT gateways and
 * addresses. Each expansion follows the component's own source, cited beside it, and is marked so
 * nobody mistakes it for a registered resource.
 */
import { PlannedResource } from "./recorder";

export interface ExpandedChild {
  readonly type: string;
  readonly name: string;
  /** `type::name` of the resource it sits under, as the provider parents it. */
  readonly parent: string;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};

/**
 * awsx `ec2.Vpc`: the VPC, an internet gateway and one endpoint per `vpcEndpointSpecs` entry
 * (named by its service); per zone and subnet spec a subnet, its route table, association and
 * default route; NAT gateways with an Elastic IP in the public subnets, one per zone or one in
 * the first. Names, order and parents as pulumi/pulumi-awsx awsx/ec2/vpc.ts `initialize` creates
 * them (subnets `<vpc>-<type>-<zone number>`, NAT gateways and EIPs `<vpc>-<zone number>`).
 */
function awsxVpc(vpc: PlannedResource): ExpandedChild[] {
  const key = `${vpc.type}::${vpc.name}`;
  const vpcKey = `aws:ec2/vpc:Vpc::${vpc.name}`;
  const zones = list(vpc.inputs.availabilityZoneNames).length;
  // Within a zone awsx creates public subnets first, so a private route can name its NAT gateway.
  const specs = list(vpc.inputs.subnetSpecs)
    .map((s) => String(record(s).type ?? "Private"))
    .sort((a, b) => Number(b === "Public") - Number(a === "Public"));
  const strategy = String(record(vpc.inputs.natGateways).strategy ?? "OnePerAz");
  const children: ExpandedChild[] = [
    { type: "aws:ec2/vpc:Vpc", name: vpc.name, parent: key },
    { type: "aws:ec2/internetGateway:InternetGateway", name: vpc.name, parent: vpcKey },
  ];
  for (const endpoint of list(vpc.inputs.vpcEndpointSpecs)) {
    const service = String(record(endpoint).serviceName ?? "");
    children.push({ type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: service, parent: vpcKey });
  }
  let nats = 0;
  for (let zone = 1; zone <= zones; zone += 1) {
    for (const type of specs) {
      const subnet = `${vpc.name}-${type.toLowerCase()}-${zone}`;
      const subnetKey = `aws:ec2/subnet:Subnet::${subnet}`;
      const tableKey = `aws:ec2/routeTable:RouteTable::${subnet}`;
      children.push(
        { type: "aws:ec2/subnet:Subnet", name: subnet, parent: vpcKey },
        { type: "aws:ec2/routeTable:RouteTable", name: subnet, parent: subnetKey },
        {
          type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
          name: subnet,
          parent: tableKey,
        },
      );
      const natHere =
        type === "Public" && (strategy === "OnePerAz" || (strategy === "Single" && nats === 0));
      if (natHere) {
        nats += 1;
        children.push(
          { type: "aws:ec2/eip:Eip", name: `${vpc.name}-${zone}`, parent: subnetKey },
          { type: "aws:ec2/natGateway:NatGateway", name: `${vpc.name}-${zone}`, parent: subnetKey },
        );
      }
      if (type === "Public" || (type === "Private" && strategy !== "None")) {
        children.push({ type: "aws:ec2/route:Route", name: subnet, parent: tableKey });
      }
    }
  }
  return children;
}

const expansions: Readonly<Record<string, (resource: PlannedResource) => ExpandedChild[]>> = {
  "awsx:ec2:Vpc": awsxVpc,
};

/** What the provider of a remote component will create beneath it; empty for anything else. */
export function expandRemote(resource: PlannedResource): ExpandedChild[] {
  return expansions[resource.type]?.(resource) ?? [];
}
