/**
 * The expected rollout time the plan prints: one registry keyed by cloud, each entry the cloud's
 * own model (providers/<cloud>/rolloutTime.ts), so the plan needs no per-cloud branch; a fourth
 * cloud is one more line.
 */
import { Cloud } from "../../components/cloud";
import { resolveServiceArgs, ResolvedServiceArgs } from "../../components/args";
import { RolloutTime } from "../../components/rolloutTime";
import { awsRolloutTime } from "../../providers/aws/rolloutTime";
import { azureRolloutTime } from "../../providers/azure/rolloutTime";
import { gcpRolloutTime } from "../../providers/gcp/rolloutTime";
import { parseSettings, toServiceArgs } from "../../stacks/settings";
import { PlanOptions } from "./run";
import { loadStackConfig } from "./stackConfig";

export interface RolloutTimeModel {
  readonly estimate: (args: ResolvedServiceArgs, instances?: number) => RolloutTime;
  /**
   * The phases that estimate an instance's boot: the one input of each model that is not a
   * setting. The rehearsal's check (tests/rehearsal/rolloutTime.test.ts) replaces them with the
   * boot it measures, since its instances are processes, not VMs.
   */
  readonly bootPhase: RegExp;
}

export const rolloutTimeModels: Readonly<Record<Cloud, RolloutTimeModel>> = {
  aws: { estimate: awsRolloutTime, bootPhase: /start on Fargate/ },
  gcp: { estimate: gcpRolloutTime, bootPhase: /: boot, pull and start/ },
  azure: { estimate: azureRolloutTime, bootPhase: /\(an estimate\)$/ },
};

/** The stack's resolved args, as the program resolves them. */
export function resolvedArgsFor(options: PlanOptions): ResolvedServiceArgs {
  const overrides = { ...(options.overrides ?? {}) };
  if (options.cloud) overrides.cloud = options.cloud;
  const c = loadStackConfig(options.stack, overrides, options.root);
  return resolveServiceArgs(toServiceArgs(parseSettings(c.config, c.project, c.stack)));
}

/** The lines the plan prints under the resource tree. */
export function rolloutTimeLines(options: PlanOptions): string[] {
  const args = resolvedArgsFor(options);
  const estimate = rolloutTimeModels[args.cloud].estimate(args);
  const minutes = (estimate.totalSeconds / 60).toFixed(1);
  return [
    `rollout time (${args.cloud}, ${estimate.instances} instances): about ${estimate.totalSeconds} s (${minutes} min)`,
    ...estimate.phases.map((p) => `  ${String(p.seconds).padStart(5)} s  ${p.label}`),
  ];
}
