import * as compute from "@pulumi/azure-native/compute";
import * as monitor from "@pulumi/azure-native/monitor";
import type * as inputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedServiceArgs } from "../../components/args";
import { AzureContext, childOptions, placement } from "./context";

export const cpuMetric = {
  name: "Percentage CPU",
  namespace: "microsoft.compute/virtualmachinescalesets",
} as const;

/**
 * CPU thresholds with a wide gap between them: Azure's flapping check refuses a scale-in that
 * would push the remaining instances straight over the scale-out threshold.
 * https://learn.microsoft.com/azure/azure-monitor/autoscale/autoscale-flapping
 */
export const scaleOutAbovePercent = 70;
export const scaleInBelowPercent = 30;

/**
 * Scale-out waits 5 minutes, longer than an instance takes to boot and take traffic (compute.ts),
 * so the next decision sees the capacity the last one added. Scale-in waits three times as long:
 * removing capacity too eagerly costs errors, keeping it a little longer costs only money.
 */
export const scaleOutCooldown = "PT5M";
export const scaleInCooldown = "PT15M";

/** The autoscale profile's capacity and rules, as plain data. */
export function autoscaleRules(
  args: ResolvedServiceArgs,
  scaleSetId: pulumi.Input<string>,
): {
  capacity: { minimum: string; maximum: string; default: string };
  rules: inputs.monitor.ScaleRuleArgs[];
} {
  const trigger = {
    metricName: cpuMetric.name,
    metricNamespace: cpuMetric.namespace,
    metricResourceUri: scaleSetId,
    timeGrain: "PT1M",
    statistic: "Average",
    timeAggregation: "Average",
  } as const;
  return {
    capacity: {
      minimum: String(args.minInstances),
      maximum: String(args.maxInstances),
      default: String(args.desiredInstances),
    },
    rules: [
      {
        metricTrigger: {
          ...trigger,
          timeWindow: "PT5M",
          operator: "GreaterThan",
          threshold: scaleOutAbovePercent,
        },
        // One instance per zone keeps the zones balanced (zoneBalance) as the fleet grows.
        scaleAction: {
          direction: "Increase",
          type: "ChangeCount",
          value: String(args.zones.length),
          cooldown: scaleOutCooldown,
        },
      },
      {
        metricTrigger: {
          ...trigger,
          timeWindow: "PT10M",
          operator: "LessThan",
          threshold: scaleInBelowPercent,
        },
        scaleAction: {
          direction: "Decrease",
          type: "ChangeCount",
          value: "1",
          cooldown: scaleInCooldown,
        },
      },
    ],
  };
}

export function createAutoscale(
  ctx: AzureContext,
  scaleSet: compute.VirtualMachineScaleSet,
): monitor.AutoscaleSetting {
  const { capacity, rules } = autoscaleRules(ctx.args, scaleSet.id);
  return new monitor.AutoscaleSetting(
    `${ctx.name}-autoscale`,
    {
      ...placement(ctx),
      enabled: true,
      targetResourceUri: scaleSet.id,
      targetResourceLocation: ctx.args.region,
      profiles: [{ name: "cpu", capacity, rules }],
    },
    childOptions(ctx),
  );
}
