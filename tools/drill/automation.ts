/**
 * The one place the drill talks to Pulumi: the Automation API on the project's own stack. It
 * needs the Pulumi CLI and the stack's backend and cloud credentials; the stack target takes a
 * `StackApi`, so tests pass a fake one, or open a stack of the real engine tier (tools/engine)
 * with its CLI, backend and plugins given in `StackOptions`.
 */
import { projectRoot } from "../../stacks/stackFile";

export interface StackApi {
  /** `pulumi stack output --json`, as plain values. */
  outputs(): Promise<Readonly<Record<string, unknown>>>;
  getConfig(key: string): Promise<string>;
  setConfig(key: string, value: string): Promise<void>;
  /** `pulumi up --yes`; rejects when the update fails. */
  up(onOutput: (text: string) => void): Promise<void>;
}

/** Where the stack lives and how the CLI is run: by default the repository and this environment. */
export interface StackOptions {
  /** The project folder. @default the repository root */
  readonly workDir?: string;
  /**
   * Set for every CLI run, over this process's environment: PATH (which `pulumi`),
   * PULUMI_HOME (which plugins), PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE.
   * @default nothing beyond this process's environment
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The folder whose `bin/pulumi` is the CLI to run. The Automation API looks for the CLI, and
   * checks its version, with this process's PATH, not `env`'s.
   * @default the `pulumi` on PATH
   */
  readonly cliRoot?: string;
}

/**
 * The Automation API runs the `pulumi` CLI; without it, Node's own error is `spawn pulumi ENOENT`.
 * Says what to install instead.
 */
export function withInstallHint(message: string): string {
  if (!/ENOENT/.test(message) || !/pulumi/.test(message)) return message;
  return "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/), log in to the stack's backend (pulumi login), and run the drill again";
}

/** Selects `stackName`, which must exist: a drill acts on a deployed stack, it never creates one. */
export async function openStack(stackName: string, options: StackOptions = {}): Promise<StackApi> {
  // Loaded on demand: the local drills never need it. The file, not the folder: under tsx a
  // dynamic import resolves as ES modules do, which refuse a directory import.
  const { LocalWorkspace, PulumiCommand } = await import("@pulumi/pulumi/automation/index.js");
  const envVars = Object.fromEntries(
    Object.entries(options.env ?? {}).filter((entry): entry is [string, string] => !!entry[1]),
  );
  const stack = await (async () => {
    const pulumiCommand =
      options.cliRoot === undefined
        ? undefined
        : await PulumiCommand.get({ root: options.cliRoot });
    return LocalWorkspace.selectStack(
      { stackName, workDir: options.workDir ?? projectRoot },
      { envVars, pulumiCommand },
    );
  })().catch((error: unknown) => {
    throw new Error(withInstallHint(String(error)));
  });
  return {
    outputs: async () => {
      const outputs = await stack.outputs();
      return Object.fromEntries(Object.entries(outputs).map(([key, o]) => [key, o.value]));
    },
    getConfig: async (key) => (await stack.getConfig(key)).value,
    setConfig: (key, value) => stack.setConfig(key, { value }),
    up: async (onOutput) => {
      await stack.up({ onOutput });
    },
  };
}
