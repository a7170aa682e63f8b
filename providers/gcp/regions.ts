/** The GCP regions this project knows, with the zones a new project can use (see `CloudRegions`). */
import type { CloudRegions } from "../../components/cloudHome";

export const gcpRegions: CloudRegions = {
  configKey: "gcp:region",
  defaultRegion: "us-central1",
  zones: {
    "us-central1": ["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"],
    "us-east1": ["us-east1-b", "us-east1-c", "us-east1-d"],
    "us-west1": ["us-west1-a", "us-west1-b", "us-west1-c"],
    "europe-west1": ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
    "europe-west2": ["europe-west2-a", "europe-west2-b", "europe-west2-c"],
    "europe-west4": ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
    "asia-southeast1": ["asia-southeast1-a", "asia-southeast1-b", "asia-southeast1-c"],
  },
};
