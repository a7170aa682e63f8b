import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { CloudMocks, mockAccount, OutputsMock } from "../../tools/plan/mocks/types";
import { azureInvokes as I, azureTypes as T } from "./resourceTypes";

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
  [T.resourceGroup]: named("resourceGroupName"),
  [T.vnet]: named("virtualNetworkName"),
  [T.subnet]: named("subnetName"),
  [T.nsg]: named("networkSecurityGroupName"),
  [T.lb]: named("loadBalancerName"),
  [T.ip]: named("publicIpAddressName", (args, name) => {
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
  [T.registry]: named("registryName", (_args, name) => ({
    loginServer: `${name.toLowerCase()}.azurecr.io`,
  })),
  [T.identity]: named("resourceName", (args) => ({
    principalId: guid(`principal/${args.name}`),
    clientId: guid(`client/${args.name}`),
    tenantId: mockAccount.azureTenantId,
  })),
  [T.vmss]: named("vmScaleSetName", (args) => ({
    uniqueId: guid(`vmss/${args.name}`),
  })),
  [T.autoscale[0]]: named("autoscaleSettingName"),
  [T.actionGroup[0]]: named("actionGroupName"),
  [T.alert[0]]: named("ruleName"),
  [T.activityLogAlert]: named("activityLogAlertName"),
  [T.workspace]: named("workspaceName", (args) => ({
    customerId: guid(`workspace/${args.name}`),
  })),
  [T.dataCollectionRule]: named("dataCollectionRuleName"),
  [T.dataCollectionRuleAssociation]: named("associationName"),
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
    [I.clientConfig]: () => ({
      clientId: guid("client/plan"),
      objectId: guid("object/plan"),
      subscriptionId: mockAccount.azureSubscriptionId,
      tenantId: mockAccount.azureTenantId,
    }),
    [I.scaleSet]: (inputs) => {
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
  liveLookups: {
    // The scale set of that name in that resource group, with the capacity it has now.
    [I.scaleSet]: (existing, inputs) => {
      const name = String(inputs.vmScaleSetName);
      const live = existing.find(
        (r) =>
          r.type === T.vmss &&
          r.outputs.vmScaleSetName === name &&
          r.outputs.resourceGroupName === inputs.resourceGroupName,
      );
      const capacity = (live?.outputs.sku as { capacity?: number } | undefined)?.capacity;
      if (live && capacity !== undefined) mockLiveScaleSets.set(name, { capacity });
      else mockLiveScaleSets.delete(name);
    },
  },
};
