/**
 * The Pulumi type tokens of what the Azure deploy registers, by role: the names the diagram, the
 * cost rules, the plan's mocks and the policies look resources up by. Plain data, so the policy
 * pack, which runs in a process of its own, can import it without the program or an SDK.
 */

/**
 * azure-native v3 publishes the monitor types in two modules, `monitor` and `insights`. The deploy
 * registers the first of each pair (`monitor`'s); the diagram and the policies accept either.
 */
const monitorAndInsights = <T extends string>(type: T) =>
  [`azure-native:monitor:${type}`, `azure-native:insights:${type}`] as const;

export const azureTypes = {
  resourceGroup: "azure-native:resources:ResourceGroup",
  lock: "azure-native:authorization:ManagementLockByScope",
  vnet: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  nsg: "azure-native:network:NetworkSecurityGroup",
  securityRule: "azure-native:network:SecurityRule",
  ip: "azure-native:network:PublicIPAddress",
  lb: "azure-native:network:LoadBalancer",
  nat: "azure-native:network:NatGateway",
  vmss: "azure-native:compute:VirtualMachineScaleSet",
  autoscale: monitorAndInsights("AutoscaleSetting"),
  alert: monitorAndInsights("MetricAlert"),
  actionGroup: monitorAndInsights("ActionGroup"),
  activityLogAlert: "azure-native:monitor:ActivityLogAlert",
  dataCollectionRule: "azure-native:monitor:DataCollectionRule",
  dataCollectionRuleAssociation: "azure-native:monitor:DataCollectionRuleAssociation",
  registry: "azure-native:containerregistry:Registry",
  workspace: "azure-native:operationalinsights:Workspace",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  assignment: "azure-native:authorization:RoleAssignment",
  // Not registered by this deploy, but guarded by the policies, so a change that adds one is held
  // to the same rules.
  roleDefinition: "azure-native:authorization:RoleDefinition",
  appInsights: "azure-native:insights:Component",
} as const;

/** The invoke tokens of the data sources the Azure deploy reads. */
export const azureInvokes = {
  clientConfig: "azure-native:authorization:getClientConfig",
  scaleSet: "azure-native:compute:getVirtualMachineScaleSet",
} as const;
