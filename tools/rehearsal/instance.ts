/**
 * One instance of the service image as plain processes: the image's own supervisor
 * (app/src/supervisor.ts), which starts the app and nginx in front of it, on free 127.0.0.1
 * ports. Unlike tests/helpers/processes.ts `startInstance`, launching does not wait for the
 * instance to be healthy: judging health is the rehearsal supervisor's job, and a bad release
 * must be observable (and stoppable) while it never becomes healthy.
 */
import { ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { join, resolve } from "node:path";
import { keepaliveEnvVar } from "../../components/keepalive";
import { freePort, signalGroup } from "./procs";

export const repoRoot = resolve(__dirname, "..", "..");
const supervisorSource = join(repoRoot, "app", "src", "supervisor.ts");
const tsxRegister = require.resolve("tsx/cjs");

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LaunchOptions {
  readonly id: string;
  readonly version: string;
  readonly zone: string;
  /** DRAIN_SECONDS. */
  readonly drainSeconds: number;
  /** Parent directory; the instance gets `<dir>/<id>` with www/ and run/. */
  readonly dir: string;
  /**
   * NGINX_KEEPALIVE_TIMEOUT_SECONDS: how long the instance's nginx keeps an idle connection.
   * @default the image's own default
   */
  readonly keepaliveTimeoutSeconds?: number;
  /** NGINX_BIN: the real nginx, or the bad-release wrapper (badRelease.ts). */
  readonly nginxBin: string;
  /**
   * Ports other processes of the rehearsal hold; the ports picked are added to it at once. The
   * kernel may hand a port that was just freed to the next caller, so two instances launched
   * together could otherwise pick the same one.
   */
  readonly portsInUse?: Set<number>;
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
  /** RUNTIME_DIR: the instance's rendered nginx.conf and nginx.pid are here. */
  readonly runtimeDir: string;
  readonly exited: Promise<Exit>;
  readonly hasExited: boolean;
  /** The last 64 KiB of stderr: why an instance failed. */
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

const live = new Set<number>();
process.once("exit", () => {
  for (const pgid of live) signalGroup(pgid, "SIGKILL");
});

/** Starts the instance's processes and returns at once. */
export async function launchInstance(options: LaunchOptions): Promise<InstanceProcess> {
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

  const dir = join(options.dir, options.id);
  const www = join(dir, "www");
  const run = join(dir, "run");
  mkdirSync(www, { recursive: true });
  mkdirSync(run, { recursive: true });
  writeFileSync(join(www, "version.txt"), `${options.version}\n`);
  // When the rehearsal runs as root (as in CI), nginx's workers run as another user and must
  // still reach www/ (mkdtemp makes directories private).
  for (const path of [options.dir, dir, www]) chmodSync(path, 0o755);

  const child: ChildProcess = spawn(
    process.execPath,
    ["--require", tsxRegister, supervisorSource],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        LISTEN_HOST: "127.0.0.1",
        PORT: String(port),
        APP_PORT: String(appPort),
        WEB_ROOT: www,
        RUNTIME_DIR: run,
        NGINX_BIN: options.nginxBin,
        INSTANCE_ID: options.id,
        ZONE: options.zone,
        DRAIN_SECONDS: String(options.drainSeconds),
        APP_TEST_ROUTES: "0",
        // The access log is copied through the supervisor's stdout, which nobody reads here;
        // the load balancer keeps its own log of every request.
        ACCESS_LOG: "0",
        NGINX_WORKER_PROCESSES: "1",
        ...(options.keepaliveTimeoutSeconds === undefined
          ? {}
          : { [keepaliveEnvVar]: String(options.keepaliveTimeoutSeconds) }),
      },
      // Its own process group, as a container is its own PID namespace: a kill reaches nginx's
      // workers too, and Ctrl-C in the terminal does not reach it at all.
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start instance ${options.id}`);
  live.add(pid);

  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-65536);
  });
  let hasExited = false;
  const exited = new Promise<Exit>((done) =>
    child.once("exit", (code, signal) => {
      hasExited = true;
      live.delete(pid);
      done({ code, signal });
    }),
  );

  return {
    id: options.id,
    version: options.version,
    zone: options.zone,
    port,
    appPort,
    pid,
    runtimeDir: run,
    exited,
    get hasExited() {
      return hasExited;
    },
    stderr: () => stderr,
    checkHealth: (timeoutMs) => healthy(port, timeoutMs),
    signal: (signal) => {
      if (!hasExited) child.kill(signal);
    },
    signalGroup: (signal) => {
      signalGroup(pid, signal);
    },
    removeFiles: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function healthy(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(ok);
    };
    const request = http.get({ host: "127.0.0.1", port, path: "/healthz", agent: false }, (res) => {
      res.resume();
      res.on("end", () => finish(res.statusCode === 200));
      res.on("error", () => finish(false));
    });
    // A deadline for the whole check, not only for idle sockets: a hung instance fails it.
    const timer = setTimeout(() => {
      request.destroy();
      finish(false);
    }, timeoutMs);
    request.on("error", () => finish(false));
  });
}
