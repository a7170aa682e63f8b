import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { versionPattern } from "../src/version";

/** Everything that differs between the container and a plain-process test run. */
export interface NginxConfigParams {
  /**
   * IPv4 address nginx listens on.
   * @default "0.0.0.0", every interface, as the load balancer reaches the container
   */
  readonly listenAddress?: string;
  readonly listenPort: number;
  /** The app's port on 127.0.0.1; nginx proxies everything but `/version.txt` there. */
  readonly appPort: number;
  /** Directory holding `version.txt`. */
  readonly webRoot: string;
  /** Where nginx may write: temp files, and the pid file unless `pidFile` says otherwise. */
  readonly runtimeDir: string;
  /** @default `${runtimeDir}/nginx.pid` */
  readonly pidFile?: string;
  /** Sent as `X-App-Version` on every response; must equal the content of version.txt. */
  readonly version: string;
  /**
   * File the JSON access log is written to, or `false` for none.
   * @default "/dev/stdout"; the supervisor passes a FIFO it copies to its stdout instead
   */
  readonly accessLog?: string | false;
  /** @default "stderr" */
  readonly errorLog?: string;
  /** @default 2 */
  readonly workerProcesses?: number;
  /**
   * Seconds nginx keeps an idle client connection: longer than the load balancer's idle timeout,
   * so the balancer closes it first.
   * @default 75, nginx's own default, above the AWS ALB's 60 s
   */
  readonly keepaliveTimeoutSeconds?: number;
  /** Edge limits of one instance; see `defaultEdgeLimits`. */
  readonly edgeLimits?: Partial<EdgeLimits>;
}

/** What one instance accepts before it refuses at once (nginx.conf.template, "Edge limits"). */
export interface EdgeLimits {
  /** Requests in progress at once (`limit_conn`); the next one gets a 503. */
  readonly maxConnections: number;
  /** Sustained requests per second (`limit_req` rate). */
  readonly requestsPerSecond: number;
  /** Requests above the rate let through at once (`limit_req` burst, nodelay). */
  readonly requestBurst: number;
  /** Seconds a client may take to send the request header, and between two body reads. */
  readonly clientTimeoutSeconds: number;
}

/**
 * Sized from `npm run bench:app` (README, "Benchmarks"): one instance served 12,352 req/s at
 * 32 connections with a p99 of 9 ms, so about 32 requests are in progress at saturation
 * (Little's law). 256 in progress is 8 times that, about 20 ms of queue at that rate; more would
 * only add waiting. 15,000 req/s (burst 1,500) is 1.2 times that ceiling: the benchmark's closed
 * loop, which asks exactly what the instance can serve, is never refused, while an open-loop
 * flood beyond it is refused at once rather than queued. Smaller tasks saturate earlier, where
 * the in-progress cap acts first.
 * 5 s for a header or between body reads is long for a GET with no body, short for a slowloris.
 */
export const defaultEdgeLimits: EdgeLimits = {
  maxConnections: 256,
  requestsPerSecond: 15_000,
  requestBurst: 1_500,
  clientTimeoutSeconds: 5,
};

/** The template ships next to this module, in the source tree and in the image's dist/. */
export const templatePath = join(__dirname, "nginx.conf.template");

// Paths end up unquoted in directives, so anything nginx would parse as syntax is refused.
const safePath = /^\/[A-Za-z0-9._/-]*$/;
const ipv4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

