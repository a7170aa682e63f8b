import { ParseArgsConfig } from "node:util";
import { ConfigurationError, EnvironmentError, UsageError } from "../lib/errors";
import { ifGiven, parseCloud } from "../lib/parse";
import { PlanError, PlanOptions, PlanResult, runPlan } from "./run";
import { parseOverrides } from "../../stacks/stackFile";

/**
 * The flags every command built on the offline plan shares (plan, diagram, cost), for the
 * toolkit's `parseFlags`; each command spreads them into its own options.
 */
export const planFlags = {
  stack: { type: "string", default: "test" },
  cloud: { type: "string" },
  config: { type: "string", short: "c", multiple: true, default: [] as string[] },
  help: { type: "boolean", short: "h", default: false },
} satisfies ParseArgsConfig["options"];

/** Turns the shared flags into plan options, refusing an unknown cloud or a malformed `-c`. */
export function planOptionsFrom(values: {
  stack?: string;
  cloud?: string;
  config?: string[];
}): PlanOptions {
  const cloud = ifGiven(values.cloud, parseCloud);
  let overrides: Record<string, string>;
  try {
    overrides = parseOverrides(values.config ?? []);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return { stack: values.stack ?? "test", cloud, overrides };
}

/**
 * `runPlan` in the tools' exit-code scheme: a question the mocks cannot answer is exit 3, a
 * stack file that is missing or invalid is exit 2 with the validation message as it is.
 */
export async function plan(options: PlanOptions): Promise<PlanResult> {
  try {
    return await runPlan(options);
  } catch (error) {
    if (error instanceof PlanError) throw new EnvironmentError(error.message);
    throw new ConfigurationError(error instanceof Error ? error.message : String(error));
  }
}
