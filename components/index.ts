export * from "./args";
export * from "./cloud";
export * from "./rolling";
export * from "./webService";
export type { InstanceGroupDescriptor } from "./cloudHome";
