import { join } from "node:path";
import { failureOf, run } from "../lib/exec";
import {
  filesIn,
  qualify,
  readProject,
  readStackFile,
  StackFileError,
} from "../../stacks/stackFile";

/** The config key of the version every instance should serve, named by Pulumi.yaml's project. */
export const appVersionKey = qualify(readProject(), "appVersion");

/** A failure the CLI reports as one line with the exit code of `outcome`. */
export class StackError extends Error {
  constructor(
    readonly outcome: "pulumiMissing" | "pulumiFailed" | "config",
    message: string,
  ) {
    super(message);
    this.name = "StackError";
  }
}

/** Reads `<project>:appVersion` from `<dir>/Pulumi.<stack>.yaml` (stacks/stackFile.ts). */
export async function readExpectedVersion(stack: string, dir: string): Promise<string> {
  const file = join(dir, `Pulumi.${stack}.yaml`);
  const read = filesIn(dir);
  let config: Readonly<Record<string, unknown>>;
  try {
    config = readStackFile(read, stack).config;
  } catch (error) {
    if (!(error instanceof StackFileError)) throw error;
    throw new StackError(
      "config",
      error.reason === "missing"
        ? `cannot read ${file}; pass --expect <version> or --stack <name>`
        : error.message.replace(`Pulumi.${stack}.yaml`, file),
    );
  }
  const key = qualify(readProject(read), "appVersion");
  const value = config[key];
  if (typeof value !== "string" || value === "") {
    // An unquoted 1.10 would arrive as the number 1.1: refuse rather than guess.
    throw new StackError(
      "config",
      `${file}: expected config.${key} to be a quoted version such as "1.0.6"; got ${JSON.stringify(value ?? null)}`,
    );
  }
  return value;
}

/** `pulumi stack output versionUrl --stack <stack>`, with the two ways it can fail told apart. */
export async function readStackUrl(
  stack: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<string> {
  const args = ["stack", "output", "versionUrl", "--stack", stack];
  const result = await run("pulumi", args, { env, cwd, timeoutMs: 60_000 });
  if (result.missing) {
    throw new StackError(
      "pulumiMissing",
      "pulumi CLI not found on PATH; install it, or pass --url instead of --stack",
    );
  }
  const url = result.stdout.trim();
  if (result.code !== 0 || url === "") {
    const detail = result.code === 0 ? "empty output" : failureOf(result);
    throw new StackError("pulumiFailed", `pulumi ${args.join(" ")} failed: ${detail}`);
  }
  return url;
}
