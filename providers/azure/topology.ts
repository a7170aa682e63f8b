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
    // A probe has no timeout setting of its own, and probeThreshold counts both ways: "after
    // failing the number of consecutive probes equal to this value, the endpoint will be taken out
    // of rotation and require the same number of successful consecutive probes to be placed back"
    // (probeThreshold, https://learn.microsoft.com/javascript/api/@azure-rest/arm-network/probepropertiesformatoutput).
    healthCheck: {
      path: args.healthCheckPath,
      port: args.containerPort,
      intervalSeconds: probeIntervalSeconds,
      healthyThreshold: probeThreshold,
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
