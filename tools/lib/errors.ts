/**
 * The exit codes every command under tools/ uses, one scheme for all. Scripts and CI branch on
 * them, so a code keeps its meaning once released. `npm run check` refines "failed" into its own
 * table (tools/check/codes.ts, codes 1 and 3-11), released before this scheme and kept as it is.
 */
export const exitCodes = {
  ok: { code: 0, meaning: "done, and every check passed" },
  failed: { code: 1, meaning: "it ran, and a check failed or a problem was found" },
  usage: { code: 2, meaning: "bad command line or invalid stack configuration" },
  environment: {
    code: 3,
    meaning:
      "could not run here: a missing tool, a plan the mocks cannot answer, a drill target that will not open",
  },
  policy: { code: 4, meaning: "a mandatory policy was violated (plan --policy)" },
  // sysexits.h EX_SOFTWARE: a bug in the tool, never a verdict about the deployment.
  internal: { code: 70, meaning: "unexpected error in the tool itself" },
  // 128 + SIGINT, as a shell reports a command stopped by Ctrl-C.
  interrupted: { code: 130, meaning: "interrupted by Ctrl-C or SIGTERM" },
} as const;

/** An error that ends a command with its own exit code and a one-line message. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    // The subclass's own name: UsageError, EnvironmentError, ...
    this.name = new.target.name;
  }
}

/** A bad command line. CLIs print the message and exit 2, the usual code for usage errors. */
export class UsageError extends ToolError {
  constructor(message: string) {
    super(message, exitCodes.usage.code);
  }
}

/**
 * Invalid stack configuration (exit 2). Printed as it is: the message already names each stack
 * key, the value and what is accepted, one line per problem.
 */
export class ConfigurationError extends ToolError {
  constructor(message: string) {
    super(message, exitCodes.usage.code);
  }
}

/** The command cannot run on this machine or against this target (exit 3). */
export class EnvironmentError extends ToolError {
  constructor(message: string) {
    super(message, exitCodes.environment.code);
  }
}

/** A program the command runs is not installed; the message says how to install it. */
export class MissingToolError extends EnvironmentError {
  constructor(
    readonly tool: string,
    install: string,
  ) {
    super(`${tool} not found${tool.includes("/") ? "" : " on PATH"}: ${install}`);
  }
}
