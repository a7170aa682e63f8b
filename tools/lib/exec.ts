import { execFile } from "node:child_process";
import { EnvironmentError, MissingToolError } from "./errors";

/** How to install the programs the tools run, for the message when one is missing. */
const installHints: Readonly<Record<string, string>> = {
  pulumi: "install it with `curl -fsSL https://get.pulumi.com | sh` (or `brew install pulumi`)",
  docker: "install Docker Engine (https://docs.docker.com/engine/install/)",
  podman: "install it with `apt-get install podman buildah`",
  buildah: "install it with `apt-get install podman buildah`",
  nginx: "install it with `apt-get install nginx-light`, or set NGINX_BIN",
  dot: "install Graphviz with `apt-get install graphviz`",
  curl: "install it with `apt-get install curl`",
  git: "install it with `apt-get install git`",
  gh: "install the GitHub CLI (https://cli.github.com)",
  jq: "install it with `apt-get install jq`",
  aws: "install AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html) and log in",
  gcloud: "install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install) and log in",
  az: "install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli) and log in",
};

/** How to install `command`, as the message of a missing program says it. */
export function installHint(command: string): string {
  const name = command.slice(command.lastIndexOf("/") + 1);
  return installHints[name] ?? `install ${name} and put it on PATH`;
}

export interface RunOptions {
  /** Killed (SIGTERM) after this long: a CLI waiting on the network must not hang a tool. */
  readonly timeoutMs?: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** @default 64 MiB: cloud CLIs list whole fleets as JSON */
  readonly maxBuffer?: number;
  /** @default SIGTERM; SIGINT lets the Pulumi CLI cancel cleanly. */
  readonly killSignal?: NodeJS.Signals;
}

/** How a program ended. `missing`: not installed at all; `code` is null when it was killed. */
export interface RunResult {
  readonly code: number | null;
  /** The signal that killed it, if one did. */
  readonly signal?: NodeJS.Signals;
  readonly stdout: string;
  readonly stderr: string;
  readonly missing: boolean;
  readonly timedOut: boolean;
}

/**
 * Runs a program without a shell and reports how it ended; never rejects. The one execFile
 * wrapper of the tools: every child process that is run to completion goes through here.
 */
export function run(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      [...args],
      {
        timeout: options.timeoutMs ?? 0,
        cwd: options.cwd,
        env: options.env,
        maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
        killSignal: options.killSignal,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        const errno = (error as NodeJS.ErrnoException | null)?.code;
        const signal = (error as { signal?: NodeJS.Signals } | null)?.signal;
        resolve({
          code: error === null ? 0 : typeof errno === "number" ? errno : null,
          stdout,
          stderr,
          missing: errno === "ENOENT",
          // execFile kills with SIGTERM at the timeout and says so in `killed`.
          timedOut: error !== null && (error as { killed?: boolean }).killed === true,
          ...(signal ? { signal } : {}),
        });
      },
    );
    // No input: a program that would read stdin sees its end instead of waiting for it.
    child.stdin?.end();
  });
}

/** The first line a failed program printed on stderr, or how it ended. */
export function failureOf(result: RunResult): string {
  const first = result.stderr.trim().split("\n")[0];
  if (first) return first;
  if (result.timedOut) return "timed out";
  return result.code === null ? "killed" : `exit ${result.code}`;
}

/**
 * Runs a program and returns its stdout; rejects when it is missing (MissingToolError, saying
 * how to install it: exit 3) or fails (exit 3, naming the command, with the end of its stderr).
 */
export async function runText(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await run(command, args, options);
  if (result.missing) throw new MissingToolError(command, installHint(command));
  if (result.code !== 0) {
    const how = result.timedOut ? "timed out" : `exit ${result.code ?? "by signal"}`;
    throw new EnvironmentError(
      `${[command, ...args].join(" ")} failed (${how}):\n${result.stderr.trim().slice(-4000)}`,
    );
  }
  return result.stdout;
}
