/**
 * One instance of the service image as plain processes: the image's own supervisor
 * (app/src/supervisor.ts), which starts the app and nginx in front of it, on free 127.0.0.1
 * ports, the way the container runs them but without a container engine. The one launcher of
 * the project: the rehearsal, the tests (tests/helpers/processes.ts) and `npm run bench:app`.
 *
 * `launchInstance` returns at once: judging health is the rehearsal supervisor's job, and a bad
 * release must be observable (and stoppable) while it never becomes healthy. `startInstance`
 * waits for `/healthz`, with defaults for tests:
 *
 *   const instance = await startInstance({ version: "1.0.6", drainSeconds: 1 });
 *   await fetch(`${instance.url}/version.txt`);
 *   await instance.stop(); // SIGTERM, waits for the drain, removes the temp dir
 *
 * Every instance runs in its own process group, as a container is its own PID namespace: a kill
 * reaches nginx's workers too, and Ctrl-C in the terminal does not reach it at all. A process
 * `exit` hook (procs.ts) kills every group still running if a caller forgot.
 */
import { ChildProcess, spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { until } from "../lib/wait";
import { keepaliveEnvVar } from "../../components/keepalive";
import { MissingToolError } from "../lib/errors";
import { installHint } from "../lib/exec";
import { compiledSupervisor } from "./appBuild";
import { defaultNginxBin } from "./lb";
import { freePort, keepTail, signalGroup, startedGroups } from "./procs";

export { freePort };
export const repoRoot = resolve(__dirname, "..", "..");
export const nginxBin = defaultNginxBin;
const appCache = join(repoRoot, "node_modules", ".cache", "ha-web-app");
const tsxRegister = require.resolve("tsx/cjs");

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LaunchOptions {
  readonly id: string;
  readonly version: string;
  /** ZONE. @default unset, so the app reports `null` */
  readonly zone?: string;
  /** DRAIN_SECONDS. */
  readonly drainSeconds: number;
  /** Parent directory; the instance gets `<dir>/<id>` with www/ and run/. @default a temp dir */
  readonly dir?: string;
  /** NGINX_BIN: the real nginx, or the bad-release wrapper (badRelease.ts). @default nginxBin */
  readonly nginxBin?: string;
  /**
   * NGINX_KEEPALIVE_TIMEOUT_SECONDS: how long the instance's nginx keeps an idle connection.
   * @default the image's own default
   */
  readonly keepaliveTimeoutSeconds?: number;
  /**
   * Ports other processes hold; the ports picked are added to it at once. The kernel may hand
   * a port that was just freed to the next caller, so two instances launched together could
   * otherwise pick the same one.
   */
  readonly portsInUse?: Set<number>;
  /** APP_TEST_ROUTES, which enables `/sleep?ms=N`. @default false */
  readonly testRoutes?: boolean;
  /**
   * ACCESS_LOG, copied through the supervisor's stdout. @default false: the rehearsal's load
   * balancer keeps its own log of every request
   */
  readonly accessLog?: boolean;
  /** NGINX_WORKER_PROCESSES. @default 1 */
  readonly workerProcesses?: number;
  /** Extra environment, applied last. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The supervisor to run: a `.js` file runs as is, a `.ts` file under tsx.
   * @default app/ compiled to JavaScript, as the image runs it (appBuild.ts)
   */
  readonly entry?: string;
  /** Run as this user (only possible as root). @default the current user */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Keep stdout for `output()` as well as stderr. @default false */
  readonly captureStdout?: boolean;
}

export interface InstanceProcess {
  readonly id: string;
  readonly version: string;
  readonly zone: string;
  /** nginx's port, the container's 8080: what the load balancer and the health checks use. */
  readonly port: number;
  /** The app's port behind nginx, the container's 3000. */
  readonly appPort: number;
  /** The image supervisor's pid, and the process group of the whole instance. */
  readonly pid: number;
  /** The instance's directory, holding www/ and run/. */
  readonly dir: string;
  /** RUNTIME_DIR: the instance's rendered nginx.conf and nginx.pid are here. */
  readonly runtimeDir: string;
  readonly exited: Promise<Exit>;
  readonly hasExited: boolean;
  /** What the processes wrote (stdout only with `captureStdout`), the last 4 MiB. */
  output(): string;
  /** The last 64 KiB of the output: why an instance failed. */
  stderr(): string;
  /** GET /healthz on the instance's port: true for a 200 within `timeoutMs`. */
  checkHealth(timeoutMs: number): Promise<boolean>;
  /** To the image supervisor alone, as a container runtime does: SIGTERM drains, SIGINT does not. */
  signal(signal: NodeJS.Signals): void;
  /** To the whole group: supervisor, app and nginx with its workers. */
  signalGroup(signal: NodeJS.Signals): void;
  /** Removes the instance's directory; call once it has exited. */
  removeFiles(): void;
}

/** Starts the instance's processes and returns at once. */
export async function launchInstance(options: LaunchOptions): Promise<InstanceProcess> {
  const nginx = options.nginxBin ?? nginxBin;
  if (!existsSync(nginx)) throw new MissingToolError(nginx, installHint("nginx"));
  const taken = options.portsInUse ?? new Set<number>();
  const pick = async () => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  const port = await pick();
  const appPort = await pick();

  const parent = options.dir ?? mkdtempSync(join(tmpdir(), "instance-"));
  const dir = join(parent, options.id);
  const www = join(dir, "www");
  const run = join(dir, "run");
  mkdirSync(www, { recursive: true });
  mkdirSync(run, { recursive: true });
  writeFileSync(join(www, "version.txt"), `${options.version}\n`);
  // When this runs as root (as in CI), nginx's workers run as another user and must still
  // reach www/ (mkdtemp makes directories private).
  for (const path of [parent, dir, www]) chmodSync(path, 0o755);
  if (options.user !== undefined) chownSync(run, options.user.uid, options.user.gid);

  const entry = options.entry ?? compiledSupervisor(join(repoRoot, "app"), appCache);
  const child: ChildProcess = spawn(
    process.execPath,
    entry.endsWith(".ts") ? ["--require", tsxRegister, entry] : [entry],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        LISTEN_HOST: "127.0.0.1",
        PORT: String(port),
        APP_PORT: String(appPort),
        WEB_ROOT: www,
        RUNTIME_DIR: run,
        NGINX_BIN: nginx,
        INSTANCE_ID: options.id,
        DRAIN_SECONDS: String(options.drainSeconds),
        APP_TEST_ROUTES: options.testRoutes === true ? "1" : "0",
        ACCESS_LOG: options.accessLog === true ? "1" : "0",
        NGINX_WORKER_PROCESSES: String(options.workerProcesses ?? 1),
        ...(options.zone === undefined ? {} : { ZONE: options.zone }),
        ...(options.keepaliveTimeoutSeconds === undefined
          ? {}
          : { [keepaliveEnvVar]: String(options.keepaliveTimeoutSeconds) }),
        ...options.env,
      },
      detached: true,
      stdio: ["ignore", options.captureStdout === true ? "pipe" : "ignore", "pipe"],
      ...(options.user ?? {}),
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start instance ${options.id}`);
  startedGroups.add(pid);

  const output = keepTail([child.stdout, child.stderr], 4 * 1024 * 1024);
  let hasExited = false;
  const exited = new Promise<Exit>((done) =>
    child.once("exit", (code, signal) => {
      hasExited = true;
      startedGroups.delete(pid);
      done({ code, signal });
    }),
  );

  return {
    id: options.id,
    version: options.version,
    zone: options.zone ?? "",
    port,
    appPort,
    pid,
    dir,
    runtimeDir: run,
    exited,
    get hasExited() {
      return hasExited;
    },
    output,
    stderr: () => output().slice(-65536),
    checkHealth: async (timeoutMs) =>
      (await getStatus(`http://127.0.0.1:${port}/healthz`, timeoutMs)) === 200,
    signal: (signal) => {
      if (!hasExited) child.kill(signal);
    },
    signalGroup: (signal) => {
      signalGroup(pid, signal);
    },
    removeFiles: () =>
      rmSync(options.dir === undefined ? parent : dir, { recursive: true, force: true }),
  };
}

