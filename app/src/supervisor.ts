import { ChildProcess, execFile, execFileSync, fork, spawn } from "node:child_process";
import { constants, openSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { Socket, connect } from "node:net";
import { extname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { renderNginxConfig } from "../nginx/render";
import { ConfigError, SupervisorConfig, supervisorConfigFromEnv } from "./config";
import { log } from "./log";
import { AppMessage, SupervisorMessage } from "./server";
import { readVersionFile } from "./version";

/** The app entry next to this file: server.ts under tsx in tests, server.js in the image. */
const appEntry = join(__dirname, `server${extname(__filename)}`);

/** Time allowed for nginx's graceful quit; above its worker_shutdown_timeout (10 s). */
const nginxQuitTimeoutMs = 12_000;
/** Time allowed for the app to close once nginx, its only client, is gone. */
const appStopTimeoutMs = 7_000;
const startTimeoutMs = 15_000;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Child {
  readonly name: "app" | "nginx";
  readonly process: ChildProcess;
  readonly exited: Promise<Exit>;
}

function watch(name: Child["name"], child: ChildProcess): Child {
  const exited = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { name, process: child, exited };
}

/** The named pipe nginx writes its access log to; the supervisor copies it to stdout. */
export function accessLogPath(config: SupervisorConfig): string {
  return join(config.runtimeDir, "access.log.fifo");
}

/**
 * nginx can only log requests to a path, and /dev/stdout fails in both places this runs:
 * when stdout is a socket (Node's own child-process pipes are socket pairs: ENXIO) and when
 * it is a pipe the container runtime created as root (EACCES for a non-root user). A FIFO we
 * create ourselves works in both. It is opened read-write so it never reports end-of-file
 * while nginx reopens its logs.
 */
async function openAccessLog(path: string): Promise<Socket> {
  await rm(path, { force: true });
  execFileSync("mkfifo", ["-m", "600", path]);
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  const socket = new Socket({ fd, readable: true, writable: false });
  socket.pipe(process.stdout, { end: false });
  return socket;
}

/** Writes the rendered nginx configuration under the runtime directory and returns its path. */
export async function prepareRuntime(config: SupervisorConfig, version: string): Promise<string> {
  await mkdir(config.runtimeDir, { recursive: true, mode: 0o755 });
  const path = join(config.runtimeDir, "nginx.conf");
  const text = renderNginxConfig({
    listenAddress: config.listenHost,
    listenPort: config.listenPort,
    appPort: config.appPort,
    webRoot: config.webRoot,
    runtimeDir: config.runtimeDir,
    version,
    accessLog: config.accessLog ? accessLogPath(config) : false,
    workerProcesses: config.workerProcesses,
    keepaliveTimeoutSeconds: config.keepaliveTimeoutSeconds,
  });
  await writeFile(path, text, { mode: 0o644 });
  return path;
}

/** `-e stderr` keeps nginx from opening its compiled-in error log before it reads the config. */
export function nginxArgs(config: SupervisorConfig, confPath: string): string[] {
  return ["-p", config.runtimeDir, "-c", confPath, "-e", "stderr"];
}

async function waitForPort(host: string, port: number, child: Child, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  while (!exited && Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(
    exited ? `${child.name} exited while starting` : `${child.name} not listening on ${port}`,
  );
}

async function waitForListening(app: Child, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("app did not start listening")), timeoutMs);
    app.process.on("message", (message: AppMessage) => {
      if (message.type === "listening") {
        clearTimeout(timer);
        resolve();
      }
    });
    void app.exited.then(() => {
      clearTimeout(timer);
      reject(new Error("app exited while starting"));
    });
  });
}

/** False if the app's IPC channel is gone (it exited, or is exiting). */
function tell(app: Child, message: SupervisorMessage): boolean {
  if (!app.process.connected) return false;
  try {
    return app.process.send(message);
  } catch {
    return false;
  }
}

/** Waits up to `ms` for the child to exit; true if it did. */
async function exitsWithin(child: Child, ms: number): Promise<boolean> {
  const timeout = sleep(ms, false, { ref: false });
  return Promise.race([child.exited.then(() => true), timeout]);
}

/**
 * Starts the app, then nginx in front of it, and owns their lifetimes.
 *
 * SIGTERM: readiness fails at once (so /healthz answers 503), both keep serving for
 * DRAIN_SECONDS, nginx then quits gracefully (SIGQUIT finishes in-flight requests), the app
 * stops, and the process exits 0. A second SIGTERM or SIGINT skips what is left of the drain.
 * If either child dies on its own, the other is stopped and the process exits 1, so the
 * orchestrator replaces the instance instead of leaving half of it running.
 */
