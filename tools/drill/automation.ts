/**
 * The one place the drill talks to Pulumi: the Automation API on the project's own stack. It
 * needs the Pulumi CLI and the stack's backend and cloud credentials, so nothing here runs in CI;
 * the stack target takes a `StackApi`, and tests pass a fake one.
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

/**
 * The Automation API runs the `pulumi` CLI; without it, Node's own error is `spawn pulumi ENOENT`.
 * Says what to install instead.
 */
export function withInstallHint(message: string): string {
  if (!/ENOENT/.test(message) || !/pulumi/.test(message)) return message;
  return "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/), log in to the stack's backend (pulumi login), and run the drill again";
}

/** Selects `stackName` in the project at `workDir` (the repository root by default). */
export async function openStack(stackName: string, workDir = projectRoot): Promise<StackApi> {
  // Loaded on demand: the local drills and the tests never need it.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const stack = await LocalWorkspace.selectStack({ stackName, workDir }).catch((error: unknown) => {
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
