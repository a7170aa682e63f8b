import * as pulumi from "@pulumi/pulumi";
import { RecordedCloud } from "./cloud";

/**
 * `construct` for the awsx provider: the one awsx component this program uses, `awsx:ec2:Vpc`, is
 * built as awsx builds it, as a component whose children are the VPC, the internet gateway, a
 * public and a private subnet per zone and the NAT gateways with their addresses, named as awsx
 * names them (`<name>`, `<name>-public-<n>`, `<name>-<n>`: pulumi/pulumi-awsx awsx/ec2/vpc.ts).
 * The children are registered with the engine like any resource, so the aws recording provider
 * creates them. Route tables and routes are left out: nothing in this program depends on them.
 * The outputs the program reads (vpcId, publicSubnetIds, privateSubnetIds) are the children's ids.
 */
export async function constructAwsx(
  cloud: RecordedCloud,
  name: string,
  type: string,
  inputs: pulumi.Inputs,
  options: pulumi.ComponentResourceOptions,
): Promise<pulumi.provider.ConstructResult> {
  if (type !== "awsx:ec2:Vpc") {
    throw new Error(`the recording awsx provider constructs awsx:ec2:Vpc only, not ${type}`);
  }
  const vpc = new RemoteVpc(type, name, options);
  const child = (childType: string, childName: string, props: pulumi.Inputs) =>
    new AwsChild(childType, childName, props, { parent: vpc });
  const args = await resolved(inputs);
  const zones = (args.availabilityZoneNames as string[] | undefined) ?? [];
  const tags = args.tags as Record<string, string> | undefined;

  const network = child("aws:ec2/vpc:Vpc", name, {
    cidrBlock: args.cidrBlock,
    enableDnsHostnames: args.enableDnsHostnames,
    enableDnsSupport: args.enableDnsSupport,
    tags,
  });
  child("aws:ec2/internetGateway:InternetGateway", name, { vpcId: network.id, tags });
  const subnets = (kind: "public" | "private") =>
    zones.map((zone, i) =>
      child("aws:ec2/subnet:Subnet", `${name}-${kind}-${i + 1}`, {
        vpcId: network.id,
        availabilityZone: zone,
        mapPublicIpOnLaunch: kind === "public",
        tags,
      }),
    );
  const publicSubnets = subnets("public");
  const privateSubnets = subnets("private");
  const strategy = (args.natGateways as { strategy?: string } | undefined)?.strategy ?? "OnePerAz";
  const natZones = strategy === "Single" ? publicSubnets.slice(0, 1) : publicSubnets;
  natZones.forEach((subnet, i) => {
    const eip = child("aws:ec2/eip:Eip", `${name}-${i + 1}`, { domain: "vpc", tags });
    child("aws:ec2/natGateway:NatGateway", `${name}-${i + 1}`, {
      subnetId: subnet.id,
      allocationId: eip.id,
      tags,
    });
  });

  const state = {
    vpcId: network.id,
    publicSubnetIds: pulumi.all(publicSubnets.map((s) => s.id)),
    privateSubnetIds: pulumi.all(privateSubnets.map((s) => s.id)),
  };
  vpc.publish(state);
  cloud.record({ op: "construct", type, urn: "", sent: args });
  return { urn: vpc.urn, state };
}

/** A child registered by type token, without loading @pulumi/aws into this process. */
class AwsChild extends pulumi.CustomResource {}

/** The component as the program registered it; `publish` registers its outputs. */
class RemoteVpc extends pulumi.ComponentResource {
  constructor(type: string, name: string, options: pulumi.ComponentResourceOptions) {
    super(type, name, {}, options);
  }

  publish(outputs: pulumi.Inputs): void {
    this.registerOutputs(outputs);
  }
}

/** The component's inputs with every Output awaited (they are known: config and literals). */
async function resolved(inputs: pulumi.Inputs): Promise<Record<string, unknown>> {
  return (await new Promise((resolve) => pulumi.output(inputs).apply(resolve))) as Record<
    string,
    unknown
  >;
}
