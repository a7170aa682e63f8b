/**
 * Starts the image's processes (supervisor → app + nginx) on free 127.0.0.1 ports, the way the
 * container runs them but without Docker, and guarantees they are gone afterwards.
 *
 *   const instance = await startInstance({ version: "1.0.6", drainSeconds: 1 });
 *   await fetch(`${instance.url}/version.txt`);
 *   await instance.stop(); // SIGTERM, waits for the drain, removes the temp dir
 *
 * Every instance runs in its own process group, so cleanup reaches nginx's workers too. Call
 * `stopAllInstances()` from an `after`/`afterEach` hook; a process `exit` hook kills whatever
 * is left if a test forgot (or the run was interrupted).
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
import { AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const repoRoot = resolve(__dirname, "..", "..");
export const nginxBin = process.env.NGINX_BIN ?? "/usr/sbin/nginx";
const supervisorSource = join(repoRoot, "app", "src", "supervisor.ts");
const tsxRegister = require.resolve("tsx/cjs");

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface InstanceOptions {
  /** Written to version.txt. @default "1.0.0" */
  readonly version?: string;
  /** INSTANCE_ID. @default "test-<n>" */
  readonly id?: string;
  /** ZONE. @default unset, so the app reports `null` */
  readonly zone?: string;
  /** DRAIN_SECONDS. @default 1, short enough for tests */
  readonly drainSeconds?: number;
  /** APP_TEST_ROUTES, which enables `/sleep?ms=N`. @default true */
  readonly testRoutes?: boolean;
  /** ACCESS_LOG. @default true */
  readonly accessLog?: boolean;
  /** NGINX_WORKER_PROCESSES. @default 1 */
  readonly workerProcesses?: number;
  /** Extra environment, applied last. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The supervisor to run: a compiled `supervisor.js` runs as is.
   * @default app/src/supervisor.ts under tsx
   */
  readonly entry?: string;
  /** Run as this user (only possible when the test runs as root). @default the current user */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** @default 15000 */
  readonly startTimeoutMs?: number;
  /**
   * Keep what the processes print, for `output()`. Benchmarks turn it off so copying access
   * logs does not compete with the load generator in this process.
   * @default true
   */
  readonly captureOutput?: boolean;
}

export interface Instance {
  /** nginx's port: the container's 8080. */
  readonly port: number;
  /** The app's own port behind nginx: the container's 3000. */
  readonly appPort: number;
  /** The supervisor's pid; also its process group id. */
  readonly pid: number;
  /** From the supervisor's "ready" log line; NaN with `captureOutput: false`. */
  readonly appPid: number;
  readonly nginxPid: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly version: string;
  readonly id: string;
  readonly drainSeconds: number;
  /** Temp directory holding www/ and run/; removed by stop() and cleanup(). */
  readonly dir: string;
  /** Resolves when the supervisor exits. */
  readonly exited: Promise<Exit>;
  /** What the processes wrote to stdout (unless not captured) and stderr, the last 4 MiB. */
  output(): string;
  /** Sends `signal` to the supervisor alone, as the container runtime does. */
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, waits for the drain and exit, then cleans up. Resolves with the exit. */
  stop(): Promise<Exit>;
  /** SIGKILLs the whole process group and removes the temp dir. Idempotent. */
  cleanup(): void;
}

