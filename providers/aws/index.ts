import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedServiceArgs } from "../../components/args";
import { CloudImplementation, InstanceGroupDescriptor } from "../types";
import { createCompute } from "./compute";
import { awsContext } from "./context";
import { createIdentity, ecrRepositoryOf } from "./identity";
import {
  createListeners,
  createLoadBalancer,
  hostedZoneProblem,
  listenerPorts,
} from "./loadBalancer";
import { createAlerting, createServiceAlarms } from "./monitoring";
import { createNetwork } from "./network";
import { createFlowLog, createLogBucket } from "./logs";
import { createWaf } from "./waf";
import { imageReference, sharedRepository } from "./registry";
import { createScaling } from "./scaling";
import { awsTopology } from "./topology";

/** AWS's own checks: the hosted zone for a domain, and the shape of an ECR image reference. */
export function validate(args: ResolvedServiceArgs): string[] {
  const problems: string[] = [];
  if (args.domain !== undefined) {
    const problem = hostedZoneProblem(args.domain, args.awsHostedZone);
    if (problem !== undefined) problems.push(problem);
  }
  if (typeof args.image === "string") {
    try {
      ecrRepositoryOf(args.image);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return problems;
}

/** ECS on Fargate behind an Application Load Balancer. */
export const deploy: CloudImplementation = (name, args, parent) => {
  const ctx = awsContext(name, args, parent);
  const network = createNetwork(ctx, { listenerPorts: listenerPorts(args.domain) });
  const logs = createLogBucket(ctx);
  createFlowLog(ctx, network.vpcId, logs);
  const lb = createLoadBalancer(ctx, network, logs);
  createWaf(ctx, lb);
  const repository = sharedRepository(ctx);
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    { retentionInDays: args.logRetentionDays },
    ctx.opts,
  );
  const identity = createIdentity(ctx, repository, logGroup);
  const alerting = createAlerting(ctx, lb);
  const compute = createCompute(ctx, {
    network,
    lb,
    identity,
    logGroup,
    image: imageReference(ctx, repository),
    deploymentAlarmNames: alerting.deploymentAlarmNames,
  });
  const url = createListeners(ctx, lb, compute.service);
  createScaling(ctx, compute, lb);
  createServiceAlarms(ctx, alerting, {
    clusterName: compute.cluster.name,
    serviceName: compute.service.name,
  });

  const instanceGroup: pulumi.Output<InstanceGroupDescriptor> = pulumi
    .all([compute.cluster.name, compute.service.name])
    .apply(([cluster, service]) => ({
      kind: "ecs-service" as const,
      region: args.region,
      cluster,
      service,
    }));
  return { url, instanceGroup, topology: awsTopology(name, args) };
};
