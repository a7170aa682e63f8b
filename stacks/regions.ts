import { Cloud } from "../components/cloud";

/**
 * Regions this project knows, with the zones a new account can use there. Kept static so that a
 * preview is deterministic and a bad zone count fails before anything is registered; add a row to
 * deploy somewhere else. AWS zone letters are per-account aliases, so the table lists only letters
 * that exist in every account of the region.
 */
const zoneTable: Record<Cloud, Record<string, readonly string[]>> = {
  aws: {
    "us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"],
    "us-east-2": ["us-east-2a", "us-east-2b", "us-east-2c"],
    "us-west-2": ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
    "eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    "eu-west-2": ["eu-west-2a", "eu-west-2b", "eu-west-2c"],
    "eu-central-1": ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
    "ap-southeast-2": ["ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"],
    "ap-northeast-1": ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
  },
  gcp: {
    "us-central1": ["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"],
    "us-east1": ["us-east1-b", "us-east1-c", "us-east1-d"],
    "us-west1": ["us-west1-a", "us-west1-b", "us-west1-c"],
    "europe-west1": ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
    "europe-west2": ["europe-west2-a", "europe-west2-b", "europe-west2-c"],
    "europe-west4": ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
    "asia-southeast1": ["asia-southeast1-a", "asia-southeast1-b", "asia-southeast1-c"],
  },
  azure: {
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

/** The region key each cloud's provider reads, as users set it with `pulumi config set`. */
export const regionConfigKey: Record<Cloud, string> = {
  aws: "aws:region",
  gcp: "gcp:region",
  azure: "azure-native:location",
};

export const defaultRegion: Record<Cloud, string> = {
  aws: "us-east-1",
  gcp: "us-central1",
  azure: "eastus",
};

export function knownRegions(cloud: Cloud): string[] {
  return Object.keys(zoneTable[cloud]);
}

/** Zones of a known region, or `undefined` for a region this project does not know. */
export function zonesOf(cloud: Cloud, region: string): readonly string[] | undefined {
  return Object.prototype.hasOwnProperty.call(zoneTable[cloud], region)
    ? zoneTable[cloud][region]
    : undefined;
}
