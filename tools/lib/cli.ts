/**
 * What every command under tools/ shares when it runs as a process: the exit-code scheme
 * (errors.ts), Ctrl-C handling and reporting of errors. A command is `main(argv, io)` that
 * returns its exit code; tests call `main` with their own `io`, the CLI file calls `runMain`.
 */
import { ConfigurationError, exitCodes, ToolError, UsageError } from "./errors";
import { Out, writeLine } from "./output";

/** Where a command reads and writes; the real process in `runMain`, buffers in tests. */
export interface CommandIo {
  readonly stdout: Out;
  readonly stderr: Out;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Aborted on the first Ctrl-C or SIGTERM: stop, clean up, return. */
  readonly signal: AbortSignal;
}

/**
 * The io a command declares: the fields it needs, the rest of `CommandIo` optional, so a test
 * passes only what the command reads.
 */
export type IoWith<Needed extends keyof CommandIo> = Pick<CommandIo, Needed> & Partial<CommandIo>;

export type Main = (argv: readonly string[], io: CommandIo) => Promise<number>;

/** Prints `usage` and returns 0, for --help. */
export function printHelp(io: Pick<CommandIo, "stdout">, usage: string): number {
  writeLine(io.stdout, usage);
  return exitCodes.ok.code;
}

/**
 * The exit code for an error a command let escape, after printing it on stderr: a ToolError's
 * own code and message (a usage error points at --help, a configuration error is printed as it
 * is), anything else is a bug (70).
 */
export function reportError(name: string, stderr: Out, error: unknown): number {
  if (error instanceof ConfigurationError) {
    writeLine(stderr, error.message);
    return error.exitCode;
  }
  if (error instanceof ToolError) {
    const hint = error instanceof UsageError ? " (see --help)" : "";
    writeLine(stderr, `${name}: ${error.message}${hint}`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeLine(stderr, `${name}: unexpected error: ${detail}`);
  return exitCodes.internal.code;
}

export interface RunMainOptions {
  /**
   * The command stops cleanly when `io.signal` aborts (a probe prints its summary, a rehearsal
   * stops its processes): the first Ctrl-C aborts it, the second leaves at once. Otherwise the
   * first Ctrl-C leaves at once, as there is nothing to clean up.
   * @default false
   */
  readonly interruptible?: boolean;
}

/** Runs `main` as this process: signals, errors and the exit code. */
export function runMain(name: string, main: Main, options: RunMainOptions = {}): void {
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (options.interruptible !== true || controller.signal.aborted) {
        process.exit(exitCodes.interrupted.code);
      }
      controller.abort();
    });
  }
  const io: CommandIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
  void main(process.argv.slice(2), io)
    .catch((error: unknown) => reportError(name, process.stderr, error))
    .then((code) => {
      // Not process.exit() at once: writes to a pipe are asynchronous on POSIX, and exit()
      // drops what the reader has not taken yet
      // (https://nodejs.org/api/process.html#a-note-on-process-io). Once both streams have
      // flushed, whatever still holds the event loop (stdin, a probe left running after
      // Ctrl-C) gets a moment, then the process leaves.
      process.exitCode = code;
      let flushed = 0;
      const leave = () => {
        flushed += 1;
        if (flushed === 2) setTimeout(() => process.exit(code), 500).unref();
      };
      process.stdout.write("", leave);
      process.stderr.write("", leave);
    });
}
