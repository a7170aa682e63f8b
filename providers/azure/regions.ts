/**
 * The Azure locations this project knows (see `CloudRegions`). Azure names a location's zones
 * 1, 2 and 3 in every subscription: logical zones, mapped per subscription to physical ones
 * (https://learn.microsoft.com/azure/reliability/availability-zones-overview#physical-and-logical-availability-zones).
 */
import type { CloudRegions } from "../../components/cloudHome";

export const azureRegions: CloudRegions = {
  configKey: "azure-native:location",
  defaultRegion: "eastus",
  zones: {
    eastus: ["1", "2", "3"],
    eastus2: ["1", "2", "3"],
    westus2: ["1", "2", "3"],
    westus3: ["1", "2", "3"],
    centralus: ["1", "2", "3"],
    northeurope: ["1", "2", "3"],
    westeurope: ["1", "2", "3"],
    uksouth: ["1", "2", "3"],
    australiaeast: ["1", "2", "3"],
    // Regions without availability zones: listed so the error can say so instead of "unknown".
    westus: [],
    northcentralus: [],
    westcentralus: [],
  },
};
