/**
 * A deployed stack as a drill target: its outputs say where the service is (`url`), what it runs
 * (`appVersion`) and which instance group holds it (`instanceGroup`); a rollout is a config
 * change and `pulumi up`; an instance is removed through the cloud's CLI (clouds.ts).
 */
import { InstanceGroupDescriptor } from "../../providers/types";
import { appVersionKey } from "../check/stack";
import { StackApi } from "./automation";
import { cloudGroup, CloudGroup, Exec, GroupInstance } from "./clouds";
import { DrillTarget, TargetLimits, TargetRollout } from "./target";

/**
 * A cloud replaces an instance in minutes, not seconds: boot, pull the image, pass the health
 * check twice, and the autohealing or scheduler delay before that. Fifteen minutes covers the
 * slowest of the three (a VM that boots and pulls) with room; an update may take longer.
 */
export const stackLimits: TargetLimits = { mttrMs: 15 * 60_000, settleMs: 45 * 60_000 };

export interface StackTargetOptions {
  readonly stack: string;
  readonly api: StackApi;
  readonly exec: Exec;
  /** @default 10000: cloud list calls are rate-limited; 10 s is plenty against minutes. */
  readonly pollMs?: number;
  /** @default stackLimits */
  readonly limits?: TargetLimits;
  /** Where `pulumi up`'s output and the drill's own steps go. */
  readonly log?: (line: string) => void;
}

const fields: Record<InstanceGroupDescriptor["kind"], readonly string[]> = {
  "ecs-service": ["region", "cluster", "service"],
  "gce-regional-mig": ["project", "region", "group", "backendService"],
  "azure-vmss": ["subscriptionId", "resourceGroup", "scaleSet"],
};
const kinds = Object.keys(fields);

/** Checks the `instanceGroup` output's shape; the message says what was found instead. */
export function parseInstanceGroup(value: unknown): InstanceGroupDescriptor {
  const record = value as Record<string, unknown> | null;
  const kind = record?.kind;
  if (typeof kind !== "string" || !kinds.includes(kind)) {
    throw new Error(
      `stack output instanceGroup: expected an object whose kind is one of ${kinds.join(", ")}; got ${JSON.stringify(value)}`,
    );
  }
  for (const field of fields[kind as InstanceGroupDescriptor["kind"]]) {
    if (typeof record?.[field] !== "string" || record[field] === "") {
      throw new Error(
        `stack output instanceGroup: expected ${kind} to have a string ${field}; got ${JSON.stringify(value)}`,
      );
    }
  }
  return value as InstanceGroupDescriptor;
}

export function stackTarget(options: StackTargetOptions): DrillTarget {
  const { api, exec } = options;
  const log = options.log ?? (() => undefined);
  let group: CloudGroup | undefined;
  let description = `stack ${options.stack}`;

  const output = async (key: string): Promise<unknown> => {
    const outputs = await api.outputs();
    if (!(key in outputs)) {
      throw new Error(
        `stack ${options.stack} has no output ${key}; outputs: ${Object.keys(outputs).join(", ") || "none (deploy it first)"}`,
      );
    }
    return outputs[key];
  };
  const cloud = async (): Promise<CloudGroup> => {
    if (group === undefined) {
      group = cloudGroup(parseInstanceGroup(await output("instanceGroup")), exec);
      description = `stack ${options.stack}: ${group.description}; healthy means ${group.healthSignal}`;
    }
    return group;
  };
  const list = async (): Promise<GroupInstance[]> => (await cloud()).list();
  /** Where the cloud rolls on after `pulumi up` (Azure), waits for the end; a halt is a failure. */
  const settle = async (version: string): Promise<void> => {
    const settleRollout = (await cloud()).settleRollout;
    if (settleRollout === undefined) return;
    const limits = options.limits ?? stackLimits;
    const settled = await settleRollout({ pollMs: target.pollMs, timeoutMs: limits.settleMs });
    log(`${version}: ${settled.detail}`);
    if (settled.outcome !== "completed")
      throw new Error(`the cloud halted the rollout: ${settled.detail}`);
  };

  const target: DrillTarget = {
    get description() {
      return description;
    },
    pollMs: options.pollMs ?? 10_000,
    limits: options.limits ?? stackLimits,
    url: async () => {
      const url = await output("url");
      if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
        throw new Error(`stack output url: expected an http(s) URL; got ${JSON.stringify(url)}`);
      }
      return new URL("/", url).toString();
    },
    // What the cloud wants now, not the stack file's desiredInstances: autoscaling may have
    // grown the group, and "whole again" must mean that size.
    expectedSize: async () => (await cloud()).desiredSize(),
    instances: async () => list(),
    removeOneInstance: async () => {
      const victim = (await list()).find((i) => i.healthy);
      if (victim === undefined) throw new Error("no healthy instance to remove");
      const detail = await (await cloud()).remove(victim);
      log(detail);
      return { id: victim.id, detail };
    },
    rollout: async (version): Promise<TargetRollout> => {
      const previous = await api.getConfig(appVersionKey);
      const started = Date.now();
      const ended = (outcome: TargetRollout["outcome"], detail: string): TargetRollout => ({
        outcome,
        durationMs: Date.now() - started,
        detail,
      });
      await api.setConfig(appVersionKey, version);
      try {
        await api.up(log);
        await settle(version);
        return ended("completed", `pulumi up to ${version} succeeded`);
      } catch (error) {
        // The cloud has stopped the release (ECS circuit breaker, MIG or scale-set health gate)
        // or the update failed; either way the stack's config must not keep the bad version.
        const why = (error instanceof Error ? error.message : String(error)).split("\n")[0];
        log(`pulumi up to ${version} failed (${why}); restoring ${previous}`);
        await api.setConfig(appVersionKey, previous);
        try {
          await api.up(log);
          await settle(previous);
        } catch (again) {
          return ended(
            "failed",
            `pulumi up to ${version} failed (${why}); restoring ${previous} failed too: ${String(again).split("\n")[0]}`,
          );
        }
        return ended(
          "rolled-back",
          `pulumi up to ${version} failed (${why}); ${previous} redeployed`,
        );
      }
    },
    currentVersion: async () => {
      const version = await output("appVersion");
      if (typeof version !== "string") {
        throw new Error(
          `stack output appVersion: expected a string; got ${JSON.stringify(version)}`,
        );
      }
      return version;
    },
    events: () => [],
    close: async () => undefined,
  };
  return target;
}
