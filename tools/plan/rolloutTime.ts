/**
 * The expected rollout time the plan prints: one registry keyed by cloud, each entry the cloud's
 * own model (providers/<cloud>/rolloutTime.ts), so the plan needs no per-cloud branch.
 */
import { Cloud } from "../../components/cloud";
import { resolveServiceArgs, ResolvedServiceArgs } from "../../components/args";
import { RolloutTime } from "../../components/rolloutTime";
import { awsRolloutTime } from "../../providers/aws/rolloutTime";
import { azureRolloutTime } from "../../providers/azure/rolloutTime";
import { parseSettings, toServiceArgs } from "../../stacks/settings";
import { PlanOptions } from "./run";
import { loadStackConfig } from "./stackConfig";

export type RolloutTimeModel = (args: ResolvedServiceArgs, instances?: number) => RolloutTime;

/** A cloud without an entry has no model yet; the plan says so instead of guessing. */
export const rolloutTimeModels: Readonly<Partial<Record<Cloud, RolloutTimeModel>>> = {
  aws: awsRolloutTime,
  azure: azureRolloutTime,
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
  const model = rolloutTimeModels[args.cloud];
  if (model === undefined) return [`rollout time: no model for ${args.cloud} yet`];
  const estimate = model(args);
  const minutes = (estimate.totalSeconds / 60).toFixed(1);
  return [
    `rollout time (${args.cloud}, ${estimate.instances} instances): about ${estimate.totalSeconds} s (${minutes} min)`,
    ...estimate.phases.map((p) => `  ${String(p.seconds).padStart(5)} s  ${p.label}`),
  ];
}
