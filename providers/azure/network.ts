import * as network from "@pulumi/azure-native/network";
import { childName } from "../../components/naming";
import { AzureContext, childOptions, placement } from "./context";

export const vnetAddressSpace = "10.0.0.0/16";
/**
 * 251 usable addresses (Azure reserves five per subnet). maxInstances is at most 100 and a rolling
 * upgrade with maxSurge briefly doubles the fleet at most, so the subnet never runs out.
 */
export const instanceSubnetPrefix = "10.0.0.0/24";

/**
 * The last custom priority Azure accepts (100-4096); the default rules (65000+) come after it.
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules
 */
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
    // Also shadows the default AllowVnetInBound: instances never need to reach each other.
    denyAll("Inbound", "Everything not allowed above."),
  ];
}

/** The last custom rule of a direction: everything the rules before it did not allow. */
function denyAll(direction: SecurityRule["direction"], description: string): SecurityRule {
  return {
    name: `deny-all-${direction.toLowerCase()}`,
    priority: denyAllPriority,
    direction,
    access: "Deny",
    protocol: "*",
    sourceAddressPrefix: "*",
    sourcePortRange: "*",
    destinationAddressPrefix: "*",
    destinationPortRange: "*",
    description,
  };
}

/**
 * Outbound rules of the instances' subnet: HTTPS to the Azure services an instance uses, by
 * service tag, and nothing else, as on AWS (providers/aws/network.ts). Azure's default rules allow
 * all outbound traffic to the internet (AllowInternetOutBound, 65001) and the virtual network
 * (65000); the deny at 4096, the last custom priority, shadows both.
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules
 *
 * Not listed, because they need no rule: DNS (Azure DNS), DHCP, IMDS (the identity's tokens) and
 * the VM agent's WireServer, which also fetches extensions, all answer on 168.63.129.16 and
 * 169.254.169.254, which NSGs do not filter unless a rule names their AzurePlatform* tags.
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#azure-platform-considerations
 * https://learn.microsoft.com/azure/virtual-machines/extensions/features-linux#network-access
 * Replies to clients the inbound rules admit need none either: NSG rules are stateful.
 * Nothing installs packages at boot (the host image has them, hostImage.ts): Ubuntu's mirrors have
 * no service tag. The clock comes from the Hyper-V host, not from NTP servers.
 * https://learn.microsoft.com/azure/virtual-machines/linux/time-sync
 */
export function outboundRules(): SecurityRule[] {
  const https = (
    name: string,
    priority: number,
    serviceTag: string,
    description: string,
  ): SecurityRule => ({
    name,
    priority,
    direction: "Outbound",
    access: "Allow",
    protocol: "Tcp",
    sourceAddressPrefix: "*",
    sourcePortRange: "*",
    destinationAddressPrefix: serviceTag,
    destinationPortRange: "443",
    description,
  });
  return [
    // The registry's REST endpoint, <name>.azurecr.io: login (oauth2/exchange), manifests.
    // https://learn.microsoft.com/azure/container-registry/container-registry-firewall-access-rules#allow-access-by-service-tag
    https("allow-https-to-registry", 200, "AzureContainerRegistry", "Image pulls: registry API."),
    // Layers come from the registry's storage, *.blob.core.windows.net (dedicated data endpoints
    // are Premium only; the shared registry is Standard, bootstrap/registry.ts).
    // https://learn.microsoft.com/azure/container-registry/container-registry-firewall-access-rules#allow-access-to-rest-and-data-endpoints
    https("allow-https-to-storage", 210, "Storage", "Image pulls: layer downloads."),
    // The Azure Monitor Agent (logging.ts) needs both AzureMonitor and AzureResourceManager.
    // https://learn.microsoft.com/azure/azure-monitor/agents/azure-monitor-agent-network-configuration
    https("allow-https-to-azure-monitor", 220, "AzureMonitor", "Azure Monitor Agent: logs, DCRs."),
    https(
      "allow-https-to-resource-manager",
      230,
      "AzureResourceManager",
      "Azure Monitor Agent: the tag it requires besides AzureMonitor.",
    ),
    denyAll(
      "Outbound",
      "Everything not allowed above, before Azure's default AllowInternetOutBound.",
    ),
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
    {
      ...placement(ctx),
      securityRules: [...inboundRules(args.containerPort), ...outboundRules()],
    },
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
