import * as authorization from "@pulumi/azure-native/authorization";
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { AzureContext, childId, childOptions, placement } from "./context";
import { dnsLabel } from "./naming";

/**
 * Every Azure region with availability zones has exactly three. The frontend is spread over all of
 * them whatever zones the instances use: its availability does not depend on where the backends
 * run, and a zone-redundant address survives the loss of any one zone.
 */
export const regionZones = ["1", "2", "3"] as const;

export const frontendName = "public";
export const backendPoolName = "instances";
export const probeName = "health";
export const httpRuleName = "http";
export const outboundRuleName = "egress";
export const frontendPort = 80;

/**
 * The probe marks an instance down after probeThreshold failures probeIntervalSeconds apart, so a
 * draining instance stops receiving new connections within 10 s. That is shorter than the default
 * drain (30 s), which is what lets in-flight requests finish. Five seconds is Azure's minimum
 * interval: https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview
 */
export const probeIntervalSeconds = 5;
export const probeThreshold = 2;

/**
 * Azure's minimum and default: load-balancing rules close a flow idle for 4-100 minutes (4 by
 * default). nginx's keep-alive is set longer (components/keepalive.ts, the rule every cloud
 * follows), and with TCP reset enabled the load balancer resets both ends when it expires a flow
 * instead of dropping it silently, so neither side is left holding a dead connection.
 * https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-idle-timeout
 * https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-reset
 */
export const idleTimeoutMinutes = 4;

/** SNAT ports one frontend IP offers for the outbound rule. */
export const portsPerFrontendIp = 64_000;

/**
 * SNAT ports each instance gets for egress through the outbound rule. Azure fixes the allocation
 * per instance and refuses to add instances once the ports run out, so the budget covers twice
 * maxInstances: a rolling upgrade with maxSurge (or a repair) adds instances before deleting old
 * ones. Azure wants a multiple of 8.
 * https://learn.microsoft.com/azure/load-balancer/outbound-rules#snatports
 */
export function outboundPortsPerInstance(maxInstances: number): number {
  return Math.floor(portsPerFrontendIp / (2 * maxInstances) / 8) * 8;
}

export interface LoadBalancing {
  readonly publicIp: network.PublicIPAddress;
  readonly loadBalancer: network.LoadBalancer;
  readonly backendPoolId: pulumi.Output<string>;
  /** The CanNotDelete locks (deletionProtection only); the scale set depends on them. */
  readonly locks: readonly pulumi.Resource[];
  /** `http://<fqdn>`: a Standard Load Balancer only forwards TCP, so there is no HTTPS listener. */
  readonly url: pulumi.Output<string>;
}

