/**
 * The expected rollout time the plan prints, from the cloud's own model
 * (providers/<cloud>/rolloutTime.ts) reached through its home, so the plan needs no per-cloud branch.
 */
import { Cloud } from "../../components/cloud";
import { resolveServiceArgs, ResolvedServiceArgs } from "../../components/args";
import { RolloutTimeModel } from "../../components/cloudHome";
import { cloudHome } from "../../providers/registry";
import { parseSettings, toServiceArgs } from "../../stacks/settings";
import { PlanOptions } from "./run";
import { loadStackConfig } from "../../stacks/stackFile";

/** The cloud's model, from its home; loading it loads that cloud's deploy code. */
export function rolloutTimeModel(cloud: Cloud): RolloutTimeModel {
  return cloudHome(cloud).loadRolloutTime();
}

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
  const estimate = rolloutTimeModel(args.cloud).estimate(args);
  const minutes = (estimate.totalSeconds / 60).toFixed(1);
  return [
    `rollout time (${args.cloud}, ${estimate.instances} instances): about ${estimate.totalSeconds} s (${minutes} min)`,
    ...estimate.phases.map((p) => `  ${String(p.seconds).padStart(5)} s  ${p.label}`),
  ];
}
