import * as pulumi from "@pulumi/pulumi";
import { Cloud } from "../../components/cloud";
import { buildProgram } from "../../program";
import { PlannedInvoke, PlannedResource, RecordingMocks } from "./recorder";
import { loadStackConfig } from "../../stacks/stackFile";

export interface PlanOptions {
  readonly stack: string;
  /** Overrides the stack's `cloud`, as `pulumi config set cloud <c>` would. */
  readonly cloud?: Cloud;
  /** `key=value` overrides, as `pulumi preview -c` takes them. */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Directory holding Pulumi.yaml and the stack files. */
  readonly root?: string;
  /** Mocks to record into; tests pass their own to inspect what a failed plan registered. */
  readonly mocks?: RecordingMocks;
}

export interface PlanResult {
  readonly stack: string;
  readonly cloud: string;
  readonly resources: readonly PlannedResource[];
  readonly invokes: readonly PlannedInvoke[];
  readonly outputs: Record<string, unknown>;
}

/** Raised when the program asked for something the mocks cannot honestly answer. */
export class PlanError extends Error {}

/**
 * Runs the real program under Pulumi's mock engine with a stack's configuration and returns every
 * resource it registered. Safe to call repeatedly in one process: each call installs fresh mocks
 * and configuration.
 */
export async function runPlan(options: PlanOptions): Promise<PlanResult> {
  const overrides = { ...(options.overrides ?? {}) };
  if (options.cloud) overrides.cloud = options.cloud;
  const stackConfig = loadStackConfig(options.stack, overrides, options.root);
  pulumi.runtime.setAllConfig(stackConfig.config, stackConfig.secretKeys);
  const mocks = options.mocks ?? new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, stackConfig.project, stackConfig.stack, false);
  mocks.hookMonitor();

  const program = buildProgram();
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    outputs[key] = await settle(pulumi.output(value), key);
  }
  await waitForRegistrations();

  if (mocks.errors.length > 0) {
    throw new PlanError(mocks.errors.join("\n"));
  }
  return {
    stack: stackConfig.stack,
    cloud: String(outputs.cloud),
    resources: mocks.resources,
    invokes: mocks.invokes,
    outputs,
  };
}

/** Resolves an output, failing instead of hanging if the program never produces it. */
function settle<T>(output: pulumi.Output<T>, key: string, timeoutMs = 20_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new PlanError(`output ${key} never resolved under the mocks`)),
      timeoutMs,
    );
    output.apply((value) => {
      clearTimeout(timer);
      resolve(value);
      return value;
    });
  });
}

/**
 * Waits until the runtime has no registration in flight. `waitForRPCs` is the SDK's own drain of
 * that queue (it is what `disconnect` awaits); it is not in the typings, so it is looked up.
 */
export async function waitForRegistrations(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    waitForRPCs?: () => Promise<void>;
  };
  if (settings.waitForRPCs) {
    await settings.waitForRPCs();
  }
  // Let callbacks queued by the last registration run.
  await new Promise((resolve) => setImmediate(resolve));
}
