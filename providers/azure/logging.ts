import * as compute from "@pulumi/azure-native/compute";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import { AzureContext, childOptions, placement } from "./context";

/**
 * Central logs: the container writes to journald (docker's journald driver), journald forwards to
 * syslog (cloudInit.ts), and the Azure Monitor Agent on each instance (compute.ts) sends the
 * daemon and user facilities to a Log Analytics workspace through a data collection rule, so the
 * logs outlive the disposable instances.
 * https://learn.microsoft.com/azure/azure-monitor/vm/data-collection-syslog
 */

/**
 * A workspace keeps data 30 to 730 days (pay-as-you-go tier); logRetentionDays outside that range
 * is held to it, so the test stack's 7 days become 30.
 * https://learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure
 */
export const workspaceRetentionRange = { min: 30, max: 730 } as const;

export function workspaceRetentionDays(logRetentionDays: number): number {
  const { min, max } = workspaceRetentionRange;
  return Math.min(max, Math.max(min, logRetentionDays));
}

/** The Azure Monitor Agent for Linux, authenticating as the instances' user-assigned identity. */
export function monitorAgentExtension(identityId: pulumi.Input<string>) {
  return {
    name: "azure-monitor-agent",
    publisher: "Microsoft.Azure.Monitor",
    type: "AzureMonitorLinuxAgent",
    typeHandlerVersion: "1.0",
    autoUpgradeMinorVersion: true,
    enableAutomaticUpgrade: true,
    // https://learn.microsoft.com/azure/azure-monitor/agents/azure-monitor-agent-manage#user-assigned-managed-identity
    settings: {
      authentication: {
        managedIdentity: { "identifier-name": "mi_res_id", "identifier-value": identityId },
      },
    },
  };
}

/** Syslog facilities the rule collects: the container's lines (user) and dockerd's (daemon). */
export const syslogFacilities = ["daemon", "user"] as const;
export const syslogLevels = [
  "Info",
  "Notice",
  "Warning",
  "Error",
  "Critical",
  "Alert",
  "Emergency",
] as const;

export interface Logging {
  readonly workspace: operationalinsights.Workspace;
  readonly rule: monitor.DataCollectionRule;
}

export function createLogging(ctx: AzureContext): Logging {
  const { name, args } = ctx;
  const workspace = new operationalinsights.Workspace(
    `${name}-logs`,
    {
      ...placement(ctx),
      sku: { name: "PerGB2018" },
      retentionInDays: workspaceRetentionDays(args.logRetentionDays),
      // Only Entra-authenticated clients (the agent's identity, operators) may write or query.
      features: { disableLocalAuth: true },
    },
    childOptions(ctx),
  );
  const rule = new monitor.DataCollectionRule(
    `${name}-logs-rule`,
    {
      ...placement(ctx),
      kind: "Linux",
      description: "The web container's and dockerd's syslog lines to the stack's workspace.",
      dataSources: {
        syslog: [
          {
            name: "container",
            streams: ["Microsoft-Syslog"],
            facilityNames: [...syslogFacilities],
            logLevels: [...syslogLevels],
          },
        ],
      },
      destinations: {
        logAnalytics: [{ name: "workspace", workspaceResourceId: workspace.id }],
      },
      dataFlows: [{ streams: ["Microsoft-Syslog"], destinations: ["workspace"] }],
    },
    childOptions(ctx),
  );
  return { workspace, rule };
}

/** Points the scale set's instances at the rule. */
export function associateLogging(
  ctx: AzureContext,
  logging: Logging,
  scaleSet: compute.VirtualMachineScaleSet,
): monitor.DataCollectionRuleAssociation {
  return new monitor.DataCollectionRuleAssociation(
    `${ctx.name}-logs-link`,
    {
      resourceUri: scaleSet.id,
      associationName: "web-logs",
      dataCollectionRuleId: logging.rule.id,
    },
    childOptions(ctx),
  );
}
