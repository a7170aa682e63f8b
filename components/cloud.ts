/** The clouds this component can deploy to: one per line of the registry of cloud homes. */
export { clouds } from "../providers/registry";
export type { Cloud } from "../providers/registry";

/** Neutral instance sizes; each cloud maps them to its own machine shapes (see `sizing.ts`). */
export const instanceSizes = ["small", "medium", "large"] as const;

export type InstanceSize = (typeof instanceSizes)[number];
