/**
 * The expected duration of one rollout, as each cloud computes it from the resolved args. Each
 * cloud's own function lives in `providers/<cloud>/rolloutTime.ts` and returns this shape, so the
 * plan can print it, the rehearsal can be checked against it, and deploy timeouts and pipeline
 * waits can be sized from it.
 */
export interface RolloutPhase {
  /** What happens in this phase, e.g. "batch 1 of 2: new tasks pass 2 health checks 10 s apart". */
  readonly label: string;
  readonly seconds: number;
}

export interface RolloutTime {
  /** Instance count the estimate was computed for. */
  readonly instances: number;
  /** Phases in order; their sum is `totalSeconds`. */
  readonly phases: readonly RolloutPhase[];
  readonly totalSeconds: number;
}

/** Builds a `RolloutTime` whose total is the sum of its phases. */
export function rolloutTime(instances: number, phases: readonly RolloutPhase[]): RolloutTime {
  return {
    instances,
    phases,
    totalSeconds: phases.reduce((sum, phase) => sum + phase.seconds, 0),
  };
}
