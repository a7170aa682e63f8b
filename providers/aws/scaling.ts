import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./context";
import { AwsCompute } from "./compute";
import { AwsLoadBalancer } from "./loadBalancer";

/**
 * Target tracking on CPU and on requests per target: CPU catches expensive requests, request count
 * catches cheap ones arriving faster than CPU shows. Scaling out reacts within a minute; scaling in
 * waits five so a brief lull does not remove capacity that is needed again at once.
 */
export const scalingTargets = {
  cpuPercent: 60,
  requestsPerTarget: 1000,
  scaleOutCooldown: 60,
  scaleInCooldown: 300,
} as const;

export function createScaling(ctx: AwsContext, compute: AwsCompute, lb: AwsLoadBalancer): void {
  const { name, args, opts } = ctx;
  const target = new aws.appautoscaling.Target(
    `${name}-scaling`,
    {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.interpolate`service/${compute.cluster.name}/${compute.service.name}`,
      minCapacity: args.minInstances,
      maxCapacity: args.maxInstances,
    },
    opts,
  );
  const common = {
    policyType: "TargetTrackingScaling",
    serviceNamespace: target.serviceNamespace,
    scalableDimension: target.scalableDimension,
    resourceId: target.resourceId,
  };
  new aws.appautoscaling.Policy(
    `${name}-scale-cpu`,
    {
      ...common,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: scalingTargets.cpuPercent,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        scaleOutCooldown: scalingTargets.scaleOutCooldown,
        scaleInCooldown: scalingTargets.scaleInCooldown,
      },
    },
    opts,
  );
  new aws.appautoscaling.Policy(
    `${name}-scale-requests`,
    {
      ...common,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: scalingTargets.requestsPerTarget,
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: pulumi.interpolate`${lb.loadBalancer.arnSuffix}/${lb.targetGroup.arnSuffix}`,
        },
        scaleOutCooldown: scalingTargets.scaleOutCooldown,
        scaleInCooldown: scalingTargets.scaleInCooldown,
      },
    },
    opts,
  );
}
