/**
 * What a deploy built, in cloud-neutral words: each cloud's `deploy` returns one
 * (`providers/<cloud>/topology.ts`), derived from the same values its resources are registered
 * with, and the diagram and the cost estimate read it instead of re-parsing resource inputs.
 */
import { ResolvedServiceArgs } from "./args";
import { Cloud } from "./cloud";

export interface TopologyListener {
  readonly protocol: "HTTP" | "HTTPS" | "TCP";
  readonly port: number;
  /** `forward` to the instances, or `redirect` to HTTPS. */
  readonly action: "forward" | "redirect";
}

export interface TopologyHealthCheck {
  /** The HTTP path probed; the same on every cloud (`healthCheckPath`). */
  readonly path: string;
  readonly port: number;
  readonly intervalSeconds: number;
  /** Absent where the cloud has no per-probe timeout (Azure's load balancer probe). */
  readonly timeoutSeconds?: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** An identity the instances run as, and what it may do, in plain words. */
export interface TopologyIdentity {
  readonly name: string;
  readonly may: readonly string[];
}

/** One kind of traffic that leaves the network: what, to where, on which ports, through what. */
export interface TopologyEgress {
  readonly what: string;
  readonly to: string;
  readonly ports: string;
  readonly via: string;
}

export interface ServiceTopology {
  readonly cloud: Cloud;
  readonly region: string;
  readonly zones: readonly string[];
  readonly loadBalancer: {
    readonly kind: string;
    /** 7: it ends HTTP and sends requests on; 4: it forwards TCP connections. */
    readonly layer: 4 | 7;
    readonly listeners: readonly TopologyListener[];
  };
  readonly instances: {
    readonly min: number;
    readonly desired: number;
    readonly max: number;
    /** The cloud's shape: a Fargate task size, a machine type, a VM size. */
    readonly machineType: string;
    readonly containerPort: number;
  };
  /** The load balancer's check, which decides whether an instance takes traffic. */
  readonly healthCheck: TopologyHealthCheck;
  readonly identities: readonly TopologyIdentity[];
  readonly egress: readonly TopologyEgress[];
}

/** HTTP on 80 forwarding, or, with a domain, HTTPS on 443 and 80 redirecting to it. */
export function webListeners(domain: string | undefined): TopologyListener[] {
  return domain === undefined
    ? [{ protocol: "HTTP", port: 80, action: "forward" }]
    : [
        { protocol: "HTTP", port: 80, action: "redirect" },
        { protocol: "HTTPS", port: 443, action: "forward" },
      ];
}

/** The instance counts and port, which every cloud registers from the args as they are. */
export function instancesOf(
  args: ResolvedServiceArgs,
  machineType: string,
): ServiceTopology["instances"] {
  return {
    min: args.minInstances,
    desired: args.desiredInstances,
    max: args.maxInstances,
    machineType,
    containerPort: args.containerPort,
  };
}
