import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { CloudMocks, mockAccount, OutputsMock } from "../../tools/plan/mocks/types";

type Args = pulumi.runtime.MockResourceArgs;

const hex = (text: string, length: number): string =>
  createHash("sha1").update(text).digest("hex").slice(0, length);

/** A stable GUID per resource, as Entra hands out for identities. */
const guid = (seed: string): string => {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/**
 * The physical name: the explicit name input when given, else azure-native's auto-name, which is
 * the logical name plus 8 random hex characters with no separator. (`id` stays the mock engine's
 * `<logical name>-id`: the recorder does not take ids from this table.)
 */
const physical = (args: Args, nameInput: string): string =>
  args.inputs[nameInput] ?? `${args.name}${hex(`${args.type}::${args.name}`, 8)}`;

const named =
  (nameInput: string, extra: (args: Args, name: string) => Record<string, unknown> = () => ({})) =>
  (args: Args): Record<string, unknown> => {
    const name = physical(args, nameInput);
    return { name, ...extra(args, name) };
  };

const outputs: Record<string, OutputsMock> = {
  "azure-native:resources:ResourceGroup": named("resourceGroupName"),
  "azure-native:network:VirtualNetwork": named("virtualNetworkName"),
  "azure-native:network:Subnet": named("subnetName"),
  "azure-native:network:NetworkSecurityGroup": named("networkSecurityGroupName"),
  "azure-native:network:LoadBalancer": named("loadBalancerName"),
  "azure-native:network:PublicIPAddress": named("publicIpAddressName", (args, name) => {
    const label: string | undefined = args.inputs.dnsSettings?.domainNameLabel;
    const region: string = args.inputs.location ?? "eastus";
    return {
      ipAddress: `20.${parseInt(hex(name, 2), 16) % 200}.${parseInt(hex(name, 4).slice(2), 16)}.10`,
      dnsSettings: label
        ? {
            ...args.inputs.dnsSettings,
            // With a domainNameLabelScope Azure inserts a hash of the scope into the name.
            fqdn: `${label}-${hex(`${mockAccount.azureSubscriptionId}/${name}`, 16)}.${region}.cloudapp.azure.com`,
          }
        : undefined,
    };
  }),
  "azure-native:containerregistry:Registry": named("registryName", (_args, name) => ({
    loginServer: `${name.toLowerCase()}.azurecr.io`,
  })),
  "azure-native:managedidentity:UserAssignedIdentity": named("resourceName", (args) => ({
    principalId: guid(`principal/${args.name}`),
    clientId: guid(`client/${args.name}`),
    tenantId: mockAccount.azureTenantId,
  })),
  "azure-native:compute:VirtualMachineScaleSet": named("vmScaleSetName", (args) => ({
    uniqueId: guid(`vmss/${args.name}`),
  })),
  "azure-native:monitor:AutoscaleSetting": named("autoscaleSettingName"),
  "azure-native:monitor:ActionGroup": named("actionGroupName"),
  "azure-native:monitor:MetricAlert": named("ruleName"),
  "azure-native:monitor:ActivityLogAlert": named("activityLogAlertName"),
  "azure-native:operationalinsights:Workspace": named("workspaceName", (args) => ({
    customerId: guid(`workspace/${args.name}`),
  })),
  "azure-native:monitor:DataCollectionRule": named("dataCollectionRuleName"),
  "azure-native:monitor:DataCollectionRuleAssociation": named("associationName"),
};

/**
 * Scale sets that "exist" for the mocks' getVirtualMachineScaleSet, by name, with their live
 * capacity. Empty, as on a first deploy: the invoke then fails the way azure-native's does for a
 * missing resource (ARM 404, code ResourceNotFound). Tests add entries to stand for a deployed
 * scale set that autoscale has resized, or for a lookup that fails some other way.
 */
export const mockLiveScaleSets = new Map<string, { capacity: number } | { error: string }>();

/** What the azure-native provider computes for the resource types this program registers. */
export const azureMocks: CloudMocks = {
  outputs,
  invokes: {
    "azure-native:authorization:getClientConfig": () => ({
      clientId: guid("client/plan"),
      objectId: guid("object/plan"),
      subscriptionId: mockAccount.azureSubscriptionId,
      tenantId: mockAccount.azureTenantId,
    }),
    "azure-native:compute:getVirtualMachineScaleSet": (inputs) => {
      const name = String(inputs.vmScaleSetName);
      const live = mockLiveScaleSets.get(name);
      if (live === undefined) {
        // `details` is what the SDK reads from a failed invoke (the gRPC status text).
        const message = `request failed /subscriptions/${mockAccount.azureSubscriptionId}/resourceGroups/${String(inputs.resourceGroupName)}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}: RESPONSE 404: 404 Not Found\nERROR CODE: ResourceNotFound`;
        throw Object.assign(new Error(message), { details: message });
      }
      if ("error" in live) {
        throw Object.assign(new Error(live.error), { details: live.error });
      }
      return { name, sku: { capacity: live.capacity } };
    },
  },
};