export async function runSupervisor(config: SupervisorConfig): Promise<void> {
  const version = readVersionFile(join(config.webRoot, "version.txt"));
  const confPath = await prepareRuntime(config, version);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    APP_HOST: "127.0.0.1",
    APP_PORT: String(config.appPort),
    APP_VERSION: version,
    INSTANCE_ID: config.instanceId,
    DRAIN_SECONDS: String(config.drainSeconds),
    APP_TEST_ROUTES: config.testRoutes ? "1" : "0",
  };
  if (config.zone === null) delete env.ZONE;
  else env.ZONE = config.zone;

  let phase: "starting" | "running" | "draining" | "stopping" = "starting";
  let failed = false;
  let skipDrain: () => void = () => undefined;
  const children: Child[] = [];
  let accessLog: Socket | undefined;

  const onUnexpectedExit = (child: Child) => {
    void child.exited.then((exit) => {
      if (phase === "stopping") return;
      failed = true;
      log("supervisor", "error", `${child.name} exited unexpectedly`, { ...exit, phase });
      skipDrain();
      if (phase === "running") void shutdown(false);
    });
  };

  const stopNginx = async (nginx: Child) => {
    nginx.process.kill("SIGQUIT");
    if (await exitsWithin(nginx, nginxQuitTimeoutMs)) return;
    failed = true;
    log("supervisor", "warn", "nginx did not quit in time; killing it");
    nginx.process.kill("SIGKILL");
    await nginx.exited;
  };

  const stopApp = async (app: Child) => {
    if (!tell(app, { type: "stop" })) app.process.kill("SIGTERM");
    if (await exitsWithin(app, appStopTimeoutMs)) return;
    failed = true;
    log("supervisor", "warn", "app did not stop in time; killing it");
    app.process.kill("SIGKILL");
    await app.exited;
  };

  const finish = () => {
    const code = failed ? 1 : 0;
    log("supervisor", code === 0 ? "info" : "error", "exiting", { code });
    process.exitCode = code;
    // Pipes flush on their own once the children are gone; this only guards a stuck handle.
    setTimeout(() => process.exit(code), 2_000).unref();
  };

  const shutdown = async (drain: boolean) => {
    if (phase === "draining" || phase === "stopping") return;
    const [app, nginx] = children;
    if (drain && app !== undefined && tell(app, { type: "drain" })) {
      phase = "draining";
      log("supervisor", "info", "draining", { drainSeconds: config.drainSeconds });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, config.drainSeconds * 1000);
        skipDrain = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    phase = "stopping";
    log("supervisor", "info", "stopping");
    // nginx first: its graceful quit needs the app to answer the requests still in flight.
    if (nginx !== undefined) await stopNginx(nginx);
    if (app !== undefined) await stopApp(app);
    accessLog?.destroy();
    finish();
  };

  const onSignal = (signal: NodeJS.Signals) => {
    log("supervisor", "info", "signal", { signal, phase });
    if (phase === "draining") skipDrain();
    else void shutdown(signal === "SIGTERM" && phase === "running");
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  try {
    const app = watch(
      "app",
      fork(appEntry, [], { env, stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    children.push(app);
    onUnexpectedExit(app);
    await waitForListening(app, startTimeoutMs);
    if (phase !== "starting") return;

    if (config.accessLog) accessLog = await openAccessLog(accessLogPath(config));
    const nginx = watch(
      "nginx",
      spawn(config.nginxBin, nginxArgs(config, confPath), {
        stdio: ["ignore", "inherit", "inherit"],
      }),
    );
    children.push(nginx);
    onUnexpectedExit(nginx);
    const probeHost = config.listenHost === "0.0.0.0" ? "127.0.0.1" : config.listenHost;
    await waitForPort(probeHost, config.listenPort, nginx, startTimeoutMs);
  } catch (error) {
    if (phase !== "starting") return;
    failed = true;
    log("supervisor", "error", "start failed", { error: String(error) });
    void shutdown(false);
    return;
  }
  if (phase !== "starting") return;
  phase = "running";
  log("supervisor", "info", "ready", {
    version,
    listenPort: config.listenPort,
    appPort: config.appPort,
    pid: process.pid,
    appPid: children[0]?.process.pid,
    nginxPid: children[1]?.process.pid,
  });
}

/** `--check-config`: render the configuration and let `nginx -t` judge it (used by the build). */
export async function checkConfig(config: SupervisorConfig): Promise<void> {
  const version = readVersionFile(join(config.webRoot, "version.txt"));
  const confPath = await prepareRuntime(config, version);
  await new Promise<void>((resolve, reject) =>
    execFile(config.nginxBin, ["-t", ...nginxArgs(config, confPath)], (error, _out, stderr) => {
      process.stderr.write(stderr);
      if (error) reject(new Error(`nginx -t failed for ${confPath}`));
      else resolve();
    }),
  );
}

if (require.main === module) {
  const run = async () => {
    const config = supervisorConfigFromEnv(process.env);
    if (process.argv.includes("--check-config")) await checkConfig(config);
    else await runSupervisor(config);
  };
  run().catch((error: unknown) => {
    const message = error instanceof ConfigError ? error.message : String(error);
    log("supervisor", "error", "cannot start", { error: message });
    process.exit(1);
  });
}