/**
 * One GET without keep-alive; resolves with the status, or `undefined` on a network error or
 * when the whole answer takes longer than `timeoutMs` (a deadline, not an idle timeout: a hung
 * instance fails it).
 */
export function getStatus(url: string, timeoutMs = 2_000): Promise<number | undefined> {
  // The signal aborts the request, and the response with it, whatever stage it is in.
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise((done) => {
    const request = http.get(url, { agent: false, signal }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode));
      res.on("error", () => done(undefined));
    });
    request.on("error", () => done(undefined));
  });
}

/** Polls `url` until it answers `status`; throws after `timeoutMs` or once `abort` resolves. */
export async function waitForHttp(
  url: string,
  options: {
    status?: number;
    timeoutMs?: number;
    intervalMs?: number;
    abort?: Promise<unknown>;
  } = {},
): Promise<void> {
  const { status = 200, timeoutMs = 10_000, intervalMs = 50 } = options;
  let aborted = false;
  void options.abort?.then(() => (aborted = true));
  let last: number | undefined;
  const answered = async () => (last = await getStatus(url)) === status;
  if ((await until(answered, timeoutMs, intervalMs, () => aborted)) !== undefined) return;
  const why = aborted ? "gave up" : `timed out after ${timeoutMs} ms`;
  throw new Error(
    `waitForHttp ${url}: ${why} waiting for ${status}; last answer ${last ?? "none"}`,
  );
}

