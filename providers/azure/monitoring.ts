import * as compute from "@pulumi/azure-native/compute";
import * as monitor from "@pulumi/azure-native/monitor";
import * as network from "@pulumi/azure-native/network";
import { AzureContext, childOptions, placement } from "./context";
import { actionGroupShortName } from "./naming";

/*
 * Log retention: the alerts below use platform metrics, which Azure keeps 93 days and which need
 * no Log Analytics workspace, so none is created. Container logs stay on each instance in journald
 * for logRetentionDays (cloudInit.ts); instances are disposable, so those logs go with them.
 * Keeping them centrally for logRetentionDays needs the Azure Monitor Agent, a data collection
 * rule and a workspace, whose retention starts at 30 days (the test stack asks for 7).
 */

/**
 * DipAvailability is the share of probes that succeed, averaged over the pool. A deploy or
 * scale-out briefly counts booting instances as down (maxSurge adds up to half the fleet, autoscale
 * one instance per zone), which stays at or above 50%; below it for 5 minutes, most of the fleet
 * is failing its health check.
 */
export const probeAvailabilityBelowPercent = 50;

/** Autoscale reacts at 70% within minutes; 80% for 15 minutes means it is at maxInstances. */
export const cpuAbovePercent = 80;

export interface Alerting {
  readonly actionGroup: monitor.ActionGroup;
  readonly alerts: monitor.MetricAlert[];
}

export function createAlerts(
  ctx: AzureContext,
  loadBalancer: network.LoadBalancer,
  scaleSet: compute.VirtualMachineScaleSet,
): Alerting {
  const { name, args } = ctx;
  // Action groups and metric alerts are global resources whatever region they watch.
  const global = { ...placement(ctx), location: "global" };
  const actionGroup = new monitor.ActionGroup(
    `${name}-alerts`,
    {
      ...global,
      enabled: true,
      groupShortName: actionGroupShortName(name),
      emailReceivers: args.alertEmail
        ? [{ name: "on-call", emailAddress: args.alertEmail, useCommonAlertSchema: true }]
        : [],
    },
    childOptions(ctx),
  );
  const actions = [{ actionGroupId: actionGroup.id }];
  const probeAlert = new monitor.MetricAlert(
    `${name}-probe-availability`,
    {
      ...global,
      description: `Fewer than ${probeAvailabilityBelowPercent}% of load balancer health probes succeed.`,
      severity: 1,
      enabled: true,
      autoMitigate: true,
      scopes: [loadBalancer.id],
      evaluationFrequency: "PT1M",
      windowSize: "PT5M",
      criteria: {
        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        allOf: [
          {
            criterionType: "StaticThresholdCriterion",
            name: "probe-availability",
            metricNamespace: "Microsoft.Network/loadBalancers",
            metricName: "DipAvailability",
            timeAggregation: "Average",
            operator: "LessThan",
            threshold: probeAvailabilityBelowPercent,
          },
        ],
      },
      actions,
    },
    childOptions(ctx),
  );
  const cpuAlert = new monitor.MetricAlert(
    `${name}-cpu`,
    {
      ...global,
      description: `Average CPU above ${cpuAbovePercent}% for 15 minutes: autoscale is at its limit.`,
      severity: 2,
      enabled: true,
      autoMitigate: true,
      scopes: [scaleSet.id],
      evaluationFrequency: "PT5M",
      windowSize: "PT15M",
      criteria: {
        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        allOf: [
          {
            criterionType: "StaticThresholdCriterion",
            name: "cpu",
            metricNamespace: "Microsoft.Compute/virtualMachineScaleSets",
            metricName: "Percentage CPU",
            timeAggregation: "Average",
            operator: "GreaterThan",
            threshold: cpuAbovePercent,
          },
        ],
      },
      actions,
    },
    childOptions(ctx),
  );
  return { actionGroup, alerts: [probeAlert, cpuAlert] };
}
