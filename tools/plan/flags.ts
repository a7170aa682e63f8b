import { ParseArgsConfig } from "node:util";
import { Cloud, clouds } from "../../components/cloud";
import { PlanOptions } from "./run";
import { parseOverrides } from "./stackConfig";

/**
 * The flags every command built on the offline plan shares (plan, diagram, cost), for
 * `node:util` `parseArgs`; each command spreads them into its own options.
 */
export const planFlags = {
  stack: { type: "string", default: "test" },
  cloud: { type: "string" },
  config: { type: "string", short: "c", multiple: true, default: [] as string[] },
  help: { type: "boolean", short: "h", default: false },
} satisfies ParseArgsConfig["options"];

/** A command-line mistake, reported as one line and exit code 2. */
export class UsageError extends Error {}

/** Turns the shared flags into plan options, refusing an unknown cloud or a malformed `-c`. */
export function planOptionsFrom(values: {
  stack?: string;
  cloud?: string;
  config?: string[];
}): PlanOptions {
  if (values.cloud !== undefined && !(clouds as readonly string[]).includes(values.cloud)) {
    throw new UsageError(
      `--cloud: expected one of ${clouds.join(", ")}; got ${JSON.stringify(values.cloud)}`,
    );
  }
  let overrides: Record<string, string>;
  try {
    overrides = parseOverrides(values.config ?? []);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return { stack: values.stack ?? "test", cloud: values.cloud as Cloud | undefined, overrides };
}
