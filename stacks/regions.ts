/**
 * The settings' view of where each cloud runs, looked up through the registry: each cloud's
 * regions and zones live in its home (`providers/<cloud>/regions.ts`, `CloudRegions`).
 */
import { Cloud } from "../components/cloud";
import { cloudHome } from "../providers/registry";

/** The region key the cloud's provider reads, as users set it with `pulumi config set`. */
export function regionConfigKey(cloud: Cloud): string {
  return cloudHome(cloud).regions.configKey;
}

export function defaultRegion(cloud: Cloud): string {
  return cloudHome(cloud).regions.defaultRegion;
}

export function knownRegions(cloud: Cloud): string[] {
  return Object.keys(cloudHome(cloud).regions.zones);
}

/** Zones of a known region, or `undefined` for a region this project does not know. */
export function zonesOf(cloud: Cloud, region: string): readonly string[] | undefined {
  const { zones } = cloudHome(cloud).regions;
  return Object.hasOwn(zones, region) ? zones[region] : undefined;
}
