/**
 * The Pulumi type tokens of what the Azure deploy registers, by role: the names the diagram,
 * the cost rules and the tests look resources up by.
 */
export const azureTypes = {
  vnet: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  nsg: "azure-native:network:NetworkSecurityGroup",
  ip: "azure-native:network:PublicIPAddress",
  lb: "azure-native:network:LoadBalancer",
  nat: "azure-native:network:NatGateway",
  vmss: "azure-native:compute:VirtualMachineScaleSet",
  autoscale: ["azure-native:monitor:AutoscaleSetting", "azure-native:insights:AutoscaleSetting"],
  alert: ["azure-native:monitor:MetricAlert", "azure-native:insights:MetricAlert"],
  actionGroup: ["azure-native:monitor:ActionGroup", "azure-native:insights:ActionGroup"],
  registry: "azure-native:containerregistry:Registry",
  workspace: "azure-native:operationalinsights:Workspace",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  assignment: "azure-native:authorization:RoleAssignment",
} as const;
