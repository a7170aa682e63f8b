import { InstanceSize, instanceSizes } from "../../components/cloud";
import { azureVmSize } from "../../components/sizing";

/**
 * VM sizes offered with availability zones in each zonal region of providers/azure/regions.ts,
 * for the sizes components/sizing.ts maps to. A static table: the plan runs offline, and Azure's answer
 * is per subscription. Source: Microsoft's size pages (Dalsv5, Dasv5 series: "available in all
 * regions with availability zones" as last read) and, to refresh a row,
 *   az vm list-skus --location <region> --resource-type virtualMachines --zone \
 *     --query "[?name=='Standard_D2as_v5'].locationInfo[0].zones"
 * https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dalsv5-series
 * https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dasv5-series
 * https://learn.microsoft.com/cli/azure/vm#az-vm-list-skus
 */
const dasv5 = ["Standard_D2als_v5", "Standard_D2as_v5", "Standard_D4as_v5"] as const;

export const zonalSkus: Readonly<Record<string, readonly string[]>> = {
  eastus: dasv5,
  eastus2: dasv5,
  westus2: dasv5,
  westus3: dasv5,
  centralus: dasv5,
  northeurope: dasv5,
  westeurope: dasv5,
  uksouth: dasv5,
  australiaeast: dasv5,
};

/** Burstable (B-series) sizes: credit-throttled, so CPU autoscaling cannot work on them. */
export function isBurstable(vmSize: string): boolean {
  return /^Standard_B\d/.test(vmSize);
}

/** Neutral sizes whose Azure size the region does not offer with zones (empty when all are). */
export function sizesMissingIn(region: string): InstanceSize[] {
  const offered = zonalSkus[region] ?? [];
  return instanceSizes.filter((size) => !offered.includes(azureVmSize(size)));
}
