/** What the Azure deploy builds, in the neutral words of components/topology.ts. */
import { ResolvedServiceArgs } from "../../components/args";
import { azureVmSize } from "../../components/sizing";
import { instancesOf, ServiceTopology } from "../../components/topology";
import { frontendPort, probeIntervalSeconds, probeThreshold } from "./loadBalancer";
import { outboundRules } from "./network";

/**
 * From the same values the resources are registered with: the load balancer's one TCP rule and
 * HTTP probe (loadBalancer.ts), the scale set's VM size, the identity's one role assignment
 * (identity.ts: AcrPull on the shared registry), and the subnet's outbound security rules
 * (network.ts), whose traffic leaves through the load balancer's outbound rule.
 */
export function azureTopology(name: string, args: ResolvedServiceArgs): ServiceTopology {
  return {
    cloud: "azure",
    region: args.region,
    zones: args.zones,
    loadBalancer: {
      kind: "Standard Load Balancer",
      layer: 4,
      listeners: [{ protocol: "TCP", port: frontendPort, action: "forward" }],
    },
    instances: instancesOf(args, azureVmSize(args.instanceSize)),
    // A Standard Load Balancer probe has no timeout of its own and one success puts an instance
    // back: https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview
    healthCheck: {
      path: args.healthCheckPath,
      port: args.containerPort,
      intervalSeconds: probeIntervalSeconds,
      unhealthyThreshold: probeThreshold,
    },
    identities: [
      { name: `${name}-identity`, may: ["AcrPull: pull images from the shared registry"] },
    ],
    egress: outboundRules()
      .filter((rule) => rule.access === "Allow")
      .map((rule) => ({
        what: rule.description,
        to: rule.destinationAddressPrefix,
        ports: `${rule.protocol.toLowerCase()} ${rule.destinationPortRange}`,
        via: "the load balancer's outbound rule",
      })),
  };
}
