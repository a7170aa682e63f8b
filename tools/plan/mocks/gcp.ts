import { CloudMocks } from "./types";

/** What the gcp provider computes for the resource types this program registers. */
export const gcpMocks: CloudMocks = {
  outputs: {},
  invokes: {},
};
