/**
 * What a drill acts on. The drills (drills.ts) are written once against this interface; the
 * local rehearsal (local.ts) and a deployed stack (stack.ts) implement it.
 */

export interface TargetInstance {
  readonly id: string;
  /** Healthy and taking traffic, as far as the target can tell. */
  readonly healthy: boolean;
  readonly version?: string;
  readonly zone?: string;
  readonly detail?: string;
}

export interface TargetRollout {
  /**
   * `completed`: the new version serves. `rolled-back`: it was stopped and the previous version
   * serves again (the health gate worked). `failed`: neither could be established.
   */
  readonly outcome: "completed" | "rolled-back" | "failed";
  readonly durationMs: number;
  /** When the target's health gate stopped the rollout, from its start (when known). */
  readonly haltedAfterMs?: number;
  readonly detail: string;
}

/** Something that happened on the target, for the report's timeline. */
export interface TargetEvent {
  readonly atEpochMs: number;
  readonly what: string;
}

export interface TargetLimits {
  /** Self-heal passes only if the group is whole again within this. */
  readonly mttrMs: number;
  /** Longest wait for the group to settle or a rollout to end. */
  readonly settleMs: number;
}

/** Faults a drill can give a target (the rehearsal can; a stack cannot yet). */
export const faultDrills = ["kill", "hang", "slow", "unhealthy", "zone-loss"] as const;
export type FaultDrill = (typeof faultDrills)[number];

export interface InjectedFault {
  /** The instances the fault hit. */
  readonly victims: readonly string[];
  /** zone-loss: the zone lost. */
  readonly zone?: string;
  readonly detail: string;
}

export interface DrillTarget {
  /** One line for the report: what was drilled, with the numbers that drive it. */
  readonly description: string;
  /** How often to look at the instances: cheap locally, rate-limited APIs in a cloud. */
  readonly pollMs: number;
  readonly limits: TargetLimits;
  /** What the probe requests: the service's front door. */
  url(): Promise<string>;
  /** Instances the group should have. */
  expectedSize(): Promise<number>;
  instances(): Promise<TargetInstance[]>;
  /** Removes one healthy instance the way an instance is lost; resolves with which one. */
  removeOneInstance(): Promise<{ readonly id: string; readonly detail: string }>;
  /**
   * Rolls the service to `version` and resolves when the target has settled. `faulty` asks the
   * rehearsal to make the release's health check fail; a stack deploys the version as it is, so
   * a bad-release drill there needs a version that cannot become healthy: a tag never pushed to
   * the registry (the image pull fails), or an image built to fail its check.
   */
  rollout(version: string, options: { readonly faulty: boolean }): Promise<TargetRollout>;
  currentVersion(): Promise<string>;
  /** Gives one healthy instance (zone-loss: one zone) the fault; absent where faults cannot be made. */
  injectFault?(fault: FaultDrill, options: { readonly slowMs: number }): Promise<InjectedFault>;
  /** Lifts the faults still running (slow, unhealthy). */
  endFaults?(): Promise<void>;
  /** Where the target imitates a cloud: which, and what it does not reproduce (for the report). */
  readonly cloudMode?: {
    readonly cloud: string;
    readonly loadBalancer: string;
    /** Attempts per request, the first included: 1 means no retries. */
    readonly attempts: number;
    /** 4: clients' open connections (flows) stay on their instance through a rollout. */
    readonly layer: 4 | 7;
    /** How long a retired instance keeps serving (its drain). */
    readonly drainMs: number;
    readonly notMimicked: readonly string[];
  };
  /** What the target recorded (the rehearsal's events); empty for a stack. */
  events(): readonly TargetEvent[];
  close(): Promise<void>;
}
