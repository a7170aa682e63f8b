/**
 * Runs a command's `main(argv, io)` inside the test process with captured output, as
 * `runMain` (tools/lib/cli.ts) does for the real process: an error that escapes becomes its exit
 * code and a message on stderr. A spawned CLI loads Node, the TypeScript register and a Pulumi SDK
 * each time (seconds of CPU); in-process, the mocha worker loads them once. Each command keeps a
 * few real-process tests, so the npm wiring and the process exit code stay proven.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Main, reportError } from "../../tools/lib/cli";
import { exclusively } from "./plan";

export const repoRoot = join(__dirname, "..", "..");

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface InProcessOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Calls `main` with buffers for stdout and stderr and a signal that never aborts. */
export function runInProcess(
  name: string,
  main: Main,
  argv: readonly string[],
  options: InProcessOptions = {},
): Promise<CommandResult> {
  // Serialised with planStack: a plan installs process-wide mocks and configuration.
  return exclusively(async () => {
    let stdout = "";
    let stderr = "";
    const io = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env: options.env ?? process.env,
      cwd: options.cwd ?? repoRoot,
      signal: new AbortController().signal,
    };
    const code = await main(argv, io).catch((error: unknown) =>
      reportError(name, io.stderr, error),
    );
    return { code, stdout, stderr };
  });
}

/**
 * The command an npm script runs, when it is one TypeScript CLI run by `node -r
 * ./scripts/register.js tools/<tool>/cli.ts` or `tsx tools/<tool>/cli.ts` and nothing else;
 * undefined for any other script (a shell pipeline, several commands, another program).
 */
export function scriptCli(script: string): string | undefined {
  const match = /^(?:node -r \.\/scripts\/register\.js|tsx) (tools\/[\w-]+\/cli\.ts)$/.exec(script);
  return match?.[1];
}

export function packageScripts(): Record<string, string> {
  return (
    JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
}

/** The in-process entry a CLI file exports (`main`), next to its `runMain` call. */
export function cliMain(cliPath: string): Main {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(join(repoRoot, cliPath)) as { main?: Main };
  if (typeof module.main !== "function") {
    throw new Error(`${cliPath} exports no main(argv, io) to run in-process`);
  }
  return module.main;
}

/** Runs `npm run <script> -- argv` in-process: the script must be a single TypeScript CLI. */
export function runScriptInProcess(
  script: string,
  argv: readonly string[],
  options: InProcessOptions = {},
): Promise<CommandResult> {
  const cli = scriptCli(packageScripts()[script] ?? "");
  if (cli === undefined) throw new Error(`npm script ${script} is not one TypeScript CLI`);
  return runInProcess(script, cliMain(cli), argv, options);
}
