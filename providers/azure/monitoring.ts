import * as compute from "@pulumi/azure-native/compute";
import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import * as network from "@pulumi/azure-native/network";
import { AzureContext, childOptions, placement } from "./context";
import { actionGroupShortName } from "./naming";

/*
 * The alerts below use platform metrics and the activity log, which need no workspace; the
 * container's logs go to the workspace in logging.ts.
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

/**
 * VipAvailability is the load balancer's own data-path check of the frontend (Azure probes the
 * public address through the balancer to a backend host), independent of the instances' health.
 * Below 90% for 5 minutes the frontend is dropping traffic whatever the instances do.
 * https://learn.microsoft.com/azure/load-balancer/load-balancer-standard-diagnostics#data-path-availability
 */
export const vipAvailabilityBelowPercent = 90;

/**
 * Activity-log operation Azure records when it sets the scale set's automatic repairs service
 * state, which it does when it suspends repairs after instances stay unhealthy through repeated
 * repairs. https://learn.microsoft.com/azure/virtual-machine-scale-sets/alert-rules-automatic-repairs-service-state
 */
export const setOrchestrationServiceStateOperation =
  "Microsoft.Compute/virtualMachineScaleSets/setOrchestrationServiceState/action";

export interface Alerting {
  readonly actionGroup: monitor.ActionGroup;
  readonly alerts: monitor.MetricAlert[];
  readonly activityAlerts: monitor.ActivityLogAlert[];
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
      // No receiver without alertEmail (the test stack): its alerts fire and show in Azure
      // Monitor, but nobody is paged for a stack that exists to be broken and rebuilt.
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
  const vipAlert = new monitor.MetricAlert(
    `${name}-vip-availability`,
    {
      ...global,
      description: `The load balancer's data path answers fewer than ${vipAvailabilityBelowPercent}% of its own checks.`,
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
            name: "vip-availability",
            metricNamespace: "Microsoft.Network/loadBalancers",
            metricName: "VipAvailability",
            timeAggregation: "Average",
            operator: "LessThan",
            threshold: vipAvailabilityBelowPercent,
          },
        ],
      },
      actions,
    },
    childOptions(ctx),
  );

  // Activity-log alerts watch this component's resource group (their scope must be a
  // subscription, a resource group or resources in it).
  const groupScope = pulumi.interpolate`/subscriptions/${ctx.subscriptionId}/resourceGroups/${ctx.resourceGroupName}`;
  const activityActions = { actionGroups: [{ actionGroupId: actionGroup.id }] };
  const repairsSuspended = new monitor.ActivityLogAlert(
    `${name}-repairs-state`,
    {
      ...global,
      description:
        "The scale set's automatic repairs changed state; Azure suspends them when instances stay unhealthy after repeated repairs.",
      enabled: true,
      scopes: [groupScope],
      condition: {
        allOf: [
          { field: "category", equals: "Administrative" },
          { field: "operationName", equals: setOrchestrationServiceStateOperation },
          { field: "resourceId", equals: scaleSet.id },
        ],
      },
      actions: activityActions,
    },
    childOptions(ctx),
  );
  // A rolling upgrade that breaches its health policy fails as an operation on the scale set;
  // so does any other failed write to it, which is worth a page too.
  // https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-configure-rolling-upgrades
  const upgradeFailed = new monitor.ActivityLogAlert(
    `${name}-upgrade-failed`,
    {
      ...global,
      description:
        "An operation on the scale set failed, such as a rolling upgrade stopped by its health policy.",
      enabled: true,
      scopes: [groupScope],
      condition: {
        allOf: [
          { field: "category", equals: "Administrative" },
          { field: "resourceId", equals: scaleSet.id },
          { field: "status", equals: "Failed" },
        ],
      },
      actions: activityActions,
    },
    childOptions(ctx),
  );
  return {
    actionGroup,
    alerts: [probeAlert, cpuAlert, vipAlert],
    activityAlerts: [repairsSuspended, upgradeFailed],
  };
}
