/** The clouds this component can deploy to. The order is the order shown in messages. */
export const clouds = ["aws", "gcp", "azure"] as const;

export type Cloud = (typeof clouds)[number];

/** Neutral instance sizes; each cloud maps them to its own machine shapes (see `sizing.ts`). */
export const instanceSizes = ["small", "medium", "large"] as const;

export type InstanceSize = (typeof instanceSizes)[number];