export function createLoadBalancer(ctx: AzureContext): LoadBalancing {
  const { name, args } = ctx;
  const publicIp = new network.PublicIPAddress(
    `${name}-ip`,
    {
      ...placement(ctx),
      sku: { name: "Standard", tier: "Regional" },
      publicIPAllocationMethod: "Static",
      publicIPAddressVersion: "IPv4",
      zones: [...regionZones],
      dnsSettings: {
        // The stack (passed in with the args, not configuration) tells test and prod apart.
        domainNameLabel: dnsLabel(name, args.stack),
        // Azure adds a hash of the resource group to the name, so two stacks (or two people) with
        // the same label never collide in the region's shared cloudapp.azure.com zone.
        domainNameLabelScope: "ResourceGroupReuse",
      },
    },
    childOptions(ctx),
  );

  // Rules reference the frontend, pool and probe of this same load balancer by id, which has to be
  // known before it exists; so the load balancer gets a fixed name (unique: the resource group is
  // this component's own) instead of an auto-name.
  const loadBalancerName = `${name}-lb`;
  const selfId = pulumi.interpolate`/subscriptions/${ctx.subscriptionId}/resourceGroups/${ctx.resourceGroupName}/providers/Microsoft.Network/loadBalancers/${loadBalancerName}`;
  const frontendId = childId(selfId, "frontendIPConfigurations", frontendName);
  const poolId = childId(selfId, "backendAddressPools", backendPoolName);
  const probeId = childId(selfId, "probes", probeName);

  const loadBalancer = new network.LoadBalancer(
    `${name}-lb`,
    {
      ...placement(ctx),
      loadBalancerName,
      sku: { name: "Standard", tier: "Regional" },
      frontendIPConfigurations: [{ name: frontendName, publicIPAddress: { id: publicIp.id } }],
      backendAddressPools: [{ name: backendPoolName }],
      probes: [
        {
          name: probeName,
          protocol: "Http",
          port: args.containerPort,
          requestPath: args.healthCheckPath,
          intervalInSeconds: probeIntervalSeconds,
          probeThreshold,
        },
      ],
      loadBalancingRules: [
        {
          name: httpRuleName,
          protocol: "Tcp",
          frontendPort,
          backendPort: args.containerPort,
          frontendIPConfiguration: { id: frontendId },
          backendAddressPool: { id: poolId },
          probe: { id: probeId },
          enableTcpReset: true,
          idleTimeoutInMinutes: idleTimeoutMinutes,
          enableFloatingIP: false,
          // Egress is the outbound rule's job. Azure also refuses a rule that would SNAT on a
          // frontend an outbound rule already uses.
          disableOutboundSnat: true,
        },
      ],
      // Egress choice: an outbound rule on the zone-redundant frontend instead of a NAT gateway.
      // A NAT gateway is zonal (or "no zone", which Azure places in one zone) and a subnet takes only
      // one, so zone-redundant NAT would need a subnet, and so a scale set, per zone. The outbound
      // rule survives any single zone's loss with one subnet and one scale set, costs nothing
      // extra, and its SNAT ports are sized for the fleet (outboundPortsPerInstance). It is
      // therefore used for both natGateways settings: it gives "perZone"'s guarantee at less than
      // "single"'s cost. Outbound traffic leaves from the service's public address.
      outboundRules: [
        {
          name: outboundRuleName,
          protocol: "All",
          frontendIPConfigurations: [{ id: frontendId }],
          backendAddressPool: { id: poolId },
          allocatedOutboundPorts: outboundPortsPerInstance(args.maxInstances),
          enableTcpReset: true,
          idleTimeoutInMinutes: idleTimeoutMinutes,
        },
      ],
    },
    childOptions(ctx),
  );

  // Pulumi's `protect` (childOptions) makes `pulumi destroy`, or a replacement, fail as
  // deletionProtection does on AWS. The locks guard against deletion outside Pulumi (portal, CLI,
  // a deletion of the bootstrap's resource group, which the bootstrap itself protects), which
  // `protect` cannot see. They are the one child left unprotected,
  // so that turning deletionProtection off removes them in the same deploy (the engine refuses to
  // delete a resource still marked protected); the scale set depends on them, and so a destroy
  // stops at the protected scale set before it reaches them.
  const locks: authorization.ManagementLockByScope[] = [];
  if (args.deletionProtection) {
    // Locks go on the resources whose loss is an outage or a new address, not on the resource
    // group: a lock there is inherited by the scale set's instances and blocks scale-in.
    for (const [suffix, resource] of [
      ["lb", loadBalancer],
      ["ip", publicIp],
    ] as const) {
      locks.push(
        new authorization.ManagementLockByScope(
          `${name}-${suffix}-lock`,
          {
            scope: resource.id,
            level: "CanNotDelete",
            notes: "deletionProtection is on for this stack; turn it off to delete.",
          },
          childOptions(ctx, { protect: false }),
        ),
      );
    }
  }

  const url = pulumi
    .all([publicIp.dnsSettings, publicIp.ipAddress])
    .apply(([dns, ip]) => `http://${dns?.fqdn ?? ip}`);

  return {
    publicIp,
    loadBalancer,
    backendPoolId: childId(loadBalancer.id, "backendAddressPools", backendPoolName),
    locks,
    url,
  };
}
