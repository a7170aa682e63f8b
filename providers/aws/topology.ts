/** What the AWS deploy builds, in the neutral words of components/topology.ts. */
import { ResolvedServiceArgs } from "../../components/args";
import { fargateSize } from "../../components/sizing";
import { instancesOf, ServiceTopology, webListeners } from "../../components/topology";
import { executionPolicy } from "./identity";
import { targetHealthCheck } from "./loadBalancer";

/**
 * From the same values the resources are registered with: the listeners of `listenerPorts`, the
 * target group's `targetHealthCheck`, the task size of `fargateSize`, the execution role's policy
 * document, and the task security group's one egress rule (network.ts).
 */
export function awsTopology(name: string, args: ResolvedServiceArgs): ServiceTopology {
  const size = fargateSize(args.instanceSize);
  const execution = executionPolicy("the image repository", "the service's log group");
  return {
    cloud: "aws",
    region: args.region,
    zones: args.zones,
    loadBalancer: {
      kind: "Application Load Balancer",
      layer: 7,
      listeners: webListeners(args.domain),
    },
    // Fargate sizes have no name: the task size is the shape.
    instances: instancesOf(args, `${size.cpu / 1024} vCPU · ${size.memory / 1024} GB`),
    healthCheck: {
      path: args.healthCheckPath,
      port: args.containerPort,
      intervalSeconds: targetHealthCheck.interval,
      timeoutSeconds: targetHealthCheck.timeout,
      healthyThreshold: targetHealthCheck.healthyThreshold,
      unhealthyThreshold: targetHealthCheck.unhealthyThreshold,
    },
    identities: [
      {
        name: `${name}-execution`,
        may: execution.Statement.map((statement) => {
          const actions = ([] as string[]).concat(statement.Action as string | string[]);
          const resource = ([] as string[]).concat(statement.Resource as string | string[])[0];
          return `${actions.join(", ")} on ${resource === "*" ? "any resource" : resource}`;
        }),
      },
      // identity.ts: the application calls no AWS API, so its role grants nothing.
      { name: `${name}-task`, may: [] },
    ],
    egress: [
      {
        what: "HTTPS to AWS APIs (ECR, CloudWatch Logs)",
        to: "0.0.0.0/0",
        ports: "tcp 443",
        via: args.natGateways === "perZone" ? "a NAT gateway per zone" : "one NAT gateway",
      },
      {
        what: "image layers from S3",
        to: "S3",
        ports: "tcp 443",
        via: "the S3 gateway endpoint",
      },
    ],
  };
}
