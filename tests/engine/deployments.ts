import { RecordedCall } from "../../tools/engine/provider/cloud";
import { EngineWorkspace } from "../../tools/engine/workspace";

/**
 * How the engine tier spends its time. Every `pulumi up` runs Node processes that each load the
 * Pulumi SDK (the program, its language host, one per provider), and much of an operation is one
 * process waiting for another to start. So the tier's work is started at once, before the first
 * test, as independent lines that two cores run side by side: one per cloud (its workspace, with
 * `test` and `prod` deployed from empty state once and shared by every file that needs a deployed
 * stack, then each file's steps on it in the order mocha loads the files), and one per other
 * independent job (each document's first deploy, the change-impact preview). The tests then
 * await the results of their own steps and assert on them.
 */
export const clouds = ["aws", "gcp", "azure"] as const;
export type Cloud = (typeof clouds)[number];

/** One cloud's workspace with `test` and then `prod` deployed from empty state. */
export interface Deployment {
  readonly ws: EngineWorkspace;
  /** The creates each stack's first `pulumi up` sent, by stack. */
  readonly created: Readonly<Record<"test" | "prod", readonly RecordedCall[]>>;
  /** `pulumi stack output cloud` of each stack after its first `up`. */
  readonly cloudOutput: Readonly<Record<"test" | "prod", string>>;
}

let open: () => void;
/** Opens in the root `before` hook: nothing starts while mocha is only loading the files. */
const started = new Promise<void>((resolve) => (open = resolve));
before(() => open());

const workspaces: EngineWorkspace[] = [];
const pending: Promise<unknown>[] = [];

/**
 * Starts `job` with the tier and returns its result. The promise is marked handled here: a job
 * may fail before its test awaits it, and the test reports the failure then.
 */
export function eager<T>(job: () => Promise<T>): Promise<T> {
  const result = started.then(job);
  result.catch(() => undefined);
  pending.push(result);
  return result;
}

/** A workspace that the root `after` hook removes once every job is done. */
export function workspace(): EngineWorkspace {
  const ws = new EngineWorkspace();
  workspaces.push(ws);
  return ws;
}

async function deploy(cloud: Cloud): Promise<Deployment> {
  const ws = workspace();
  const created = { test: [] as RecordedCall[], prod: [] as RecordedCall[] };
  const cloudOutput = { test: "", prod: "" };
  for (const stack of ["test", "prod"] as const) {
    await ws.ok(["stack", "init", stack]);
    await ws.ok(["config", "set", "cloud", cloud]);
    ws.cloud.clearCalls();
    await ws.ok(["up", "--yes", "--skip-preview"]);
    created[stack] = ws.cloud.calls().filter((c) => c.op === "create");
    cloudOutput[stack] = (await ws.ok(["stack", "output", "cloud"])).stdout.trim();
  }
  await ws.ok(["stack", "select", "test"]);
  return { ws, created, cloudOutput };
}

const deployments = new Map<Cloud, Promise<Deployment>>();
const tails = new Map<Cloud, Promise<unknown>>();

/** `cloud`'s deployment: its workspace with `test` (selected) and `prod` deployed. */
export function deployment(cloud: Cloud): Promise<Deployment> {
  let deployed = deployments.get(cloud);
  if (deployed === undefined) {
    deployed = eager(() => deploy(cloud));
    deployments.set(cloud, deployed);
    tails.set(cloud, deployed);
  }
  return deployed;
}

/**
 * Runs `step` on `cloud`'s deployment after the steps registered before it, and leaves `test`
 * selected for the next. A step that fails does not stop the ones after it; a failed deployment
 * fails them all.
 */
export function cloudStep<T>(cloud: Cloud, step: (deployed: Deployment) => Promise<T>): Promise<T> {
  const deployed = deployment(cloud);
  const result = (tails.get(cloud) as Promise<unknown>)
    .catch(() => undefined)
    .then(() => deployed)
    .then(step);
  result.catch(() => undefined);
  tails.set(cloud, result);
  pending.push(result);
  return result;
}

// Root hook: the workspaces go when every job is done.
after(async () => {
  await Promise.allSettled(pending);
  for (const ws of workspaces.splice(0)) ws.remove();
});
