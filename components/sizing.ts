import { InstanceSize } from "./cloud";

/**
 * Neutral sizes mapped to each cloud's shapes. The three columns are close in vCPU and memory so
 * that switching clouds keeps the service's capacity, not so that they cost the same.
 */
export interface FargateSize {
  /** CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  /** MiB. */
  readonly memory: number;
}

const fargate: Record<InstanceSize, FargateSize> = {
  small: { cpu: 512, memory: 1024 },
  medium: { cpu: 1024, memory: 2048 },
  large: { cpu: 2048, memory: 4096 },
};

const gce: Record<InstanceSize, string> = {
  small: "e2-small",
  medium: "e2-medium",
  large: "e2-standard-2",
};

// No B-series: once a burstable VM spends its CPU credits it is held at its baseline (20 % of a
// vCPU on B1ms), below the 70 % scale-out threshold, so CPU autoscaling would scale a saturated
// fleet in. https://learn.microsoft.com/azure/virtual-machines/sizes/b-family
// Dalsv5/Dasv5 are the cheapest non-burstable general-purpose sizes; 2 vCPUs is their floor, so
// small and medium have more CPU than the other clouds' columns. Every size here supports zones,
// Trusted Launch and encryption at host; providers/azure/skus.ts lists where it is offered.
const azure: Record<InstanceSize, string> = {
  small: "Standard_D2als_v5",
  medium: "Standard_D2as_v5",
  large: "Standard_D4as_v5",
};

export function fargateSize(size: InstanceSize): FargateSize {
  return fargate[size];
}

export function gceMachineType(size: InstanceSize): string {
  return gce[size];
}

export function azureVmSize(size: InstanceSize): string {
  return azure[size];
}
