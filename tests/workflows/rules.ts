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

/** Every step of every job of a workflow file, with the job's name. */
function jobSteps(workflow: Workflow): [string, Job, Step[]][] {
  return Object.entries(workflow.jobs ?? {}).map(([name, job]) => [
    name,
    job,
    [...(job.steps ?? [])],
  ]);
}

const isPulumiAction = (s: Step) => s.uses !== undefined && actionName(s.uses) === "pulumi/actions";
const runsPulumiCli = (s: Step) => /(^|[\s;&|(])pulumi\s+[a-z]/m.test(s.run ?? "");

/**
 * Every Pulumi CLI the workflows install is the version the program's SDK is locked at
 * (`@pulumi/pulumi` in package-lock.json), and no job runs `pulumi` before installing it.
 */
export function checkPulumiVersion(files: WorkflowFiles, lockedVersion: string): string[] {
  const problems: string[] = [];
  for (const [path, workflow] of parsed(files)) {
    for (const [name, , steps] of jobSteps(workflow)) {
      let installed = false;
      steps.forEach((step, index) => {
        if (isPulumiAction(step)) {
          const pinned = String(step.with?.["pulumi-version"] ?? "");
          if (pinned !== lockedVersion) {
            problems.push(
              `${path}: job ${name} step ${index + 1} installs Pulumi ${JSON.stringify(pinned || null)}; expected pulumi-version: ${lockedVersion} (package-lock.json)`,
            );
          }
          installed = true;
        } else if (runsPulumiCli(step) && !installed) {
          problems.push(
            `${path}: job ${name} step ${index + 1} runs pulumi before pulumi/actions installs it`,
          );
        }
      });
    }
  }
  return problems;
}

/** Previews and updates run the project's policy pack, as `npm run plan -- --policy` does offline. */
export function checkPolicyPacks(files: WorkflowFiles): string[] {
  const problems: string[] = [];
  for (const [path, workflow] of parsed(files)) {
    for (const [name, , steps] of jobSteps(workflow)) {
      for (const step of steps) {
        const command = step.with?.command;
        if (!isPulumiAction(step) || (command !== "preview" && command !== "up")) continue;
        if (step.with?.policyPacks !== "policy") {
          problems.push(`${path}: job ${name} runs pulumi ${command} without policyPacks: policy`);
        }
      }
    }
  }
  return problems;
}

/**
 * No run that may hold a stack lock (any Pulumi command) can be cancelled by a newer run: neither
 * its job nor its workflow sets `cancel-in-progress: true`.
 */
export function checkLockCancellation(files: WorkflowFiles): string[] {
  const problems: string[] = [];
  const cancels = (c: unknown) =>
    typeof c === "object" &&
    c !== null &&
    (c as Record<string, unknown>)["cancel-in-progress"] === true;
  for (const [path, workflow] of parsed(files)) {
    const top = (workflow as { concurrency?: unknown }).concurrency;
    for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
      const steps = stepsOf(job, files);
      if (!steps.some((s) => isPulumiAction(s) || runsPulumiCli(s))) continue;
      if (cancels(job.concurrency)) {
        problems.push(
          `${path}: job ${name} runs Pulumi (holds a stack lock) but sets cancel-in-progress: true`,
        );
      }
      if (cancels(top)) {
        problems.push(
          `${path}: the workflow sets cancel-in-progress: true and its job ${name} runs Pulumi (holds a stack lock)`,
        );
      }
    }
  }
  return problems;
}

/** A shell command can never pass by swallowing its own failure. */
export function checkNoSwallowedFailures(files: WorkflowFiles): string[] {
  return runScripts(files)
    .filter(({ script }) => /\|\|\s*(true|:)\s*($|[;)\n])/m.test(script))
    .map(({ where }) => `${where} swallows a failure with || true`);
}

/**
 * The manual drift check compares the code with the cloud: its preview refreshes first and fails
 * on any difference. Pull-request previews do not refresh: their diff is the change alone.
 */
export function checkDriftCheck(files: WorkflowFiles): string[] {
  const problems: string[] = [];
  let driftChecks = 0;
  for (const [path, workflow] of parsed(files)) {
    for (const [name, , steps] of jobSteps(workflow)) {
      for (const step of steps) {
        if (!isPulumiAction(step) || step.with?.command !== "preview") continue;
        const when = String((step as { if?: unknown }).if ?? "");
        const refresh = step.with?.refresh;
        if (/workflow_dispatch/.test(when)) {
          driftChecks++;
          if (refresh !== true || step.with?.["expect-no-changes"] !== true) {
            problems.push(
              `${path}: job ${name}: the drift check must set refresh: true and expect-no-changes: true`,
            );
          }
        } else if (refresh !== false) {
          problems.push(`${path}: job ${name}: a pull-request preview must say refresh: false`);
        }
      }
    }
  }
  if (driftChecks === 0) problems.push("no drift check: no preview runs on workflow_dispatch");
  return problems;
}

/** Every job that deploys depends, directly or not, on a job that runs `npm test`. */
export function checkTestsBeforeDeploy(files: WorkflowFiles): string[] {
  const problems: string[] = [];
  for (const [path, workflow] of parsed(files)) {
    if (isOnlyCalled(workflow)) continue;
    const jobs = workflow.jobs ?? {};
    const needsOf = (name: string): string[] => {
      const needs = (jobs[name] as { needs?: unknown } | undefined)?.needs;
      return needs === undefined ? [] : Array.isArray(needs) ? needs.map(String) : [String(needs)];
    };
    const upstream = (name: string, seen = new Set<string>()): Set<string> => {
      for (const need of needsOf(name)) {
        if (!seen.has(need)) {
          seen.add(need);
          upstream(need, seen);
        }
      }
      return seen;
    };
    const tests = (name: string) =>
      (jobs[name]?.steps ?? []).some((s) => /^npm (run )?test\b/m.test(s.run ?? ""));
    for (const [name, job] of Object.entries(jobs)) {
      if (!runsPulumiUp(stepsOf(job, files))) continue;
      if (![...upstream(name)].some(tests)) {
        problems.push(`${path}: job ${name} deploys without needing a job that runs npm test`);
      }
    }
  }
  return problems;
}

