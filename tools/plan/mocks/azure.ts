import { CloudMocks } from "./types";

/** What the azure provider computes for the resource types this program registers. */
export const azureMocks: CloudMocks = {
  outputs: {},
  invokes: {},
};
