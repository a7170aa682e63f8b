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

// B-series are burstable and cheap; v2 sizes support zones and Gen2 images in every zonal region.
const azure: Record<InstanceSize, string> = {
  small: "Standard_B1ms",
  medium: "Standard_B2s",
  large: "Standard_D2s_v5",
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
