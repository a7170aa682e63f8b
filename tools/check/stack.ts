import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";

/** The config key the lead's stack files use for the version every instance should serve. */
export const appVersionKey = "ha-web-service:appVersion";

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

/** Reads `ha-web-service:appVersion` from `<dir>/Pulumi.<stack>.yaml`. */
export async function readExpectedVersion(stack: string, dir: string): Promise<string> {
  const file = join(dir, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new StackError(
      "config",
      `cannot read ${file}; pass --expect <version> or --stack <name>`,
    );
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new StackError(
      "config",
      `${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const config = (document as { config?: Record<string, unknown> } | null)?.config;
  const value = config?.[appVersionKey];
  if (typeof value !== "string" || value === "") {
    // An unquoted 1.10 would arrive as the number 1.1: refuse rather than guess.
    throw new StackError(
      "config",
      `${file}: expected config.${appVersionKey} to be a quoted version such as "1.0.6"; got ${JSON.stringify(value ?? null)}`,
    );
  }
  return value;
}

/** `pulumi stack output versionUrl --stack <stack>`, with the two ways it can fail told apart. */
export function readStackUrl(stack: string, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "pulumi",
      ["stack", "output", "versionUrl", "--stack", stack],
      { env, cwd, timeout: 60_000 },
      (error, stdout, stderr) => {
        if ((error as NodeJS.ErrnoException | null)?.code === "ENOENT") {
          reject(
            new StackError(
              "pulumiMissing",
              "pulumi CLI not found on PATH; install it, or pass --url instead of --stack",
            ),
          );
          return;
        }
        const url = stdout.trim();
        if (error !== null || url === "") {
          const detail = stderr.trim().split("\n")[0] || (error?.message ?? "empty output");
          reject(
            new StackError(
              "pulumiFailed",
              `pulumi stack output versionUrl --stack ${stack} failed: ${detail}`,
            ),
          );
          return;
        }
        resolve(url);
      },
    );
  });
}