/** Every problem with `params`, one message per key; empty when they are valid. */
export function validateNginxConfigParams(params: NginxConfigParams): string[] {
  const problems: string[] = [];
  const port = (key: "listenPort" | "appPort") => {
    const value = params[key];
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      problems.push(`${key}: expected an integer from 1 to 65535; got ${JSON.stringify(value)}`);
    }
  };
  const path = (key: string, value: string | undefined) => {
    if (value !== undefined && (!isAbsolute(value) || !safePath.test(value))) {
      problems.push(
        `${key}: expected an absolute path of letters, digits and ._/- only; got ${JSON.stringify(value)}`,
      );
    }
  };
  port("listenPort");
  port("appPort");
  if (params.listenPort === params.appPort) {
    problems.push(`appPort: expected a port other than listenPort; got ${params.appPort}`);
  }
  if (params.listenAddress !== undefined && !ipv4.test(params.listenAddress)) {
    problems.push(
      `listenAddress: expected an IPv4 address such as 127.0.0.1; got ${JSON.stringify(params.listenAddress)}`,
    );
  }
  path("webRoot", params.webRoot);
  path("runtimeDir", params.runtimeDir);
  path("pidFile", params.pidFile);
  if (params.accessLog !== false) path("accessLog", params.accessLog);
  if (params.errorLog !== undefined && params.errorLog !== "stderr") {
    path("errorLog", params.errorLog);
  }
  if (!versionPattern.test(params.version)) {
    problems.push(
      `version: expected a version such as 1.0.6 or 1.1.0-rc.1; got ${JSON.stringify(params.version)}`,
    );
  }
  const workers = params.workerProcesses;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 64)) {
    problems.push(
      `workerProcesses: expected an integer from 1 to 64; got ${JSON.stringify(workers)}`,
    );
  }
  const keepalive = params.keepaliveTimeoutSeconds;
  if (
    keepalive !== undefined &&
    (!Number.isInteger(keepalive) || keepalive < 1 || keepalive > 3600)
  ) {
    problems.push(
      `keepaliveTimeoutSeconds: expected an integer from 1 to 3600; got ${JSON.stringify(keepalive)}`,
    );
  }
  const limits = { ...defaultEdgeLimits, ...params.edgeLimits };
  for (const [key, max] of [
    ["maxConnections", 100_000],
    ["requestsPerSecond", 1_000_000],
    ["requestBurst", 1_000_000],
    ["clientTimeoutSeconds", 300],
  ] as const) {
    const value = limits[key];
    if (!Number.isInteger(value) || value < 1 || value > max) {
      problems.push(
        `edgeLimits.${key}: expected an integer from 1 to ${max}; got ${JSON.stringify(value)}`,
      );
    }
  }
  return problems;
}

/**
 * Renders the nginx configuration. The supervisor calls this at start (in the image and in the
 * plain-process tests alike), so there is one configuration and it is the one that is tested.
 */
export function renderNginxConfig(
  params: NginxConfigParams,
  template: string = readFileSync(templatePath, "utf8"),
): string {
  const problems = validateNginxConfigParams(params);
  if (problems.length > 0) {
    throw new Error(`invalid nginx parameters:\n  ${problems.join("\n  ")}`);
  }
  const values: Record<string, string> = {
    listenAddress: params.listenAddress ?? "0.0.0.0",
    listenPort: String(params.listenPort),
    appPort: String(params.appPort),
    webRoot: params.webRoot,
    runtimeDir: params.runtimeDir,
    pidFile: params.pidFile ?? `${params.runtimeDir}/nginx.pid`,
    version: params.version,
    accessLog: params.accessLog === false ? "off" : `${params.accessLog ?? "/dev/stdout"} json`,
    errorLog: params.errorLog ?? "stderr",
    workerProcesses: String(params.workerProcesses ?? 2),
    keepaliveTimeoutSeconds: String(params.keepaliveTimeoutSeconds ?? 75),
    ...Object.fromEntries(
      Object.entries({ ...defaultEdgeLimits, ...params.edgeLimits }).map(([key, value]) => [
        key,
        String(value),
      ]),
    ),
  };
  const unknown = new Set<string>();
  const rendered = template.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) unknown.add(key);
    return value ?? "";
  });
  if (unknown.size > 0) {
    throw new Error(`nginx template: unknown placeholder(s) ${[...unknown].join(", ")}`);
  }
  return rendered;
}
