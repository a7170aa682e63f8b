import * as network from "@pulumi/azure-native/network";
import { childName } from "../../components/naming";
import { AzureContext, childOptions, placement } from "./context";

export const vnetAddressSpace = "10.0.0.0/16";
/**
 * 251 usable addresses (Azure reserves five per subnet). maxInstances is at most 100 and a rolling
 * upgrade with maxSurge briefly doubles the fleet at most, so the subnet never runs out.
 */
export const instanceSubnetPrefix = "10.0.0.0/24";

/** Priority Azure gives the last custom rule; the default rules (65000+) come after it. */
export const denyAllPriority = 4096;

export interface SecurityRule {
  readonly name: string;
  readonly priority: number;
  readonly direction: "Inbound" | "Outbound";
  readonly access: "Allow" | "Deny";
  readonly protocol: "Tcp" | "*";
  readonly sourceAddressPrefix: string;
  readonly sourcePortRange: string;
  readonly destinationAddressPrefix: string;
  readonly destinationPortRange: string;
  readonly description: string;
}

/**
 * Inbound rules of the instances' subnet. There is no SSH or RDP rule: instances have no public
 * address and nobody logs in to them.
 */
export function inboundRules(containerPort: number): SecurityRule[] {
  const port = String(containerPort);
  return [
    {
      name: "allow-http-from-internet",
      priority: 100,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      // A Standard Load Balancer is pass-through: it rewrites the destination to the instance but
      // keeps the client's address as the source, so the NSG sees internet sources and must allow
      // them. The port is the backend port (80 on the frontend is translated to it).
      sourceAddressPrefix: "Internet",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: port,
      description: "Client traffic forwarded by the load balancer (which keeps client source IPs).",
    },
    {
      name: "allow-load-balancer-probes",
      priority: 110,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      // Health probes come from 168.63.129.16 (service tag AzureLoadBalancer). The default rule
      // that allows them sits at 65001, below the deny-all, so it has to be repeated here.
      sourceAddressPrefix: "AzureLoadBalancer",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: port,
      description: "Load balancer health probes.",
    },
    {
      name: "deny-all-inbound",
      priority: denyAllPriority,
      direction: "Inbound",
      access: "Deny",
      protocol: "*",
      // Also shadows the default AllowVnetInBound: instances never need to reach each other.
      sourceAddressPrefix: "*",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "*",
      description: "Everything not allowed above.",
    },
  ];
}

export interface Network {
  readonly vnet: network.VirtualNetwork;
  readonly subnet: network.Subnet;
  readonly securityGroup: network.NetworkSecurityGroup;
}

export function createNetwork(ctx: AzureContext): Network {
  const { name, args } = ctx;
  const securityGroup = new network.NetworkSecurityGroup(
    `${name}-nsg`,
    { ...placement(ctx), securityRules: inboundRules(args.containerPort) },
    childOptions(ctx),
  );
  // Subnets are separate resources and the VNet lists none: azure-native keeps subnets it does not
  // manage inline when it updates the VNet, so the two never fight over the subnet list.
  const vnet = new network.VirtualNetwork(
    // VNet names are capped at 64 characters, auto-name suffix included.
    childName(name, "vnet", 64),
    { ...placement(ctx), addressSpace: { addressPrefixes: [vnetAddressSpace] } },
    childOptions(ctx),
  );
  const subnet = new network.Subnet(
    `${name}-instances`,
    {
      resourceGroupName: ctx.resourceGroupName,
      virtualNetworkName: vnet.name,
      addressPrefix: instanceSubnetPrefix,
      networkSecurityGroup: { id: securityGroup.id },
      // Egress goes through the load balancer's outbound rule (see loadBalancer.ts) and nowhere
      // else: Azure's implicit "default outbound access" is being retired and is not zone-aware.
      defaultOutboundAccess: false,
    },
    childOptions(ctx),
  );
  return { vnet, subnet, securityGroup };
}
