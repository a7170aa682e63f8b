import { hostname } from "node:os";
import { isAbsolute } from "node:path";
import { versionPattern } from "./version";

/** What the supervisor reads from its environment; see app/README.md for the table. */
export interface SupervisorConfig {
  /** Address nginx listens on; tests use 127.0.0.1, the container all IPv4 interfaces. */
  readonly listenHost: string;
  readonly listenPort: number;
  readonly appPort: number;
  readonly drainSeconds: number;
  /** Holds `version.txt`; read-only in the image. */
  readonly webRoot: string;
  /** The only place nginx writes (config, pid file, temp files): a tmpfs in the container. */
  readonly runtimeDir: string;
  readonly nginxBin: string;
  readonly instanceId: string;
  readonly zone: string | null;
  readonly accessLog: boolean;
  readonly workerProcesses: number;
  /** nginx's idle keep-alive for client connections: longer than the load balancer's idle timeout. */
  readonly keepaliveTimeoutSeconds: number;
  readonly testRoutes: boolean;
}

/** What the app process reads from its environment. */
export interface AppConfig {
  readonly host: string;
  readonly port: number;
  readonly version: string;
  readonly instanceId: string;
  readonly zone: string | null;
  readonly drainSeconds: number;
  readonly testRoutes: boolean;
}

export class ConfigError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`invalid environment:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(key: string): string | undefined {
    const value = this.env[key];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  }

  string(key: string, fallback: string): string {
    return this.raw(key) ?? fallback;
  }

  number(key: string, fallback: number, min: number, max: number, integer: boolean): number {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      const kind = integer ? "an integer" : "a number";
      this.problems.push(
        `${key}: expected ${kind} from ${min} to ${max}; got ${JSON.stringify(text)}`,
      );
      return fallback;
    }
    return value;
  }

  port(key: string, fallback: number): number {
    return this.number(key, fallback, 1, 65535, true);
  }

  flag(key: string, fallback: boolean): boolean {
    const text = this.raw(key);
    if (text === undefined) return fallback;
    if (["1", "true", "on", "yes"].includes(text.toLowerCase())) return true;
    if (["0", "false", "off", "no"].includes(text.toLowerCase())) return false;
    this.problems.push(
      `${key}: expected one of 1, 0, true, false, on, off; got ${JSON.stringify(text)}`,
    );
    return fallback;
  }

  path(key: string, fallback: string): string {
    const value = this.string(key, fallback);
    if (!isAbsolute(value)) {
      this.problems.push(`${key}: expected an absolute path; got ${JSON.stringify(value)}`);
    }
    return value;
  }

  done<T>(value: T): T {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
    return value;
  }
}

/**
 * Upper bound for DRAIN_SECONDS. Fargate's stopTimeout is capped at 120 s and the
 * orchestrator kills the container when it runs out, so a longer drain could never finish.
 */
export const maxDrainSeconds = 110;

/** Defaults match the Dockerfile's ENV lines and the contract: 8080 in front, 3000 behind. */
export function supervisorConfigFromEnv(env: Env): SupervisorConfig {
  const r = new Reader(env);
  const listenPort = r.port("PORT", 8080);
  const appPort = r.port("APP_PORT", 3000);
  if (listenPort === appPort) {
    r.problems.push(`APP_PORT: expected a port other than PORT (${listenPort}); got ${appPort}`);
  }
  return r.done({
    listenHost: r.string("LISTEN_HOST", "0.0.0.0"),
    listenPort,
    appPort,
    drainSeconds: r.number("DRAIN_SECONDS", 30, 0, maxDrainSeconds, false),
    webRoot: r.path("WEB_ROOT", "/srv/www"),
    runtimeDir: r.path("RUNTIME_DIR", "/tmp/runtime"),
    nginxBin: r.path("NGINX_BIN", "/usr/sbin/nginx"),
    instanceId: r.string("INSTANCE_ID", hostname()),
    zone: r.raw("ZONE") ?? null,
    accessLog: r.flag("ACCESS_LOG", true),
    // Not "auto": nginx counts the host's CPUs, not the container's quota, and would start
    // dozens of workers in a 0.25-vCPU task on a large host.
    workerProcesses: r.number("NGINX_WORKER_PROCESSES", 2, 1, 64, true),
    // Set per cloud by the deploy (components/keepalive.ts); 75 s, nginx's own default, suits
    // the ALB's 60 s and a local run.
    keepaliveTimeoutSeconds: r.number("NGINX_KEEPALIVE_TIMEOUT_SECONDS", 75, 1, 3600, true),
    testRoutes: r.flag("APP_TEST_ROUTES", false),
  });
}

export function appConfigFromEnv(env: Env): AppConfig {
  const r = new Reader(env);
  const version = r.raw("APP_VERSION");
  if (version === undefined || !versionPattern.test(version)) {
    r.problems.push(
      `APP_VERSION: expected a version such as 1.0.6 or 1.1.0-rc.1; got ${JSON.stringify(version ?? "")}`,
    );
  }
  return r.done({
    // Loopback by default: only nginx should reach the app.
    host: r.string("APP_HOST", "127.0.0.1"),
    port: r.port("APP_PORT", 3000),
    version: version ?? "",
    instanceId: r.string("INSTANCE_ID", hostname()),
    zone: r.raw("ZONE") ?? null,
    drainSeconds: r.number("DRAIN_SECONDS", 30, 0, maxDrainSeconds, false),
    testRoutes: r.flag("APP_TEST_ROUTES", false),
  });
}
