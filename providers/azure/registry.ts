import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { AzureContext, childOptions, placement } from "./context";
import { registryLogicalName } from "./naming";

/** Repository the default image is pushed to: `<loginServer>/web:<appVersion>`. */
export const imageRepository = "web";

/**
 * Standard, not Premium: Azure now makes every tier zone-redundant in regions with zones, at no
 * cost, so a zone loss does not stop pulls (the API may still report zoneRedundancy Disabled).
 * Premium would add private endpoints and geo-replication, which this service does not use: the
 * instances pull over the internet with their managed identity. Standard also allows turning
 * anonymous pull off explicitly.
 * https://learn.microsoft.com/azure/container-registry/zone-redundancy
 */
export function createRegistry(ctx: AzureContext): containerregistry.Registry {
  return new containerregistry.Registry(
    registryLogicalName(ctx.name),
    {
      ...placement(ctx),
      sku: { name: "Standard" },
      // Only Entra identities pull: no shared admin password, no anonymous access.
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      publicNetworkAccess: "Enabled",
    },
    childOptions(ctx),
  );
}