export interface InstanceOptions extends Partial<
  Omit<LaunchOptions, "dir" | "captureStdout" | "portsInUse">
> {
  /** @default 15000 */
  readonly startTimeoutMs?: number;
  /**
   * Keep what the processes print, for `output()`. Benchmarks turn it off so copying access
   * logs does not compete with the load generator in this process.
   * @default true
   */
  readonly captureOutput?: boolean;
}

/** An instance started by `startInstance`: healthy, with the pids from its "ready" line. */
export interface Instance extends Pick<
  InstanceProcess,
  "port" | "appPort" | "pid" | "version" | "id" | "dir" | "exited" | "output"
> {
  /** From the supervisor's "ready" log line; NaN with `captureOutput: false`. */
  readonly appPid: number;
  readonly nginxPid: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly drainSeconds: number;
  /** Sends `signal` to the supervisor alone, as the container runtime does. */
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, waits for the drain and exit, then cleans up. Resolves with the exit. */
  stop(): Promise<Exit>;
  /** SIGKILLs the whole process group and removes the temp dir. Idempotent. */
  cleanup(): void;
}

const started = new Set<Instance>();
let counter = 0;

/**
 * Starts supervisor, app and nginx, and resolves once `/healthz` answers 200. Defaults for
 * tests: version 1.0.0, a 1 s drain, test routes and access logs on.
 */
export async function startInstance(options: InstanceOptions = {}): Promise<Instance> {
  counter += 1;
  const id = options.id ?? `test-${counter}`;
  const drainSeconds = options.drainSeconds ?? 1;
  const launched = await launchInstance({
    ...options,
    id,
    version: options.version ?? "1.0.0",
    drainSeconds,
    testRoutes: options.testRoutes ?? true,
    accessLog: options.accessLog ?? true,
    captureStdout: options.captureOutput !== false,
  });
  const { pid, exited, output } = launched;
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    launched.signalGroup("SIGKILL");
    launched.removeFiles();
    started.delete(instance);
  };
  const readyPids = () => {
    const line = output()
      .split("\n")
      .find((l) => l.includes('"msg":"ready"'));
    const ready = line === undefined ? {} : (JSON.parse(line) as Record<string, unknown>);
    return { appPid: Number(ready.appPid), nginxPid: Number(ready.nginxPid) };
  };

  const instance: Instance = {
    port: launched.port,
    appPort: launched.appPort,
    pid,
    get appPid() {
      return readyPids().appPid;
    },
    get nginxPid() {
      return readyPids().nginxPid;
    },
    url: `http://127.0.0.1:${launched.port}`,
    version: launched.version,
    id,
    drainSeconds,
    dir: launched.dir,
    exited,
    output,
    kill: (signal = "SIGTERM") => launched.signal(signal),
    stop: async () => {
      instance.kill("SIGTERM");
      const limit = sleep(drainSeconds * 1000 + 20_000, "timeout" as const, { ref: false });
      const result = await Promise.race([exited, limit]);
      cleanup();
      if (result === "timeout") throw new Error(`instance ${id} did not exit:\n${output()}`);
      return result;
    },
    cleanup,
  };
  started.add(instance);

  try {
    await waitForHttp(`${instance.url}/healthz`, {
      timeoutMs: options.startTimeoutMs ?? 15_000,
      abort: exited,
    });
    // The ready line follows the first successful connection by a moment.
    if (options.captureOutput !== false) {
      await until(() => !Number.isNaN(readyPids().nginxPid), 2_000, 10);
    }
  } catch (error) {
    cleanup();
    throw new Error(`instance ${id} did not become ready: ${String(error)}\n${output()}`);
  }
  return instance;
}

/** Stops every instance `startInstance` started, gracefully where possible. For `after` hooks. */
export async function stopAllInstances(): Promise<void> {
  await Promise.allSettled([...started].map((instance) => instance.stop()));
  for (const instance of started) instance.cleanup();
}