const live = new Set<Instance>();
let counter = 0;

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", done);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** One GET without keep-alive; resolves with the status, or `undefined` on a network error. */
export function getStatus(url: string, timeoutMs = 2_000): Promise<number | undefined> {
  return new Promise((done) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode));
      res.on("error", () => done(undefined));
    });
    request.on("timeout", () => request.destroy());
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
  const deadline = Date.now() + timeoutMs;
  let last: number | undefined;
  while (Date.now() < deadline && !aborted) {
    last = await getStatus(url);
    if (last === status) return;
    await sleep(intervalMs);
  }
  const why = aborted ? "gave up" : `timed out after ${timeoutMs} ms`;
  throw new Error(
    `waitForHttp ${url}: ${why} waiting for ${status}; last answer ${last ?? "none"}`,
  );
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Starts supervisor, app and nginx, and resolves once `/healthz` answers 200. */
export async function startInstance(options: InstanceOptions = {}): Promise<Instance> {
  if (!existsSync(nginxBin)) {
    throw new Error(
      `nginx not found at ${nginxBin}: install it (apt-get install nginx-light) or set NGINX_BIN`,
    );
  }
  counter += 1;
  const version = options.version ?? "1.0.0";
  const id = options.id ?? `test-${counter}`;
  const drainSeconds = options.drainSeconds ?? 1;
  const port = await freePort();
  let appPort = await freePort();
  while (appPort === port) appPort = await freePort();

  const dir = mkdtempSync(join(tmpdir(), "instance-"));
  const www = join(dir, "www");
  const run = join(dir, "run");
  mkdirSync(www);
  mkdirSync(run);
  writeFileSync(join(www, "version.txt"), `${version}\n`);
  // mkdtemp makes the directory private; nginx workers run as another user when the master
  // runs as root (as in CI), and must still read www/.
  chmodSync(dir, 0o755);
  chmodSync(www, 0o755);
  if (options.user !== undefined) chownSync(run, options.user.uid, options.user.gid);

  const entry = options.entry ?? supervisorSource;
  const args = entry.endsWith(".ts") ? ["--require", tsxRegister, entry] : [entry];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LISTEN_HOST: "127.0.0.1",
    PORT: String(port),
    APP_PORT: String(appPort),
    WEB_ROOT: www,
    RUNTIME_DIR: run,
    NGINX_BIN: nginxBin,
    INSTANCE_ID: id,
    DRAIN_SECONDS: String(drainSeconds),
    APP_TEST_ROUTES: options.testRoutes === false ? "0" : "1",
    ACCESS_LOG: options.accessLog === false ? "0" : "1",
    NGINX_WORKER_PROCESSES: String(options.workerProcesses ?? 1),
    ...(options.zone === undefined ? {} : { ZONE: options.zone }),
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: dir,
    env,
    detached: true,
    stdio: ["ignore", options.captureOutput === false ? "ignore" : "pipe", "pipe"],
    ...(options.user ?? {}),
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${entry}`);

  const chunks: string[] = [];
  let size = 0;
  const keep = (chunk: Buffer) => {
    chunks.push(chunk.toString("utf8"));
    size += chunk.length;
    while (size > 4 * 1024 * 1024 && chunks.length > 1) size -= chunks.shift()?.length ?? 0;
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<Exit>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );

  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    killGroup(pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    live.delete(instance);
  };
  const output = () => chunks.join("");
  const readyPids = () => {
    const line = output()
      .split("\n")
      .find((l) => l.includes('"msg":"ready"'));
    const ready = line === undefined ? {} : (JSON.parse(line) as Record<string, unknown>);
    return { appPid: Number(ready.appPid), nginxPid: Number(ready.nginxPid) };
  };

  const instance: Instance = {
    port,
    appPort,
    pid,
    get appPid() {
      return readyPids().appPid;
    },
    get nginxPid() {
      return readyPids().nginxPid;
    },
    url: `http://127.0.0.1:${port}`,
    version,
    id,
    drainSeconds,
    dir,
    exited,
    output,
    kill: (signal = "SIGTERM") => {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    },
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
  live.add(instance);

  try {
    await waitForHttp(`${instance.url}/healthz`, {
      timeoutMs: options.startTimeoutMs ?? 15_000,
      abort: exited,
    });
    // The ready line follows the first successful connection by a moment.
    const deadline = Date.now() + 2_000;
    while (
      options.captureOutput !== false &&
      Number.isNaN(readyPids().nginxPid) &&
      Date.now() < deadline
    ) {
      await sleep(10);
    }
  } catch (error) {
    cleanup();
    throw new Error(`instance ${id} did not become ready: ${String(error)}\n${output()}`);
  }
  return instance;
}

/** Stops every instance still running, gracefully where possible. For `after` hooks. */
export async function stopAllInstances(): Promise<void> {
  await Promise.allSettled([...live].map((instance) => instance.stop()));
  for (const instance of live) instance.cleanup();
}

process.once("exit", () => {
  for (const instance of live) instance.cleanup();
});
