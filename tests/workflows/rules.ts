import { spawnSync } from "node:child_process";
import { parse } from "yaml";

/**
 * The hardening rules the delivery workflows are held to, as functions over workflow text. Each
 * returns one message per violation, so a test can show a fixture breaking exactly one rule.
 */

export type WorkflowFiles = Readonly<Record<string, string>>;

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly permissions?: unknown;
  readonly concurrency?: { group?: string; "cancel-in-progress"?: unknown } | string;
  readonly environment?: string | { name?: string };
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly steps?: readonly Step[];
}
interface Workflow {
  readonly on?: unknown;
  readonly permissions?: unknown;
  readonly jobs?: Record<string, Job>;
}

function parsed(files: WorkflowFiles): [string, Workflow][] {
  return Object.entries(files).map(([path, text]) => [path, (parse(text) ?? {}) as Workflow]);
}

/** Actions that exchange GitHub's OIDC token for cloud credentials. */
const cloudLoginActions = [
  "aws-actions/configure-aws-credentials",
  "google-github-actions/auth",
  "azure/login",
];
const actionName = (uses: string) => uses.split("@")[0];

/** The reusable workflow a job calls, by its path in `files`, if it calls a local one. */
function calledWorkflow(job: Job, files: WorkflowFiles): Workflow | undefined {
  if (!job.uses?.startsWith("./.github/workflows/")) return undefined;
  const path = job.uses.slice(2);
  return path in files ? ((parse(files[path]) ?? {}) as Workflow) : undefined;
}

/** Steps a job runs, including those of the local reusable workflow it calls. */
function stepsOf(job: Job, files: WorkflowFiles): Step[] {
  const called = calledWorkflow(job, files);
  const nested = called ? Object.values(called.jobs ?? {}).flatMap((j) => stepsOf(j, files)) : [];
  return [...(job.steps ?? []), ...nested];
}

const runsPulumiUp = (steps: readonly Step[]) =>
  steps.some(
    (s) =>
      (s.uses !== undefined &&
        actionName(s.uses) === "pulumi/actions" &&
        s.with?.command === "up") ||
      /\bpulumi up\b/.test(s.run ?? ""),
  );

/** Every `uses:` names a local action or a full commit SHA with its version in a comment. */
export function checkPinnedActions(files: WorkflowFiles): string[] {
  const problems: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    text.split("\n").forEach((line, index) => {
      const match = /^\s*(?:-\s*)?uses:\s*["']?([^\s"'#]+)["']?(.*)$/.exec(line);
      if (!match) return;
      const [, reference, rest] = match;
      if (reference.startsWith("./")) return;
      if (!/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(reference)) {
        problems.push(`${path}:${index + 1}: ${reference} is not pinned to a full commit SHA`);
      } else if (!/^\s+#\s*v\d+(\.\d+){0,2}\s*$/.test(rest)) {
        problems.push(
          `${path}:${index + 1}: ${reference} needs a "# vX.Y.Z" comment naming the pinned release`,
        );
      }
    });
  }
  return problems;
}

/** The workflow grants nothing by default and every job says what it needs. */
export function checkPermissions(files: WorkflowFiles): string[] {
  const problems: string[] = [];
  for (const [path, workflow] of parsed(files)) {
    const top = workflow.permissions;
    const readOnly =
      top !== undefined &&
      (top === "read-all" ||
        (typeof top === "object" &&
          top !== null &&
          Object.values(top).every((v) => v === "read" || v === "none")));
    if (!readOnly) {
      problems.push(
        `${path}: top-level permissions must be {} or read-only; got ${JSON.stringify(top ?? null)}`,
      );
    }
    for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
      if (job.permissions === undefined)
        problems.push(`${path}: job ${name} has no permissions block`);
    }
  }
  return problems;
}

/** Jobs that deploy hold a concurrency group that queues rather than cancels. */
export function checkDeployConcurrency(files: WorkflowFiles): string[] {
  const problems: string[] = [];
  for (const [path, workflow] of parsed(files)) {
    // A reusable workflow's deploys are checked at its callers, which hold the group.
    if (isOnlyCalled(workflow)) continue;
    for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
      if (!runsPulumiUp(stepsOf(job, files))) continue;
      const concurrency = job.concurrency;
      if (typeof concurrency !== "object" || concurrency === null || !concurrency.group) {
        problems.push(`${path}: deploy job ${name} has no concurrency group`);
      } else if (concurrency["cancel-in-progress"] !== false) {
        problems.push(
          `${path}: deploy job ${name} must set cancel-in-progress: false (a cancelled up leaves the stack locked and half-rolled)`,
        );
      }
    }
  }
  return problems;
}

