/** What the doctor's checks share, its own and each cloud's (`providers/<cloud>/doctor.ts`). */
import type { RunResult } from "../lib/exec";
import { FileReader } from "./stackTarget";

/** What running a command gave (the toolkit's `run`); `missing`: not installed at all. */
export type ExecResult = Pick<RunResult, "code" | "stdout" | "stderr" | "missing">;

/**
 * Everything the doctor reads from the machine, injected so tests can fake any machine: no check
 * touches `process` or the file system directly.
 */
export interface DoctorEnv {
  exec(command: string, args: readonly string[]): Promise<ExecResult>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** As `process.version` gives it, such as v20.18.1. */
  readonly nodeVersion: string;
  readonly readFile: FileReader;
}

export interface Finding {
  readonly check: string;
  readonly status: "ok" | "problem" | "skipped";
  /** For a problem: what is wrong and the fix, on one line. */
  readonly message: string;
}

/** A CLI the drills and runbooks run, with how to install it and, where it matters, its version. */
export interface CloudTool {
  readonly command: string;
  readonly args: readonly string[];
  readonly install: string;
  readonly version?: RegExp;
  readonly versionHint?: string;
}

/** `has(env, "A", "B")`: every named variable is set and not empty. */
export function hasEnv(env: DoctorEnv, ...names: string[]): boolean {
  return names.every((name) => (env.env[name] ?? "") !== "");
}

export function ok(check: string, message: string): Finding {
  return { check, status: "ok", message };
}
export function problem(check: string, message: string): Finding {
  return { check, status: "problem", message };
}
export function skipped(check: string, why: string): Finding {
  return { check, status: "skipped", message: `skipped: ${why}` };
}

export function firstLine(result: ExecResult): string {
  return (result.stderr.trim() || result.stdout.trim() || `exit code ${result.code}`).split(
    "\n",
  )[0];
}

/** The runbooks pipe JSON through jq on every cloud. */
export const jqTool: CloudTool = {
  command: "jq",
  args: ["--version"],
  install: "install jq (apt-get install jq, brew install jq)",
};