/**
 * One digest from build to both deploys: the job that builds the image publishes one output that
 * names it by digest; every deploy takes exactly that output; prod needs test; only test pushes.
 */
export function checkDigestFlow(files: WorkflowFiles): string[] {
  const problems: string[] = [];
  for (const [path, workflow] of parsed(files)) {
    if (isOnlyCalled(workflow)) continue;
    const jobs = (workflow.jobs ?? {}) as Record<
      string,
      Job & { needs?: unknown; outputs?: Record<string, string> }
    >;
    const deploys = Object.entries(jobs).filter(([, job]) => runsPulumiUp(stepsOf(job, files)));
    if (deploys.length === 0) continue;
    const builders = Object.entries(jobs).filter(([, job]) =>
      (job.steps ?? []).some(
        (s) => s.uses !== undefined && actionName(s.uses) === "docker/build-push-action",
      ),
    );
    if (builders.length !== 1) {
      problems.push(`${path}: expected one job that builds the image; found ${builders.length}`);
      continue;
    }
    const [buildName, build] = builders[0];
    const buildStep = (build.steps ?? []).find(
      (s) => s.uses !== undefined && actionName(s.uses) === "docker/build-push-action",
    ) as Step & { id?: string };
    // The output that names the image: a step output computed from the build step's digest.
    const imageOutput = Object.entries(build.outputs ?? {}).find(([, value]) => {
      const m = /steps\.([\w-]+)\.outputs\.([\w-]+)/.exec(value);
      const step = (build.steps ?? []).find((s) => (s as { id?: string }).id === m?.[1]) as
        (Step & { env?: Record<string, string> }) | undefined;
      return (
        buildStep.id !== undefined &&
        Object.values(step?.env ?? {}).some((v) =>
          String(v).includes(`steps.${buildStep.id}.outputs.digest`),
        )
      );
    });
    if (imageOutput === undefined) {
      problems.push(
        `${path}: job ${buildName} has no output naming the image by the build's digest`,
      );
      continue;
    }
    const expected = `\${{ needs.${buildName}.outputs.${imageOutput[0]} }}`;
    const needsOf = (job: { needs?: unknown }) =>
      job.needs === undefined
        ? []
        : Array.isArray(job.needs)
          ? job.needs.map(String)
          : [String(job.needs)];
    const stackOf = (job: Job) => String(job.with?.stack ?? "");
    for (const [name, job] of deploys) {
      if (job.with?.image !== expected) {
        problems.push(
          `${path}: job ${name} deploys ${JSON.stringify(job.with?.image ?? null)}; expected ${expected}`,
        );
      }
      if (!needsOf(job).includes(buildName))
        problems.push(`${path}: job ${name} does not need ${buildName}`);
    }
    const test = deploys.find(([, job]) => stackOf(job) === "test");
    const prod = deploys.find(([, job]) => stackOf(job) === "prod");
    if (!test || !prod) {
      problems.push(`${path}: expected a test and a prod deploy`);
      continue;
    }
    if (!needsOf(prod[1]).includes(test[0])) {
      problems.push(
        `${path}: job ${prod[0]} must need ${test[0]}: prod deploys only what test ran`,
      );
    }
    const pushers = deploys.filter(([, job]) => job.with?.push === true).map(([n]) => n);
    if (pushers.length !== 1 || pushers[0] !== test[0]) {
      problems.push(
        `${path}: exactly the test deploy pushes the image; pushing jobs: ${JSON.stringify(pushers)}`,
      );
    }
  }
  return problems;
}

/**
 * Lines of a file that run a targeted `pulumi up`: on a fresh stack the engine refuses any create
 * whose parent or dependency is an untargeted create (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go, validateSteps: "untargeted create"; the parent counts,
 * sdk/go/common/resource/resource_state.go GetAllDependencies), so a documented first deploy must
 * not need one. Shell continuations are joined first; the Automation API form counts too.
 */
export function targetedUpdates(text: string): string[] {
  const joined = text.replace(/\\\r?\n\s*/g, " ");
  const found: string[] = [];
  for (const line of joined.split("\n")) {
    if (/\bpulumi\s+(?:up|update)\b[^\n|;&#]*?\s(?:--target(?:=|\s|$)|-t\s)/.test(line)) {
      found.push(line.trim());
    }
  }
  for (const match of joined.matchAll(/\.up\(\s*\{[^}]*\btarget\s*:/g)) found.push(match[0]);
  return found;
}

/** The pulumi/actions steps that pass `target` with `command: up`. */
export function targetedActionSteps(files: WorkflowFiles): string[] {
  const problems: string[] = [];
  for (const [path, workflow] of parsed(files)) {
    for (const [name, , steps] of jobSteps(workflow)) {
      for (const step of steps) {
        if (
          isPulumiAction(step) &&
          step.with?.command === "up" &&
          step.with?.target !== undefined
        ) {
          problems.push(`${path}: job ${name} runs a targeted up`);
        }
      }
    }
  }
  return problems;
}