function isOnlyCalled(workflow: Workflow): boolean {
  const on = workflow.on;
  const events = typeof on === "string" ? [on] : Array.isArray(on) ? on : Object.keys(on ?? {});
  return events.length === 1 && events[0] === "workflow_call";
}

/** `id-token: write` only on jobs that exchange it for cloud credentials. */
export function checkIdToken(files: WorkflowFiles): string[] {
  const problems: string[] = [];
  for (const [path, workflow] of parsed(files)) {
    for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
      const permissions = job.permissions as Record<string, string> | string | undefined;
      const wantsToken =
        permissions === "write-all" ||
        (typeof permissions === "object" && permissions?.["id-token"] === "write");
      if (!wantsToken) continue;
      const logsIn = stepsOf(job, files).some(
        (s) => s.uses !== undefined && cloudLoginActions.includes(actionName(s.uses)),
      );
      if (!logsIn)
        problems.push(`${path}: job ${name} has id-token: write but assumes no cloud role`);
    }
  }
  return problems;
}

/** Whatever deploys the prod stack runs in the GitHub environment prod (its reviewers gate it). */
export function checkProdEnvironment(files: WorkflowFiles): string[] {
  const problems: string[] = [];
  let prodDeploys = 0;
  for (const [path, workflow] of parsed(files)) {
    if (isOnlyCalled(workflow)) continue;
    for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
      const called = calledWorkflow(job, files);
      const inputs = (job.with ?? {}) as Record<string, unknown>;
      const resolve = (value: unknown) =>
        String(value ?? "").replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, key: string) =>
          String(inputs[key] ?? ""),
        );
      const jobs = called ? Object.values(called.jobs ?? {}) : [job];
      for (const deploying of jobs) {
        const up = (deploying.steps ?? []).find(
          (s) =>
            s.uses !== undefined &&
            actionName(s.uses) === "pulumi/actions" &&
            s.with?.command === "up",
        );
        if (!up || resolve(up.with?.["stack-name"]) !== "prod") continue;
        prodDeploys++;
        const environment =
          typeof deploying.environment === "object"
            ? deploying.environment?.name
            : deploying.environment;
        if (resolve(environment) !== "prod") {
          problems.push(
            `${path}: job ${name} deploys prod outside the prod environment (got ${JSON.stringify(resolve(environment) || null)})`,
          );
        }
      }
    }
  }
  if (prodDeploys === 0 && Object.values(files).some((text) => /stack-name/.test(text))) {
    problems.push("no job deploys the prod stack");
  }
  return problems;
}

/** Every `run:` script with the workflow expressions in it replaced by a placeholder. */
export function runScripts(files: WorkflowFiles): { where: string; script: string }[] {
  const scripts: { where: string; script: string }[] = [];
  for (const [path, workflow] of parsed(files)) {
    for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
      (job.steps ?? []).forEach((step, index) => {
        if (step.run === undefined) return;
        // GitHub substitutes expressions before the shell sees the script; shellcheck must not
        // read `${{` as shell syntax. Scripts here take their inputs from env: instead.
        const script = step.run.replace(/\$\{\{[^}]*\}\}/g, "GHA_EXPRESSION");
        scripts.push({ where: `${path} job ${name} step ${index + 1}`, script });
      });
    }
  }
  return scripts;
}

/** Shellcheck's findings for one bash script, as `SC1234: message` lines. */
export function shellcheck(script: string): string[] {
  // GitHub runs `run:` with `bash -e {0}` on Linux runners.
  const result = spawnSync("shellcheck", ["--shell=bash", "--format=gcc", "-"], {
    input: script,
    encoding: "utf8",
  });
  if (result.error) {
    throw new Error(
      `shellcheck is not installed (apt-get install shellcheck): ${result.error.message}`,
    );
  }
  return result.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => line.replace(/^-:/, "line "));
}
